"""What every printed slip says: sales, voids, top-up refunds, shifts, pay-ins/outs and the
X, Z and shop reports, as `receipts.Receipt` documents built from domain values.

Knows nothing of the ledger: it reads `pos.domain.entry.Entry` values and report
dataclasses (`pos.domain.results`), the shop's settings, and says it in the clerk's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from receipts import Receipt, Row, Section

from pos.config import Settings
from pos.domain.entry import ENTRY_FIELDS, Entry, date_time_text
from pos.domain.money import format_money
from pos.domain.payment import method_label, payment_method
from pos.domain.payment import payment_rows as payment_rows_of
from pos.domain.phone import group_phone
from pos.domain.results import DayReport, ShiftClose
from pos.i18n import _

if TYPE_CHECKING:
    from pos.topup.floats import OperatorFigures
    from pos.topup.service import TopupStatus

TEXT_WIDTH = 42  # columns of receipt_lines: fits an 80×24 screen panel


# -- shared parts -----------------------------------------------------------------------------

def local_time(entry: Entry, tz: ZoneInfo) -> datetime:
    """The entry's time on the shop's clock."""
    return entry.at.astimezone(tz)


def shop_header(settings: Settings) -> tuple[str, ...]:
    shop = settings.shop
    lines = [shop.name, f"RUC {shop.ruc}"]
    if shop.address:
        lines.append(shop.address)
    return tuple(lines)


def _tz(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings.shop.timezone)  # cached by zoneinfo itself


def _when(entry: Entry, tz: ZoneInfo) -> str:
    return date_time_text(local_time(entry, tz))


def _check_code(entry: Entry) -> str:
    return _("Check code: {code}", code=entry.hash[:8])


def entry_rows(entry: Entry, tz: ZoneInfo) -> list[Row]:
    return [
        Row(_("Ticket"), entry.ticket),
        Row(_("Date"), _when(entry, tz)),
        Row(_("Clerk"), entry.clerk),
    ]


def operator_label(settings: Settings, code: str) -> str:
    op = settings.operators.get(code)
    return op.name if op else code


# -- sales, voids, top-ups --------------------------------------------------------------------

def payment_rows(entry: Entry) -> list[Row]:
    """'Paid with' and the method's own rows (cash: received and change, card: brand, last 4
    and authorisation, wallet: operation number), as its registry entry says them."""
    return [Row(label, value, bold=getattr(row, "bold", False))
            for row in payment_rows_of(entry.method, _stored(entry)) for label, value in (row,)]


def _stored(entry: Entry) -> dict[str, object]:
    """The entry's stored columns, as the payment registry reads them."""
    return {name: getattr(entry, name) for name in ENTRY_FIELDS}


def sale_receipt(settings: Settings, entry: Entry, *, copy: bool = False,
                 topup: TopupStatus | None = None) -> Receipt:
    """The customer's proof of a top-up (with its status, for one sent to a distributor)."""
    op = settings.operators.get(entry.operator or "")
    top = Section(tuple(
        entry_rows(entry, _tz(settings))
        + [
            Row(_("Operator"), op.name if op else (entry.operator or "")),
            Row(_("Phone"), group_phone(entry.phone or "")),
            Row(_("Amount"), entry.amount_text, bold=True),
        ]
    ))
    sections = [top, Section(tuple(payment_rows(entry)))]
    if topup is not None:
        sections.append(topup_status_section(topup))
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
    footer.append(_check_code(entry))
    return Receipt(
        header=shop_header(settings),
        title=_("TOP-UP"),
        sections=tuple(sections),
        mark=_("COPY") if copy else None,
        barcode=entry.ticket,
        footer=tuple(footer),
    )


def void_receipt(settings: Settings, entry: Entry, original: Entry, *,
                 copy: bool = False) -> Receipt:
    """The slip for a void: which ticket it reverses, why, and who authorised it."""
    return _reversal_slip(
        settings, entry, original, _("VOID"), entry_rows(entry, _tz(settings)),
        _("Voids ticket"),
        Section((Row(_("Refund with"), method_label(original.method or "cash")),)), copy)


def _reversal_slip(settings: Settings, entry: Entry, original: Entry, title: str,
                   head: list[Row], link: str, tail: Section, copy: bool) -> Receipt:
    """A void or a refund: the ticket it reverses, the phone, the amount and the reason."""
    rows = head + [
        Row(link, original.ticket),
        Row(_("Phone"), group_phone(original.phone or "")),
        Row(_("Amount"), entry.amount_text, bold=True),
        Row(_("Reason"), entry.reason or ""),
    ]
    return Receipt(
        header=shop_header(settings),
        title=title,
        sections=(Section(tuple(rows)), tail),
        mark=_("COPY") if copy else None,
        barcode=entry.ticket,
        footer=(_check_code(entry),),
    )


def refund_instruction(sale: Entry) -> str:
    """What the clerk does with the customer's money after a failed top-up."""
    method = payment_method(sale.method or "cash")
    return method.refund(sale.amount_text, _stored(sale))


def refund_slip(settings: Settings, void: Entry, sale: Entry, *,
                copy: bool = False) -> Receipt:
    """The slip of a failed top-up: which sale it refunds, why, and what to give back."""
    head = [Row(_("Ticket"), void.ticket), Row(_("Date"), _when(void, _tz(settings)))]
    return _reversal_slip(settings, void, sale, _("TOP-UP NOT DONE: REFUND"), head,
                          _("Refunds ticket"),
                          Section((Row(refund_instruction(sale), bold=True),)), copy)


def topup_status_section(status: TopupStatus) -> Section:
    """The receipt's top-up lines: the operator's id only once confirmed."""
    if status.state == "confirmed":
        return Section((Row(_("Top-up CONFIRMED")),
                        Row(_("Operator txn"), status.operator_txn or "", bold=True)))
    if status.state == "failed":
        return Section((Row(_("Top-up NOT DONE"), bold=True),
                        Row(_("Refund"), status.refund_ticket or "")))
    return Section((Row(_("Top-up PENDING confirmation"), bold=True),
                    Row(_("Reference"), status.reference)))


def figures_section(figures: Iterable[OperatorFigures], settings: Settings) -> Section:
    """The Z / shop report section: per operator sold, cost, commission, float left."""
    rows: list[Row] = []
    for f in figures:
        rows.append(Row(f"{operator_label(settings, f.operator)} ({f.count})",
                        format_money(f.sold), bold=True))
        rows.append(Row("  " + _("Cost"), format_money(f.cost)))
        rows.append(Row("  " + _("Commission"), format_money(f.commission)))
        if f.float_left is not None:
            rows.append(Row("  " + _("Float left ({account})", account=f.account),
                            format_money(f.float_left)))
    if not rows:
        rows.append(Row(_("No confirmed top-ups")))
    return Section(tuple(rows), title=_("Top-ups through the distributor"))


# -- shifts and cash movements ----------------------------------------------------------------

def result_row(expected: Decimal, counted: Decimal) -> Row:
    """Sobrante / faltante / cuadra: never a bare signed number."""
    difference = counted - expected
    if difference > 0:
        return Row(_("Surplus (counted more)"), format_money(difference), bold=True)
    if difference < 0:
        return Row(_("Shortage (counted less)"), format_money(-difference), bold=True)
    return Row(_("Drawer balances"), format_money(Decimal("0.00")), bold=True)


def _cash_rows(float_amount: Decimal, received: Decimal, change: Decimal, voids: Decimal,
               payouts: Decimal, payins: Decimal, expected: Decimal,
               counted: Decimal | None) -> tuple[Row, ...]:
    rows = [
        Row(_("Starting cash"), format_money(float_amount)),
        Row(_("Cash received"), format_money(received)),
        Row(_("Change given"), format_money(-change)),
        Row(_("Cash voids"), format_money(-voids)),
    ]
    if payouts:
        rows.append(Row(_("Pay-outs"), format_money(-payouts)))
    if payins:
        rows.append(Row(_("Pay-ins"), format_money(payins)))
    rows.append(Row(_("Expected cash"), format_money(expected), bold=True))
    if counted is not None:
        rows.append(Row(_("Counted cash"), format_money(counted), bold=True))
        rows.append(result_row(expected, counted))
    return tuple(rows)


def shift_open_receipt(settings: Settings, entry: Entry) -> Receipt:
    """The slip for a shift's start: who, when, and the float put in the drawer."""
    rows = (*entry_rows(entry, _tz(settings)),
            Row(_("Starting cash"), entry.amount_text, bold=True))
    return Receipt(header=shop_header(settings), title=_("SHIFT OPEN"),
                   sections=(Section(rows),), barcode=entry.ticket,
                   footer=(_check_code(entry),))


def shift_close_receipt(settings: Settings, result: ShiftClose, opened: Entry) -> Receipt:
    """The slip for a shift's end: the cash count against what the drawer should hold."""
    tz = _tz(settings)
    entry = result.entry
    top = Section((
        Row(_("Ticket"), entry.ticket),
        Row(_("Shift opened"), f"{opened.ticket} {local_time(opened, tz):%d/%m %H:%M}"),
        Row(_("Date"), _when(entry, tz)),
        Row(_("Clerk"), entry.clerk),
        Row(_("Sales made"), str(result.sales_count)),
    ))
    cash_rows = list(_cash_rows(result.float_amount, result.cash_received, result.change_given,
                                result.cash_voids, result.payouts, result.payins,
                                result.expected, result.counted))
    if result.authorised_by:
        cash_rows.append(Row(_("Accepted by"), result.authorised_by))
    cash = Section(tuple(cash_rows), title=_("Cash drawer"))
    sections = [top, cash]
    if result.pieces:
        sections.append(Section(tuple(Row(f"{format_money(value)} x {qty}",
                                          format_money(value * qty))
                                      for value, qty in result.pieces),
                                title=_("Count by denomination")))
    return Receipt(header=shop_header(settings), title=_("SHIFT CLOSE"), sections=tuple(sections),
                   barcode=entry.ticket,
                   footer=(_("Chain head: {head}", head=entry.hash[:16]),))


def cash_movement_receipt(settings: Settings, entry: Entry) -> Receipt:
    """The slip for a pay-in or pay-out: amount, reason, who, and who authorised it."""
    out = entry.kind == "pay_out"
    rows = [
        *entry_rows(entry, _tz(settings)),
        Row(_("Shift"), entry.ref_ticket or ""),
        Row(_("Amount"), format_money(abs(entry.amount)), bold=True),
        Row(_("Reason"), entry.reason or ""),
    ]
    authorised_by = entry.figures.get("authorised_by")
    if authorised_by:
        rows.append(Row(_("Authorised by"), authorised_by))
    return Receipt(header=shop_header(settings),
                   title=_("CASH PAY-OUT") if out else _("CASH PAY-IN"),
                   sections=(Section(tuple(rows)),), barcode=entry.ticket,
                   footer=(_("Signature: ____________________"), _check_code(entry)))


# -- X, Z and shop reports --------------------------------------------------------------------

def _group_rows(lines: Iterable[tuple[str, int, Decimal]]) -> tuple[Row, ...]:
    return tuple(Row(f"{name} ({count})", format_money(total)) for name, count, total in lines)


def report_title(report: DayReport) -> str:
    """What the report is: the Z closing a period, the X of the open period, one calendar
    date of a terminal, or one date of the whole shop — never an X title on other figures."""
    return {"z": _("Z REPORT"), "x": _("X REPORT"), "day": _("DAY SUMMARY"),
            "shop": _("SHOP DAY SUMMARY")}[report.kind]


def day_report_receipt(settings: Settings, report: DayReport) -> Receipt:
    """The X or Z report: totals per operator, method and clerk, cash, and the chain head."""
    title = report_title(report)
    top = [Row(_("Terminal"), report.series or _("all terminals"))]
    if report.kind in ("day", "shop"):
        top.append(Row(_("Date"), report.business_date.strftime("%d/%m/%Y")))
    else:
        top.append(Row(_("Period"), str(report.z_number)))
    if report.first_at is not None and report.last_at is not None:
        top.append(Row(_("From"), report.first_at.strftime("%d/%m/%Y %H:%M")))
        top.append(Row(_("To"), report.last_at.strftime("%d/%m/%Y %H:%M")))
    top.append(Row(_("Printed"), report.generated_at.strftime("%d/%m/%Y %H:%M:%S")))
    if report.kind == "z" and report.z_number is not None:
        top.insert(0, Row(_("Z number"), str(report.z_number), bold=True))
    if report.entry is not None:
        top.insert(0, Row(_("Ticket"), report.entry.ticket))
    if report.shifts:
        top.append(Row(_("Shifts"), str(report.shifts)))
    totals = Section((
        Row(_("Sales ({count})", count=report.sales_count), format_money(report.sales_total)),
        Row(_("Voids ({count})", count=report.voids_count), format_money(report.voids_total)),
        Row(_("Day total"), format_money(report.day_total), bold=True),
        Row(_("Grand total"), format_money(report.grand_total)),
    ), title=_("Totals"))
    sections = [Section(tuple(top)), totals]
    if report.by_series:
        sections.append(Section(_group_rows(report.by_series), title=_("By terminal")))
    named = (
        (_("By operator"), [(operator_label(settings, n), c, t) for n, c, t in report.by_operator]),
        (_("By payment method"), [(method_label(n), c, t) for n, c, t in report.by_method]),
        (_("By clerk"), list(report.by_clerk)),
    )
    for heading, lines in named:
        if lines:
            sections.append(Section(_group_rows(lines), title=heading))
    if report.topups:  # issue 13: what the distributor's float bought and earned
        sections.append(figures_section(report.topups, settings))
    sections.append(Section(_cash_rows(report.float_amount, report.cash_received,
                                       report.change_given, report.cash_voids,
                                       report.payouts, report.payins,
                                       report.expected_cash, report.counted),
                            title=_("Cash drawer")))
    footer = [_("Chain head: {head}", head=report.chain_head)]
    if report.kind == "z" and report.chain_code is not None:
        # The paper anchor: `pos verify --z-code CODE` finds this Z and checks the chain to it.
        footer.append(_("Chain code: {code}", code=report.chain_code))
    footer.extend(f"{series}: {head}" for series, head in report.heads)
    return Receipt(header=shop_header(settings), title=title, sections=tuple(sections),
                   barcode=report.entry.ticket if report.entry is not None else None,
                   footer=tuple(footer))


def receipt_lines(receipt: Receipt, width: int = TEXT_WIDTH) -> list[str]:
    """A slip as plain text lines, label left and value right, for a screen panel."""
    lines = [receipt.title.center(width).rstrip(), "=" * width]
    for section in receipt.sections:
        if section.title:
            lines.append(section.title)
        for row in section.rows:
            gap = width - len(row.label) - len(row.value)
            if gap >= 1:
                lines.append(f"{row.label}{' ' * gap}{row.value}")
            else:
                lines.extend([row.label, row.value.rjust(width)])
        lines.append("-" * width)
    lines.extend(receipt.footer)
    return lines
