"""What top-up slips say: the refund slip of a failed top-up and the status on a receipt."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from receipts import Receipt, Row, Section

from pos.domain.money import format_money
from pos.domain.payment import Method
from pos.domain.phone import group_phone
from pos.i18n import _
from pos.receipt_layout import local_time, shop_header

if TYPE_CHECKING:
    from pos.config import Settings
    from pos.ledger.models import JournalEntry
    from pos.topup.service import TopupStatus


def refund_instruction(sale: JournalEntry) -> str:
    """What the clerk does with the customer's money."""
    amount = format_money(sale.amount_cents)
    method = Method(sale.method or "cash")
    if method is Method.CASH:
        return _("GIVE BACK {amount} IN CASH", amount=amount)
    if method is Method.CARD:
        return _("ANNUL the card payment {amount} (auth. {auth})", amount=amount,
                 auth=sale.card_auth or "")
    return _("ANNUL the {method} payment {amount} (op. {number})", method=method.label,
             amount=amount, number=sale.op_number or "")


def refund_slip(settings: Settings, void: JournalEntry, sale: JournalEntry, *,
                copy: bool = False) -> Receipt:
    """The slip of a failed top-up: which sale it refunds, why, and what to give back."""
    tz = ZoneInfo(settings.shop.timezone)
    rows = (
        Row(_("Ticket"), void.ticket),
        Row(_("Date"), local_time(void, tz).strftime("%d/%m/%Y %H:%M:%S")),
        Row(_("Refunds ticket"), sale.ticket),
        Row(_("Phone"), group_phone(sale.phone or "")),
        Row(_("Amount"), format_money(void.amount_cents), bold=True),
        Row(_("Reason"), void.reason or ""),
    )
    return Receipt(
        header=shop_header(settings),
        title=_("TOP-UP NOT DONE: REFUND"),
        sections=(Section(rows), Section((Row(refund_instruction(sale), bold=True),))),
        mark=_("COPY") if copy else None,
        barcode=void.ticket,
        footer=(_("Check code: {code}", code=void.hash[:8]),),
    )


def status_section(status: TopupStatus) -> Section:
    """The receipt's top-up lines: the operator's id only once confirmed."""
    if status.state == "confirmed":
        return Section((Row(_("Top-up CONFIRMED")),
                        Row(_("Operator txn"), status.operator_txn or "", bold=True)))
    if status.state == "failed":
        return Section((Row(_("Top-up NOT DONE"), bold=True),
                        Row(_("Refund"), status.refund_ticket or "")))
    return Section((Row(_("Top-up PENDING confirmation"), bold=True),
                    Row(_("Reference"), status.reference)))


def with_status(receipt: Receipt, status: TopupStatus) -> Receipt:
    """A sale receipt with its top-up status after the amount and payment."""
    sections = receipt.sections
    return Receipt(header=receipt.header, title=receipt.title,
                   sections=sections[:2] + (status_section(status),) + sections[2:],
                   mark=receipt.mark, barcode=receipt.barcode, footer=receipt.footer)
