"""Payments: cash with change, card (never a full card number), Yape/Plin."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from pos.domain.errors import ValidationError
from pos.domain.money import format_money, parse_amount
# Re-exported: the rule lives in pos.domain.text, with every other free-text field.
from pos.domain.text import contains_card_number, refuse_card_number  # noqa: F401
from pos.i18n import N_, _


class Method(StrEnum):
    CASH = "cash"
    CARD = "card"
    YAPE = "yape"
    PLIN = "plin"

    @property
    def label(self) -> str:
        """The method as the clerk and the receipt name it."""
        return {"cash": _("Cash"), "card": _("Card"), "yape": "Yape", "plin": "Plin"}[self.value]


@dataclass(frozen=True)
class CashPayment:
    tendered: Decimal
    change: Decimal
    method: Method = Method.CASH


@dataclass(frozen=True)
class CardPayment:
    brand: str
    last4: str
    auth_code: str
    method: Method = Method.CARD


@dataclass(frozen=True)
class WalletPayment:
    method: Method
    op_number: str


Payment = CashPayment | CardPayment | WalletPayment

_AUTH = re.compile(r"^[A-Z0-9]{4,12}$")


def parse_method(text: str, field: str = "method") -> Method:
    """`cash`/`efectivo`, `card`/`tarjeta`, `yape`, `plin`."""
    key = (text or "").strip().lower()
    aliases = {"efectivo": "cash", "tarjeta": "card"}
    try:
        return Method(aliases.get(key, key))
    except ValueError:
        raise ValidationError(field, N_("Payment must be cash, card, Yape or Plin.")) from None


def cash(amount: Decimal, tendered: str | Decimal, field: str = "tendered") -> CashPayment:
    """Cash: tendered must cover the amount; change is never negative."""
    given = tendered if isinstance(tendered, Decimal) else parse_amount(tendered, field)
    if not given.is_finite():  # a Decimal handed in by code, never typed: NaN never compares
        raise ValidationError(field, N_("Enter an amount, e.g. 20 or 20.50."))
    if given < amount:
        raise ValidationError(
            field, N_("Received {tendered} is less than the amount {amount}."),
            tendered=format_money(given), amount=format_money(amount),
        )
    return CashPayment(tendered=given, change=given - amount)


def card(brand: str, last4: str, auth_code: str, brands: tuple[str, ...] = ()) -> CardPayment:
    """Card: brand, last 4 digits and the terminal's authorisation code; never the full number."""
    for value, fld in ((last4, "card_last4"), (auth_code, "card_auth"), (brand, "card_brand")):
        refuse_card_number(fld, value)
    name = (brand or "").strip().lower()
    if not name:
        raise ValidationError("card_brand", N_("Choose the card brand."))
    if brands and name not in brands:
        raise ValidationError("card_brand", N_("Card brand must be one of: {brands}."),
                              brands=", ".join(brands))
    digits = re.sub(r"[\s\-]", "", last4 or "")
    if len(digits) > 4 and digits.isascii() and digits.isdigit():
        raise ValidationError("card_last4", N_("Type only the last 4 digits of the card."))
    if not (len(digits) == 4 and digits.isascii() and digits.isdigit()):
        raise ValidationError("card_last4", N_("The last 4 digits of the card: exactly 4 digits."))
    code = (auth_code or "").strip().upper()
    if not _AUTH.match(code) or not code.isascii():
        raise ValidationError(
            "card_auth", N_("The authorisation code has 4 to 12 letters or digits."))
    return CardPayment(brand=name, last4=digits, auth_code=code)


def wallet(method: Method | str, op_number: str) -> WalletPayment:
    """Yape/Plin: the operation number shown on the customer's phone."""
    kind = method if isinstance(method, Method) else parse_method(method)
    if kind not in (Method.YAPE, Method.PLIN):
        raise ValidationError("method", N_("Payment must be cash, card, Yape or Plin."))
    refuse_card_number("op_number", op_number)
    number = re.sub(r"[\s\-]", "", op_number or "")
    if not (number.isascii() and number.isdigit() and 4 <= len(number) <= 20):
        raise ValidationError("op_number", N_("The operation number has 4 to 20 digits."))
    if contains_card_number(number):  # a card number typed in the wrong box is never stored
        raise ValidationError("op_number", N_("Never type the full card number: only its "
                                              "last 4 digits."))
    return WalletPayment(method=kind, op_number=number)
