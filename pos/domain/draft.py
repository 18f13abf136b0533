"""Building a sale draft from what was typed: the one place the rules meet.

The command line (`Shop.build_draft`, from `pos sell --operator ... --card visa:4242:123456`)
and the sale screen (`pos.tui.sale_form.SaleForm`, field by field) both end here:
`build_draft(typed, rules)` checks the fields in one fixed order and returns a `SaleDraft`,
or raises the `ValidationError` of the first wrong field. Pure: no I/O, no settings object,
only the values the shop's config gives (`DraftRules`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from pos.domain.errors import ValidationError
from pos.domain.identity import IdDocument, parse_document, parse_id_spec
from pos.domain.payment import (  # noqa: F401 - split_card_spec: the command line's card
    Payment,
    method_label,
    parse_method,
    payment_method,
    split_card_spec,
)
from pos.domain.phone import parse_phone
from pos.domain.sale import (  # noqa: F401 - require_document: the form's ID step
    Operator,
    SaleDraft,
    check_amount,
    find_operator,
    make_draft,
    require_document,
)
from pos.i18n import N_


@dataclass(frozen=True)
class DraftRules:
    """What the shop's config says a sale may be (operators with their amounts, payment
    methods in F-key order, card brands, whether the customer's ID is required)."""

    operators: Mapping[str, Operator]
    methods: tuple[str, ...] = ("cash", "card", "yape", "plin")
    card_brands: tuple[str, ...] = ()
    require_id: bool = True

    @property
    def default_method(self) -> str:
        """Cash when the shop takes it (the bodega's usual), else its first method."""
        return payment_method("cash" if "cash" in self.methods else self.methods[0]).method


@dataclass(frozen=True)
class TypedSale:
    """A sale as typed, nothing checked yet.

    The document and the card each come in one of two forms: the command line's compact
    one (`id_spec` "dni:12345678", `card_spec` "visa:4242:123456"), or the screen's fields
    (`id_type` + `id_number`; `card_brand`, `card_last4`, `card_auth`).
    """

    operator: str | Operator  # code, name or key; or the operator already picked
    phone: str
    amount: str | Decimal
    method: str  # a registry key or alias: cash/efectivo, card/tarjeta, yape, plin
    id_spec: str | None = None
    id_type: str = "dni"
    id_number: str = ""
    tendered: str | None = None  # None: the exact amount
    card_spec: str | None = None
    card_brand: str = ""
    card_last4: str = ""
    card_auth: str = ""
    op_number: str = ""


def typed_document(typed: TypedSale) -> IdDocument | None:
    """The document typed, checked for its type; None when none was typed."""
    if typed.id_spec:
        return parse_id_spec(typed.id_spec)
    if typed.id_number:
        return parse_document(typed.id_type, typed.id_number, "id")
    return None


def accepted_method(text: str, rules: DraftRules) -> str:
    """A payment method this shop takes (its registry key)."""
    kind = parse_method(text)
    if kind not in rules.methods:
        raise ValidationError("method", N_("This shop does not take {method}."),
                              method=method_label(kind))
    return kind


def typed_fields(typed: TypedSale) -> dict[str, str]:
    """The payment fields as typed, by step name (`card`: the compact card, when given)."""
    fields = {"card_brand": typed.card_brand, "card_last4": typed.card_last4,
              "card_auth": typed.card_auth, "op_number": typed.op_number}
    if typed.tendered is not None:  # none: the exact amount
        fields["tendered"] = typed.tendered
    if typed.card_spec is not None:
        fields["card"] = typed.card_spec
    return fields


def typed_payment(kind: str, amount: Decimal, typed: TypedSale,
                  rules: DraftRules) -> Payment:
    """The payment for `amount`, built by its method's registry entry (cash with its change,
    a card, a wallet's operation...)."""
    return payment_method(kind).build(amount, typed_fields(typed), rules.card_brands)


def build_draft(typed: TypedSale, rules: DraftRules) -> SaleDraft:
    """The checked draft, field by field in the sale's order: operator, phone, amount,
    document, payment method, payment, then the shop's ID rule (`make_draft`). The first wrong field
    raises its ValidationError."""
    operator = (typed.operator if isinstance(typed.operator, Operator)
                else find_operator(dict(rules.operators), typed.operator))
    phone = parse_phone(typed.phone)
    amount = check_amount(operator, typed.amount)
    document = typed_document(typed)
    kind = accepted_method(typed.method, rules)
    payment = typed_payment(kind, amount, typed, rules)
    return make_draft(operator, phone, amount, payment, document, rules.require_id)
