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
    """The built-in payment methods' keys, as the ledger stores them (`PAYMENT_METHODS` below
    says everything else about each; a method added there needs no member here)."""

    CASH = "cash"
    CARD = "card"
    YAPE = "yape"
    PLIN = "plin"

    @property
    def label(self) -> str:
        """The method as the clerk and the receipt name it."""
        return payment_method(self).label


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
    method: str  # a wallet's key: Method.YAPE, Method.PLIN, or any wallet of the registry
    op_number: str


Payment = CashPayment | CardPayment | WalletPayment

_AUTH = re.compile(r"^[A-Z0-9]{4,12}$")


def parse_method(text: str, field: str = "method") -> str:
    """A method of the registry by its key or an alias: `cash`/`efectivo`, `card`/`tarjeta`,
    `yape`, `plin`. The built-in ones come back as their `Method` member."""
    key = (text or "").strip().lower()
    for entry in PAYMENT_METHODS.values():
        if key == entry.key or key in entry.aliases:
            return entry.method
    raise ValidationError(field, N_("Payment must be cash, card, Yape or Plin."))


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


def wallet(method: str, op_number: str) -> WalletPayment:
    """Yape/Plin (any wallet of the registry): the operation number on the customer's phone."""
    kind = parse_method(method)
    if not PAYMENT_METHODS[str(kind)].wallet:
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
# A new wallet is one `wallet_method(...)` line in PAYMENT_METHODS below: the sale form's
# fields and key checks, the command line's parser and help, the config's accepted methods,
# the ledger and export columns, the confirm and receipt rows and the refund instruction all
# come from its `PaymentMethod` entry (tests/test_new_wallet.py registers one to prove it).

Rows = list[tuple[str, str]]


class SlipRow(tuple[str, str]):
    """A slip's (label, value) row; `bold` for the one the customer must not miss (the change).

    Still equal to the plain `(label, value)` tuple: only the slip reads `bold`.
    """

    bold: bool = False

    @classmethod
    def strong(cls, label: str, value: str) -> SlipRow:
        row = cls((label, value))
        row.bold = True
        return row


@dataclass(frozen=True)
class PaymentColumn:
    """A ledger column a method fills, as the export names, labels and formats it."""

    name: str  # the export's machine name, e.g. "tendered" (a stable interface)
    source: str  # the journal column, e.g. "tendered_cents"
    label: str  # the export header, a msgid
    money: bool = False  # céntimos, shown in soles
    code: bool = False  # a code that may be all digits: kept as text in a spreadsheet


def _no_check(payment: Payment, amount: Decimal) -> Payment:
    return payment


@dataclass(frozen=True)
class PaymentMethod:
    """How one payment method is typed, checked, stored, shown, printed and refunded."""

    method: str  # the key the ledger stores (a `Method` member for the built-in methods)
    name: str  # as the clerk names it: a msgid (N_("Cash")) or a brand name ("Yape")
    steps: tuple[str, ...]  # the fields the clerk types after choosing it, in order
    max_len: tuple[tuple[str, int], ...]  # longest text each step accepts
    keys: tuple[tuple[str, str], ...]  # what each step takes: digits|amount|code|choice
    hints: tuple[tuple[str, str], ...]  # msgid said under a step that refused a key
    build: Callable[[Decimal, Mapping[str, str], tuple[str, ...]], Payment]
    columns: Callable[[Payment], dict[str, object]]  # ledger (and export) columns it fills
    export: tuple[PaymentColumn, ...]  # those columns in the export
    confirm_rows: Callable[[Payment], Rows]  # what the clerk reads out before committing
    slip_rows: Callable[[Mapping[str, Any]], Rows]  # rows from the stored columns
    refund: Callable[[str, Mapping[str, Any]], str]  # what to do with the customer's money
    settle: Callable[[Payment, Decimal], Payment] = _no_check  # rechecked against the amount
    aliases: tuple[str, ...] = ()  # other words the command line takes for it
    wallet: bool = False  # paid from a phone: identified by its operation number

    @property
    def key(self) -> str:
        return str(self.method)

    @property
    def label(self) -> str:
        return _(self.name)


# -- cash: tendered and change ---------------------------------------------------------------

def _cash_build(amount: Decimal, typed: Mapping[str, str], brands: tuple[str, ...]) -> Payment:
    tendered = typed.get("tendered")
    return cash(amount, tendered if tendered is not None else str(amount))  # none: exact


def _cash_settle(payment: Payment, amount: Decimal) -> Payment:
    """Cash must still cover the amount; the change is the difference (a hand-made draft)."""
    assert isinstance(payment, CashPayment)
    if payment.tendered < amount:
        raise ValidationError("tendered", N_("Received {tendered} is less than the amount "
                                             "{amount}."),
                              tendered=format_money(payment.tendered), amount=format_money(amount))
    return CashPayment(tendered=payment.tendered, change=payment.tendered - amount)


def _cash_columns(payment: Payment) -> dict[str, object]:
    assert isinstance(payment, CashPayment)
    return {"tendered_cents": to_cents(payment.tendered), "change_cents": to_cents(payment.change)}


def _cash_confirm(payment: Payment) -> Rows:
    assert isinstance(payment, CashPayment)
    return [(_("Received"), format_money(payment.tendered)),
            (_("Change"), format_money(payment.change))]


def _cash_rows(stored: Mapping[str, Any]) -> Rows:
    if stored.get("tendered_cents") is None:
        return []
    return [(_("Received"), format_money(stored["tendered_cents"])),
            SlipRow.strong(_("Change"), format_money(stored.get("change_cents") or 0))]


def _refund_cash(amount: str, stored: Mapping[str, Any]) -> str:
    return _("GIVE BACK {amount} IN CASH", amount=amount)


# -- card: brand, last 4 digits, authorisation code -------------------------------------------

def split_card_spec(spec: str | None) -> tuple[str, str, str]:
    """`visa:4242:123456` → brand, last 4, authorisation code (a full number is refused)."""
    refuse_card_number("card", spec)
    if not spec or spec.count(":") != 2:
        raise ValidationError("card", N_("Write the card as BRAND:LAST4:AUTH, e.g. "
                                         "visa:4242:123456."))
    brand, last4, auth = spec.split(":")
    return brand, last4, auth


def _card_build(amount: Decimal, typed: Mapping[str, str], brands: tuple[str, ...]) -> Payment:
    if typed.get("card") is not None:  # the command line's compact BRAND:LAST4:AUTH
        brand, last4, auth = split_card_spec(typed["card"])
    else:
        brand, last4, auth = (typed.get("card_brand", ""), typed.get("card_last4", ""),
                              typed.get("card_auth", ""))
    return card(brand, last4, auth, brands)


def _card_columns(payment: Payment) -> dict[str, object]:
    assert isinstance(payment, CardPayment)
    return {"card_brand": payment.brand, "card_last4": payment.last4,
            "card_auth": payment.auth_code}


def _card_confirm(payment: Payment) -> Rows:
    assert isinstance(payment, CardPayment)
    shown = f"{payment.brand.title()} ****{payment.last4}"
    return [(_("Card"), f"{shown} {_('Auth.')} {payment.auth_code}")]


def _card_rows(stored: Mapping[str, Any]) -> Rows:
    return [(_("Card"), f"{(stored.get('card_brand') or '').upper()} **** "
                        f"{stored.get('card_last4') or ''}"),
            (_("Authorisation"), stored.get("card_auth") or "")]


def _refund_card(amount: str, stored: Mapping[str, Any]) -> str:
    return _("ANNUL the card payment {amount} (auth. {auth})", amount=amount,
             auth=stored.get("card_auth") or "")


# -- wallets: the operation number on the customer's phone ------------------------------------

def _wallet_columns(payment: Payment) -> dict[str, object]:
    assert isinstance(payment, WalletPayment)
    return {"op_number": payment.op_number}


def _wallet_confirm(payment: Payment) -> Rows:
    assert isinstance(payment, WalletPayment)
    return [(_("Op. no."), payment.op_number)]


def _wallet_rows(stored: Mapping[str, Any]) -> Rows:
    number = stored.get("op_number")
    return [(_("Operation no."), number)] if number else []


_OP_NUMBER = PaymentColumn("op_number", "op_number", N_("Operation no."), code=True)


def wallet_method(method: str, name: str) -> PaymentMethod:
    """A wallet (Yape, Plin...): its key and brand name are all it needs."""

    def build(amount: Decimal, typed: Mapping[str, str], brands: tuple[str, ...]) -> Payment:
        return wallet(method, typed.get("op_number", ""))

    def refund(amount: str, stored: Mapping[str, Any]) -> str:
        return _("ANNUL the {method} payment {amount} (op. {number})", method=_(name),
                 amount=amount, number=stored.get("op_number") or "")

    return PaymentMethod(
        method, name, steps=("op_number",), max_len=(("op_number", 20),),
        keys=(("op_number", "digits"),),
        hints=(("op_number", N_("The operation number has 4 to 20 digits.")),),
        build=build, columns=_wallet_columns, export=(_OP_NUMBER,),
        confirm_rows=_wallet_confirm, slip_rows=_wallet_rows, refund=refund, wallet=True)


PAYMENT_METHODS: dict[str, PaymentMethod] = {
    Method.CASH.value: PaymentMethod(
        Method.CASH, N_("Cash"), steps=("tendered",), max_len=(("tendered", 9),),
        keys=(("tendered", "amount"),), hints=(),
        build=_cash_build, columns=_cash_columns,
        export=(PaymentColumn("tendered", "tendered_cents", N_("Received"), money=True),
                PaymentColumn("change", "change_cents", N_("Change"), money=True)),
        confirm_rows=_cash_confirm, slip_rows=_cash_rows, refund=_refund_cash,
        settle=_cash_settle, aliases=("efectivo",)),
    Method.CARD.value: PaymentMethod(
        Method.CARD, N_("Card"), steps=("card_brand", "card_last4", "card_auth"),
        max_len=(("card_last4", 4), ("card_auth", 12)),
        keys=(("card_brand", "choice"), ("card_last4", "digits"), ("card_auth", "code")),
        hints=(("card_last4", N_("The last 4 digits of the card: exactly 4 digits.")),
               ("card_auth", N_("The authorisation code has 4 to 12 letters or digits."))),
        build=_card_build, columns=_card_columns,
        export=(PaymentColumn("card_brand", "card_brand", N_("Card brand")),
                PaymentColumn("card_last4", "card_last4", N_("Card last 4")),
                PaymentColumn("card_auth", "card_auth", N_("Authorisation"), code=True)),
        confirm_rows=_card_confirm, slip_rows=_card_rows, refund=_refund_card,
        aliases=("tarjeta",)),
    Method.YAPE.value: wallet_method(Method.YAPE, "Yape"),
    Method.PLIN.value: wallet_method(Method.PLIN, "Plin"),
}


def payment_method(method: str) -> PaymentMethod:
    """The registry entry of a method (a stored or typed key, an alias, or a `Method`)."""
    return PAYMENT_METHODS[str(parse_method(str(method)))]


def method_label(code: str) -> str:
    """A stored method's name for the clerk; an unknown code (an old ledger's) as stored."""
    entry = PAYMENT_METHODS.get(code)
    return entry.label if entry is not None else code


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


def payment_export_columns() -> tuple[PaymentColumn, ...]:
    """Every column any method fills, in registry order, without repeats (the export's)."""
    seen: dict[str, PaymentColumn] = {}
    for entry in PAYMENT_METHODS.values():
        for column in entry.export:
            seen.setdefault(column.name, column)
    return tuple(seen.values())


def change_of(payment: Payment) -> Decimal:
    """The change a payment gives back: only cash gives any."""
    return payment.change if isinstance(payment, CashPayment) else Decimal("0.00")


def methods_text(keys: list[str] | tuple[str, ...]) -> str:
    """`cash, card, yape or plin`: the keys as one phrase (help and error texts)."""
    quoted = list(keys)
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
