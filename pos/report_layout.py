"""What the shift and day-close slips say: X, Z, shift open and close → `receipts.Receipt`."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pos.config import Settings
from pos.domain.money import format_money
from pos.domain.payment import Method
from pos.i18n import _
from pos.ledger.journal import chain_code
from pos.ledger.models import JournalEntry
from pos.receipt_layout import entry_rows, local_time, shop_header
from receipts import Receipt, Row, Section

if TYPE_CHECKING:
    from pos.dayclose import DayReport, ShiftClose

TEXT_WIDTH = 42  # columns of report_lines: fits an 80×24 screen panel


def method_label(code: str) -> str:
    try:
        return Method(code).label
    except ValueError:
        return code


def operator_label(settings: Settings, code: str) -> str:
    op = settings.operators.get(code)
    return op.name if op else code


def _group_rows(lines: Iterable[tuple[str, int, Decimal]]) -> tuple[Row, ...]:
    return tuple(Row(f"{name} ({count})", format_money(total)) for name, count, total in lines)


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


def shift_open_receipt(settings: Settings, entry: JournalEntry) -> Receipt:
    """The slip for a shift's start: who, when, and the float put in the drawer."""
    tz = ZoneInfo(settings.shop.timezone)
    rows = (*entry_rows(entry, tz),
            Row(_("Starting cash"), format_money(entry.amount_cents), bold=True))
    return Receipt(header=shop_header(settings), title=_("SHIFT OPEN"),
                   sections=(Section(rows),), barcode=entry.ticket,
                   footer=(_("Check code: {code}", code=entry.hash[:8]),))


def shift_close_receipt(settings: Settings, result: ShiftClose,
                        opened: JournalEntry) -> Receipt:
    """The slip for a shift's end: the cash count against what the drawer should hold."""
    tz = ZoneInfo(settings.shop.timezone)
    entry = result.entry
    top = Section((
        Row(_("Ticket"), entry.ticket),
        Row(_("Shift opened"), f"{opened.ticket} {local_time(opened, tz):%d/%m %H:%M}"),
        Row(_("Date"), local_time(entry, tz).strftime("%d/%m/%Y %H:%M:%S")),
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
        from pos.topup.floats import figures_section

        sections.append(figures_section(list(report.topups), settings))
    sections.append(Section(_cash_rows(report.float_amount, report.cash_received,
                                       report.change_given, report.cash_voids,
                                       report.payouts, report.payins,
                                       report.expected_cash, report.counted),
                            title=_("Cash drawer")))
    footer = [_("Chain head: {head}", head=report.chain_head)]
    if report.kind == "z" and report.entry is not None:
        # The paper anchor: `pos verify --z-code CODE` finds this Z and checks the chain to it.
        footer.append(_("Chain code: {code}", code=chain_code(report.entry.hash)))
    footer.extend(f"{series}: {head}" for series, head in report.heads)
    return Receipt(header=shop_header(settings), title=title, sections=tuple(sections),
                   barcode=report.entry.ticket if report.entry is not None else None,
                   footer=tuple(footer))


def cash_movement_receipt(settings: Settings, entry: JournalEntry) -> Receipt:
    """The slip for a pay-in or pay-out: amount, reason, who, and who authorised it."""
    import json

    tz = ZoneInfo(settings.shop.timezone)
    data = json.loads(entry.data or "{}")
    out = entry.kind == "pay_out"
    rows = [
        *entry_rows(entry, tz),
        Row(_("Shift"), entry.ref_ticket or ""),
        Row(_("Amount"), format_money(abs(entry.amount_cents)), bold=True),
        Row(_("Reason"), entry.reason or ""),
    ]
    if data.get("authorised_by"):
        rows.append(Row(_("Authorised by"), data["authorised_by"]))
    return Receipt(header=shop_header(settings),
                   title=_("CASH PAY-OUT") if out else _("CASH PAY-IN"),
                   sections=(Section(tuple(rows)),), barcode=entry.ticket,
                   footer=(_("Signature: ____________________"),
                           _("Check code: {code}", code=entry.hash[:8])))


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
