"""The sale draft: everything a top-up needs, checked, before it reaches the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pos.domain.errors import ValidationError
from pos.domain.identity import IdDocument
from pos.domain.money import format_money, parse_amount
from pos.domain.payment import Payment
from pos.domain.phone import Phone
from pos.i18n import N_


@dataclass(frozen=True)
class Operator:
    """A mobile operator as the shop sells it (from config)."""

    code: str
    name: str
    key: str
    min: Decimal
    max: Decimal
    presets: tuple[Decimal, ...] = ()
    promotion: tuple[str, ...] = ()


@dataclass(frozen=True)
class SaleDraft:
    """A complete, validated top-up waiting for confirmation."""

    operator: Operator
    phone: Phone
    amount: Decimal
    payment: Payment
    id_document: IdDocument | None = None


def check_amount(operator: Operator, amount: Decimal | str, field: str = "amount") -> Decimal:
    """The amount within the operator's min/max."""
    value = amount if isinstance(amount, Decimal) else parse_amount(amount, field)
    if not value.is_finite() or value <= 0:
        raise ValidationError(field, N_("The amount must be more than zero."))
    if not operator.min <= value <= operator.max:
        raise ValidationError(
            field, N_("{operator} top-ups go from {min} to {max}."),
            operator=operator.name, min=format_money(operator.min), max=format_money(operator.max),
        )
    return value


def find_operator(operators: dict[str, Operator], text: str, field: str = "operator") -> Operator:
    """An operator by code (`claro`), name (`Claro`) or key (`1`)."""
    key = (text or "").strip().lower()
    for op in operators.values():
        if key in (op.code.lower(), op.name.lower(), op.key.lower()):
            return op
    raise ValidationError(field, N_("Unknown operator '{value}': choose {choices}."),
                          value=key[:20], choices=", ".join(o.name for o in operators.values()))


def make_draft(
    operator: Operator,
    phone: Phone,
    amount: Decimal,
    payment: Payment,
    id_document: IdDocument | None,
    require_id: bool,
) -> SaleDraft:
    """Combine checked parts into a draft; the ID is required when the shop says so."""
    check_amount(operator, amount)
    require_document(id_document, require_id)
    return SaleDraft(operator, phone, amount, payment, id_document)


def require_document(id_document: IdDocument | None, require_id: bool) -> None:
    """The shop's config may require the customer's ID on every sale."""
    if require_id and id_document is None:
        raise ValidationError("id", N_("This shop requires the customer's ID document."))
