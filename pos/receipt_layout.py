"""What each printed slip says: journal entries → `receipts.Receipt` documents."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from receipts import Receipt, Row, Section

from pos.config import Settings
from pos.domain.money import format_money
from pos.domain.payment import Method
from pos.domain.phone import group_phone
from pos.i18n import _
from pos.ledger.journal import parse_utc
from pos.ledger.models import JournalEntry


def local_time(entry: JournalEntry, tz: ZoneInfo) -> datetime:
    """The entry's time on the shop's clock."""
    return parse_utc(entry.created_at).astimezone(tz)


def shop_header(settings: Settings) -> tuple[str, ...]:
    shop = settings.shop
    lines = [shop.name, f"RUC {shop.ruc}"]
    if shop.address:
        lines.append(shop.address)
    return tuple(lines)


def entry_rows(entry: JournalEntry, tz: ZoneInfo) -> list[Row]:
    when = local_time(entry, tz)
    return [
        Row(_("Ticket"), entry.ticket),
        Row(_("Date"), when.strftime("%d/%m/%Y %H:%M:%S")),
        Row(_("Clerk"), entry.clerk),
    ]


def payment_rows(entry: JournalEntry) -> list[Row]:
    """Method and its details: tendered/change, card brand + last 4 + auth, operation number."""
    if entry.method is None:
        return []
    method = Method(entry.method)
    rows = [Row(_("Paid with"), method.label)]
    if method is Method.CASH and entry.tendered_cents is not None:
        rows.append(Row(_("Received"), format_money(entry.tendered_cents)))
        rows.append(Row(_("Change"), format_money(entry.change_cents or 0), bold=True))
    elif method is Method.CARD:
        rows.append(Row(_("Card"), f"{(entry.card_brand or '').upper()} **** {entry.card_last4}"))
        rows.append(Row(_("Authorisation"), entry.card_auth or ""))
    elif entry.op_number:
        rows.append(Row(_("Operation no."), entry.op_number))
    return rows


def sale_receipt(settings: Settings, entry: JournalEntry, *, copy: bool = False) -> Receipt:
    """The customer's proof of a top-up."""
    tz = ZoneInfo(settings.shop.timezone)  # cached by zoneinfo itself
    operators = settings.operators
    op = operators.get(entry.operator or "")
    top = Section(tuple(
        entry_rows(entry, tz)
        + [
            Row(_("Operator"), op.name if op else (entry.operator or "")),
            Row(_("Phone"), group_phone(entry.phone or "")),
            Row(_("Amount"), format_money(entry.amount_cents), bold=True),
        ]
    ))
    sections = [top, Section(tuple(payment_rows(entry)))]
    if entry.id_masked:
        sections.append(Section((Row(_("Customer ID"), entry.id_masked),)))
    footer = list(settings.receipt.footer)
    notice = settings.receipt.notice
    if notice is None:
        notice = _("Top-up record: NOT a comprobante de pago (boleta or factura).")
    if notice:
        footer.insert(0, notice)
    if op:
        footer.extend(op.promotion)
    footer.append(_("Check code: {code}", code=entry.hash[:8]))
    return Receipt(
        header=shop_header(settings),
        title=_("TOP-UP"),
        sections=tuple(sections),
        mark=_("COPY") if copy else None,
        barcode=entry.ticket,
        footer=tuple(footer),
    )


def void_receipt(settings: Settings, entry: JournalEntry, original: JournalEntry, *,
                 copy: bool = False) -> Receipt:
    """The slip for a void: which ticket it reverses, why, and who authorised it."""
    tz = ZoneInfo(settings.shop.timezone)
    rows = entry_rows(entry, tz) + [
        Row(_("Voids ticket"), original.ticket),
        Row(_("Phone"), group_phone(original.phone or "")),
        Row(_("Amount"), format_money(entry.amount_cents), bold=True),
        Row(_("Reason"), entry.reason or ""),
    ]
    return Receipt(
        header=shop_header(settings),
        title=_("VOID"),
        sections=(Section(tuple(rows)),
                  Section((Row(_("Refund with"), Method(original.method or "cash").label),))),
        mark=_("COPY") if copy else None,
        barcode=entry.ticket,
        footer=(_("Check code: {code}", code=entry.hash[:8]),),
    )
