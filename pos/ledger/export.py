"""The accountant's export: one row per journal entry of a range of business dates.

Formats, and why:

- **CSV** — UTF-8 *with a BOM*, `;` as the delimiter, CRLF line ends, a header row, amounts
  as plain `20.00` (point, two decimals, no grouping, a minus sign for voids).
  The BOM is what makes Excel read the file as UTF-8 (ñ, á) instead of the ANSI code
  page; LibreOffice reads it too. `;` is the list separator of Spanish Excel installs
  that use the decimal comma (es_ES and most of Latin America), and LibreOffice's import
  dialog detects it; unlike `,` it never collides with a decimal comma. Amounts keep the
  point because es_PE (and SUNAT's own formats) write decimals with a point, so in the
  target locale they open as numbers; with a decimal-comma locale they open as text
  that is still exact (nothing is rounded or misread as thousands) — for such desks the
  XLSX export is the locale-proof one. A `sep=;` first line was rejected: Excel then
  ignores the BOM and garbles accents. Free-text cells (clerk, reason) that start with
  `= + - @` are prefixed with `'` so a spreadsheet never runs them as a formula.
- **JSON** — one array of objects, the same keys as the CSV header; amounts are strings
  with two decimals (`"20.00"`) so no reader turns them into binary floats; seq is a
  number; empty fields are `null`.
- **XLSX** — openpyxl in write-only mode: amounts are real numbers with format `0.00`,
  seq an integer, everything else text (never a formula), a bold frozen header row.

`amount` is filled for sales and voids only, so the column sums to the day's net sales;
shift and Z entries carry their figures (float, counted cash, totals) in `data`.
Never exported: `id_digest`, `id_number`, `request_id`.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from pos.domain.errors import ValidationError
from pos.i18n import N_
from pos.ledger.journal import parse_utc
from pos.ledger.models import JournalEntry

FORMATS = ("csv", "json", "xlsx")
COLUMNS = (
    "ticket", "series", "seq", "kind", "created_at_utc", "local_time", "business_date",
    "clerk", "operator", "phone", "amount", "method", "tendered", "change", "card_brand",
    "card_last4", "card_auth", "op_number", "id_type", "id_masked", "ref_ticket", "reason",
    "topup_status", "operator_txn", "cost",  # issue 13: a sale's top-up, from its outcome
    "data", "hash", "prev_hash",
)
MONEY_COLUMNS = frozenset({"amount", "tendered", "change", "cost"})
MONEY_KINDS = frozenset({"sale", "void"})
FREE_TEXT = frozenset({"clerk", "reason"})
_SOURCE = {"created_at_utc": "created_at", "amount": "amount_cents",
           "tendered": "tendered_cents", "change": "change_cents"}
TOPUP_COLUMNS = ("topup_status", "operator_txn", "cost")
_FIELDS = tuple(
    dict.fromkeys(_SOURCE.get(c, c) for c in COLUMNS
                  if c != "local_time" and c not in TOPUP_COLUMNS)
)
PROGRESS_EVERY = 500


def _money(cents: int | None) -> str | None:
    if cents is None:
        return None
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def rows(session: Session, start: date, end: date, tz: ZoneInfo) -> Iterator[dict[str, Any]]:
    """The entries of business dates start..end as export rows, streamed, in chain order."""
    e = JournalEntry
    outcomes = _topup_outcomes(session, start)
    columns = [getattr(e, name) for name in _FIELDS]
    result = session.exec(  # type: ignore[call-overload]
        select(*columns)
        .where(e.business_date >= start.isoformat(), e.business_date <= end.isoformat())
        .order_by(col(e.business_date), col(e.series), col(e.seq))
        .execution_options(yield_per=1000)
    )
    for values in result:
        raw = dict(zip(_FIELDS, values, strict=True))
        when = parse_utc(raw["created_at"])
        row: dict[str, Any] = dict(_topup_cells(raw, outcomes))
        for column in COLUMNS:
            if column in TOPUP_COLUMNS:
                continue
            if column == "local_time":
                row[column] = when.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
            elif column == "amount" and raw["kind"] not in MONEY_KINDS:
                # A float, a cash count or a Z total is not a sale: summing the column must
                # give the sales (their figures are in `data`).
                row[column] = None
            elif column in MONEY_COLUMNS:
                row[column] = _money(raw[_SOURCE[column]])
            else:
                row[column] = raw[_SOURCE.get(column, column)]
        yield row


# -- issue 13: top-up columns ------------------------------------------------------------------
# A sale's top-up status is known from a later entry (topup_ok / topup_fail, found by the
# sale's ticket in ref_ticket), which may fall after the exported dates.

def _json(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _topup_outcomes(session: Session, start: date) -> dict[str, tuple[str, dict[str, Any]]]:
    e = JournalEntry
    found = session.exec(  # type: ignore[call-overload]
        select(e.ref_ticket, e.kind, e.data).where(
            col(e.kind).in_(("topup_ok", "topup_fail")), e.business_date >= start.isoformat()))
    return {ref: (kind, _json(data)) for ref, kind, data in found if ref}


def _topup_cells(raw: dict[str, Any],
                 outcomes: dict[str, tuple[str, dict[str, Any]]]) -> Iterator[tuple[str, Any]]:
    status = txn = cost = None
    data = _json(raw.get("data")) if raw.get("data") else {}
    if raw["kind"] == "sale" and isinstance(data.get("topup"), dict):
        kind, outcome = outcomes.get(raw["ticket"], ("", {}))
        status = {"topup_ok": "confirmed", "topup_fail": "failed"}.get(kind, "pending")
        txn = outcome.get("txn")
        cost = _money(outcome["cost_cents"]) if "cost_cents" in outcome else None
    elif raw["kind"] in ("topup_ok", "topup_fail"):
        status = "confirmed" if raw["kind"] == "topup_ok" else "failed"
        txn = data.get("txn")
    yield from (("topup_status", status), ("operator_txn", txn), ("cost", cost))


def _safe_text(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _write_csv(path: Path, source: Iterator[dict[str, Any]], tick: Callable[[], None]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for row in source:
            writer.writerow([
                "" if row[c] is None else _safe_text(row[c]) if c in FREE_TEXT else row[c]
                for c in COLUMNS
            ])
            tick()


def _write_json(path: Path, source: Iterator[dict[str, Any]], tick: Callable[[], None]) -> None:
    # Streamed by hand: one object a line inside the array, so memory follows one row.
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[")
        first = True
        for row in source:
            fh.write("\n" if first else ",\n")
            fh.write(json.dumps(row, ensure_ascii=False))
            first = False
            tick()
        fh.write("\n]\n")


def _write_xlsx(path: Path, source: Iterator[dict[str, Any]], tick: Callable[[], None]) -> None:
    try:
        from openpyxl import Workbook  # type: ignore[import-untyped]
        from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
        from openpyxl.styles import Font  # type: ignore[import-untyped]
    except ImportError:
        raise ValidationError("format", N_("XLSX export needs openpyxl: pip install "
                                           "'recarga-pos[xlsx]'.")) from None
    book = Workbook(write_only=True)
    sheet = book.create_sheet("journal")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in source:
        cells: list[Any] = []
        for column in COLUMNS:
            value = row[column]
            if value is None:
                cells.append(None)
            elif column in MONEY_COLUMNS:
                cell = WriteOnlyCell(sheet, value=Decimal(value))
                cell.number_format = "0.00"
                cells.append(cell)
            elif column == "seq":
                cells.append(value)
            else:
                cell = WriteOnlyCell(sheet, value=str(value))
                cell.data_type = "s"  # text stays text, even "=…"
                cells.append(cell)
        sheet.append(cells)
        tick()
    book.save(path)


_WRITERS = {"csv": _write_csv, "json": _write_json, "xlsx": _write_xlsx}


def export_entries(session: Session, start: date, end: date, fmt: str, output: Path,
                   tz: ZoneInfo, progress: Callable[[int], None] | None = None) -> int:
    """Write the entries of start..end to `output` (replaced only once complete); rows written."""
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise ValidationError("format", N_("The export format must be csv, json or xlsx."))
    if start > end:
        raise ValidationError("date", N_("The first date is after the last one."))
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError("output", N_("The folder {folder} does not exist."),
                              folder=str(folder))
    count = 0

    def tick() -> None:
        nonlocal count
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)

    partial = output.with_name(output.name + ".partial")
    try:
        _WRITERS[fmt](partial, rows(session, start, end, tz), tick)
        os.replace(partial, output)
    except OSError as exc:
        raise ValidationError("output", N_("Cannot write {path}: {reason}."),
                              path=str(output), reason=exc.strerror or str(exc)) from None
    finally:
        if partial.exists():
            partial.unlink()
    if progress is not None:
        progress(count)
    return count
