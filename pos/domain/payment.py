"""Payments: cash with change, card (never a full card number), Yape/Plin."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pos.domain.errors import ValidationError
from pos.domain.money import format_money, parse_amount, to_cents
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


# -- the registry: everything the rest of the program asks of a payment method -------------
#
# A new wallet is one `Method` member and one `_wallet(...)` line below: the sale form's
# fields, the command line's parser, the ledger/export columns, the receipt and confirm rows
# and the refund instruction all come from its `PaymentMethod` entry.

Rows = list[tuple[str, str]]


@dataclass(frozen=True)
class PaymentMethod:
    """How one payment method is typed, checked, stored, printed and refunded."""

    method: Method
    steps: tuple[str, ...]  # the fields the clerk types after choosing it, in order
    max_len: tuple[tuple[str, int], ...]  # longest text each step accepts
    build: Callable[[Decimal, Mapping[str, str], tuple[str, ...]], Payment]
    columns: Callable[[Payment], dict[str, object]]  # ledger (and export) columns it fills
    slip_rows: Callable[[Mapping[str, Any]], Rows]  # rows from the stored columns
    refund: Callable[[str, Mapping[str, Any]], str]  # what to do with the customer's money

    @property
    def label(self) -> str:
        return self.method.label


def _cash_build(amount: Decimal, typed: Mapping[str, str], brands: tuple[str, ...]) -> Payment:
    tendered = typed.get("tendered")
    return cash(amount, tendered if tendered not in (None, "") else amount)


def _cash_columns(payment: Payment) -> dict[str, object]:
    assert isinstance(payment, CashPayment)
    return {"tendered_cents": to_cents(payment.tendered), "change_cents": to_cents(payment.change)}


def _cash_rows(stored: Mapping[str, Any]) -> Rows:
    if stored.get("tendered_cents") is None:
        return []
    return [(_("Received"), format_money(stored["tendered_cents"])),
            (_("Change"), format_money(stored.get("change_cents") or 0))]


def _card_build(amount: Decimal, typed: Mapping[str, str], brands: tuple[str, ...]) -> Payment:
    return card(typed.get("card_brand", ""), typed.get("card_last4", ""),
                typed.get("card_auth", ""), brands)


def _card_columns(payment: Payment) -> dict[str, object]:
    assert isinstance(payment, CardPayment)
    return {"card_brand": payment.brand, "card_last4": payment.last4,
            "card_auth": payment.auth_code}


def _card_rows(stored: Mapping[str, Any]) -> Rows:
    return [(_("Card"), f"{(stored.get('card_brand') or '').upper()} **** "
                        f"{stored.get('card_last4') or ''}"),
            (_("Authorisation"), stored.get("card_auth") or "")]


def _wallet_columns(payment: Payment) -> dict[str, object]:
    assert isinstance(payment, WalletPayment)
    return {"op_number": payment.op_number}


def _wallet_rows(stored: Mapping[str, Any]) -> Rows:
    number = stored.get("op_number")
    return [(_("Operation no."), number)] if number else []


def _refund_cash(amount: str, stored: Mapping[str, Any]) -> str:
    return _("GIVE BACK {amount} IN CASH", amount=amount)


def _refund_card(amount: str, stored: Mapping[str, Any]) -> str:
    return _("ANNUL the card payment {amount} (auth. {auth})", amount=amount,
             auth=stored.get("card_auth") or "")


def _wallet(method: Method) -> PaymentMethod:
    def build(amount: Decimal, typed: Mapping[str, str], brands: tuple[str, ...]) -> Payment:
        return wallet(method, typed.get("op_number", ""))

    def refund(amount: str, stored: Mapping[str, Any]) -> str:
        return _("ANNUL the {method} payment {amount} (op. {number})", method=method.label,
                 amount=amount, number=stored.get("op_number") or "")

    return PaymentMethod(method, ("op_number",), (("op_number", 20),), build, _wallet_columns,
                         _wallet_rows, refund)


PAYMENT_METHODS: dict[str, PaymentMethod] = {
    Method.CASH.value: PaymentMethod(Method.CASH, ("tendered",), (("tendered", 9),),
                                     _cash_build, _cash_columns, _cash_rows, _refund_cash),
    Method.CARD.value: PaymentMethod(Method.CARD, ("card_brand", "card_last4", "card_auth"),
                                     (("card_last4", 4), ("card_auth", 12)),
                                     _card_build, _card_columns, _card_rows, _refund_card),
    Method.YAPE.value: _wallet(Method.YAPE),
    Method.PLIN.value: _wallet(Method.PLIN),
}


def payment_method(method: Method | str) -> PaymentMethod:
    """The registry entry of a method (a stored or typed key, or a `Method`)."""
    kind = method if isinstance(method, Method) else parse_method(str(method))
    return PAYMENT_METHODS[kind.value]


def payment_columns(payment: Payment) -> dict[str, object]:
    """The ledger columns a payment fills (besides `method`)."""
    return payment_method(payment.method).columns(payment)


def payment_rows(method: str | None, stored: Mapping[str, Any]) -> Rows:
    """'Paid with' and the method's own rows, from the stored columns (receipts, slips)."""
    if not method:
        return []
    entry = payment_method(method)
    return [(_("Paid with"), entry.label), *entry.slip_rows(stored)]


def payment_steps() -> tuple[str, ...]:
    """Every field any method asks for, in form order, without repeats."""
    seen: dict[str, None] = {}
    for entry in PAYMENT_METHODS.values():
        seen.update(dict.fromkeys(entry.steps))
    return tuple(seen)
