"""The accountant's export: one row per journal entry of a range of business dates.

Columns have a stable machine name (`COLUMNS`: the JSON keys, `--headers machine`) and a
label in the shop's language (`LABELS`: the default CSV and XLSX header). Formats, and why:

- **CSV** — UTF-8 *with a BOM* (Excel then reads ñ and á right), CRLF line ends, a header
  row. Three dialects (`CSV_DIALECTS`):
  `standard` (default): `;` separator, amounts `20.00` (point, two decimals, no grouping);
  `es-PE`: what Excel and LibreOffice open in columns on a Peruvian-Spanish system
  (list separator `,`, decimal point); `es-ES`: Spain and the other decimal-comma locales
  (`;` separator, amounts `20,00`). A spreadsheet whose locale has another decimal mark
  reads amounts as text, so pick the dialect of the accountant's machine (the XLSX is
  locale-proof). Dates are ISO (`2026-11-25`, `2026-11-25 10:30:00`), read as dates in
  every locale. Identifiers never look like numbers, so no reader (Excel, LibreOffice,
  pandas) makes numbers or floats of them or drops their zeros: phones grouped
  `987 654 321`, card last 4 as `****4242`, operation numbers and authorisation codes made
  only of digits prefixed with `#` (`#00123456`). A `sep=;` first line was rejected: Excel
  then ignores the BOM and garbles accents. Free-text cells (clerk, reason) starting with
  `= + - @` get a leading `'` so a spreadsheet never runs them as a formula.
- **JSON** — one array of objects keyed by the machine names; amounts are strings with two
  decimals (`"20.00"`) so no reader turns them into binary floats, identifiers their raw
  digits as strings; seq is a number; empty fields are `null`.
- **XLSX** — openpyxl in write-only mode: amounts are real numbers (`0.00`), seq an
  integer, the business date a date cell (`dd/mm/yyyy`), the local and UTC times date-time
  cells; everything else text cells (phones, last 4, operation numbers: never numbers,
  never a formula); a bold frozen header row, and a second sheet `columns` mapping each
  label to its machine name.

`amount` is filled for sales and voids only, so the column sums to the day's net sales;
shift and Z entries carry their figures (float, counted cash, totals) in `data`.
Never exported: `id_digest`, `id_number`, `request_id`.

Files (`write_output`): written owner-only to a temporary file in the target folder (created
if missing) and renamed into place; never over an existing file unless `force`, never over
the ledger, its key, its head records or config.toml, never onto anything but a regular file.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from pos.domain.errors import ValidationError
from pos.domain.payment import payment_export_columns
from pos.domain.phone import group_phone
from pos.i18n import N_, _
from pos.ledger.errors import LedgerError
from pos.ledger.journal import parse_utc
from pos.ledger.models import JournalEntry

# The payment methods' columns, from their registry (pos.domain.payment).
PAYMENT_COLUMNS = payment_export_columns()
FORMATS = ("csv", "json", "xlsx")
HEADERS = ("label", "machine")
COLUMNS = (
    "ticket", "series", "seq", "kind", "created_at_utc", "local_time", "business_date",
    "clerk", "operator", "phone", "amount", "method",
    *(c.name for c in PAYMENT_COLUMNS),  # tendered, change, card_brand ... op_number
    "id_type", "id_masked", "ref_ticket", "reason",
    "topup_status", "operator_txn", "cost",  # issue 13: a sale's top-up, from its outcome
    "data", "hash", "prev_hash",
)
# Header labels (English msgids, shown in the shop's language); the machine names above are
# the stable interface.
LABELS: dict[str, str] = {
    "ticket": N_("Ticket"),
    "series": N_("Series"),
    "seq": N_("Sequence"),
    "kind": N_("Entry kind"),
    "created_at_utc": N_("Time (UTC)"),
    "local_time": N_("Local date and time"),
    "business_date": N_("Business date"),
    "clerk": N_("Clerk"),
    "operator": N_("Operator"),
    "phone": N_("Phone"),
    "amount": N_("Amount"),
    "method": N_("Paid with"),
    **{c.name: c.label for c in PAYMENT_COLUMNS},
    "id_type": N_("Document type"),
    "id_masked": N_("Customer ID"),
    "ref_ticket": N_("Referenced ticket"),
    "reason": N_("Reason"),
    "topup_status": N_("Top-up status"),
    "operator_txn": N_("Operator transaction"),
    "cost": N_("Cost"),
    "data": N_("Figures (JSON)"),
    "hash": N_("Entry hash"),
    "prev_hash": N_("Previous hash"),
}
# CSV dialect -> (separator, decimal mark).
CSV_DIALECTS: dict[str, tuple[str, str]] = {
    "standard": (";", "."),
    "es-PE": (",", "."),
    "es-ES": (";", ","),
}
MONEY_COLUMNS = frozenset({"amount", "cost"} | {c.name for c in PAYMENT_COLUMNS if c.money})
MONEY_KINDS = frozenset({"sale", "void"})
FREE_TEXT = frozenset({"clerk", "reason"})
# "#" before all-digit values in CSV
DIGIT_CODES = frozenset(c.name for c in PAYMENT_COLUMNS if c.code)
_SOURCE = {"created_at_utc": "created_at", "amount": "amount_cents",
           **{c.name: c.source for c in PAYMENT_COLUMNS if c.source != c.name}}
TOPUP_COLUMNS = ("topup_status", "operator_txn", "cost")
_FIELDS = tuple(
    dict.fromkeys(_SOURCE.get(c, c) for c in COLUMNS
                  if c != "local_time" and c not in TOPUP_COLUMNS)
)
PROGRESS_EVERY = 500
LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def header(headers: str = "label") -> list[str]:
    """The header row: labels in the current language, or the machine names."""
    if headers == "machine":
        return list(COLUMNS)
    return [_(LABELS[column]) for column in COLUMNS]


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
                row[column] = when.astimezone(tz).strftime(LOCAL_TIME_FORMAT)
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


def csv_cell(column: str, value: Any, decimal: str = ".") -> str:
    """One CSV cell: identifiers in a form no spreadsheet or pandas reads as a number."""
    if value is None:
        return ""
    if column in MONEY_COLUMNS:
        return str(value).replace(".", decimal)
    if column in FREE_TEXT:
        return _safe_text(str(value))
    if column == "phone":
        return group_phone(str(value))
    if column == "card_last4":
        return f"****{value}"
    if column in DIGIT_CODES and str(value).isdigit():
        return f"#{value}"
    return str(value)


def _write_csv(fh: IO[bytes], source: Iterator[dict[str, Any]], tick: Callable[[], None],
               headers: str, dialect: str) -> None:
    separator, decimal = CSV_DIALECTS[dialect]
    text = _TextSink(fh)
    writer = csv.writer(text, delimiter=separator, lineterminator="\r\n")
    text.raw("\ufeff")
    writer.writerow(header(headers))
    for row in source:
        writer.writerow([csv_cell(c, row[c], decimal) for c in COLUMNS])
        tick()


class _TextSink:
    """A text stream over the binary temporary file, for csv.writer (UTF-8)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh

    def write(self, text: str) -> int:
        self.fh.write(text.encode("utf-8"))
        return len(text)

    def raw(self, text: str) -> None:
        self.write(text)


def _write_json(fh: IO[bytes], source: Iterator[dict[str, Any]], tick: Callable[[], None],
                headers: str, dialect: str) -> None:
    # Streamed by hand: one object a line inside the array, so memory follows one row.
    out = _TextSink(fh)
    out.write("[")
    first = True
    for row in source:
        out.write("\n" if first else ",\n")
        out.write(json.dumps(row, ensure_ascii=False))
        first = False
        tick()
    out.write("\n]\n")


def _write_xlsx(fh: IO[bytes], source: Iterator[dict[str, Any]], tick: Callable[[], None],
                headers: str, dialect: str) -> None:
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
    titles = header(headers)
    head = []
    for name in titles:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in source:
        cells: list[Any] = []
        for column in COLUMNS:
            value = row[column]
            if value is None:
                cells.append(None)
                continue
            if column in MONEY_COLUMNS:
                cell = WriteOnlyCell(sheet, value=Decimal(value))
                cell.number_format = "0.00"
            elif column == "seq":
                cell = WriteOnlyCell(sheet, value=int(value))
            elif column == "business_date":
                cell = WriteOnlyCell(sheet, value=date.fromisoformat(value))
                cell.number_format = "dd/mm/yyyy"
            elif column == "local_time":
                cell = WriteOnlyCell(sheet, value=datetime.strptime(value, LOCAL_TIME_FORMAT))
                cell.number_format = "dd/mm/yyyy hh:mm:ss"
            elif column == "created_at_utc":
                # Spreadsheets keep milliseconds at best: the exact text stays in JSON/CSV.
                moment = parse_utc(value).replace(tzinfo=None, microsecond=0)
                cell = WriteOnlyCell(sheet, value=moment)
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            else:
                cell = WriteOnlyCell(sheet, value=str(value))
                cell.data_type = "s"  # text stays text: "0042", "987654321", even "=…"
            cells.append(cell)
        sheet.append(cells)
        tick()
    legend = book.create_sheet("columns")
    legend.append([WriteOnlyCell(legend, value=_("Column")), WriteOnlyCell(legend, value="name")])
    for column, title in zip(COLUMNS, titles, strict=True):
        legend.append([title, column])
    book.save(fh)


_WRITERS = {"csv": _write_csv, "json": _write_json, "xlsx": _write_xlsx}


def export_entries(session: Session, start: date, end: date, fmt: str, output: Path,
                   tz: ZoneInfo, progress: Callable[[int], None] | None = None, *,
                   headers: str = "label", dialect: str = "standard", force: bool = False,
                   protected: Iterable[Path] = ()) -> int:
    """Write the entries of start..end to `output` (see `write_output`); rows written."""
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise ValidationError("format", N_("The export format must be csv, json or xlsx."))
    if headers not in HEADERS:
        raise ValidationError("headers", N_("Headers must be label or machine."))
    if dialect not in CSV_DIALECTS:
        raise ValidationError("dialect", N_("The CSV dialect must be standard, es-PE or es-ES."))
    if start > end:
        raise ValidationError("date", N_("The first date is after the last one."))
    count = 0

    def tick() -> None:
        nonlocal count
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)

    def write(fh: IO[bytes]) -> None:
        _WRITERS[fmt](fh, rows(session, start, end, tz), tick, headers, dialect)

    write_output(output, write, force=force, protected=protected)
    if progress is not None:
        progress(count)
    return count


# -- files ---------------------------------------------------------------------------------

# The disk, not the path, is at fault: exit 1 with a clear message.
_DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def check_target(output: Path, protected: Iterable[Path], force: bool) -> None:
    """Refuse an output that is a protected file, not a regular file, or exists (no force)."""
    target = output.resolve()
    for path in protected:
        guarded = path.resolve()
        same_name = guarded == target
        try:
            same_inode = _same_file(os.stat(target), os.stat(guarded))
        except OSError:
            same_inode = False
        if same_name or same_inode:
            raise ValidationError("output", N_("{path} is one of the shop's own files (ledger, "
                                               "key, head record or config): choose another "
                                               "name."), path=str(output))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ValidationError("output", N_("Cannot write {path}: {reason}."),
                              path=str(output), reason=exc.strerror or str(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise ValidationError("output", N_("{path} is not a regular file (a folder, device or "
                                           "pipe): choose a file name."), path=str(output))
    if not force:
        raise ValidationError("output", N_("{path} already exists: use --force to replace "
                                           "it."), path=str(output))


def _fault(output: Path, exc: OSError) -> Exception:
    reason = exc.strerror or str(exc)
    if exc.errno in _DISK_ERRORS:
        return LedgerError(_("The disk is full or failing: {path} was NOT written ({reason}). "
                             "Free some space or choose another folder.",
                             path=str(output), reason=reason))
    return ValidationError("output", N_("Cannot write {path}: {reason}."), path=str(output),
                           reason=reason)


def write_output(output: Path, write: Callable[[IO[bytes]], None], *, force: bool = False,
                 protected: Iterable[Path] = ()) -> None:
    """Write a file through `write(fh)` so that nothing half-written or foreign is clobbered.

    The content goes to an owner-only temporary file in the target folder (created if
    missing: never plaintext in /tmp), is flushed to disk, then linked into place (refused
    if the name exists) or, with `force`, renamed over the old regular file.
    """
    protected = list(protected)
    output = Path(output)
    check_target(output, protected, force)
    folder = output.parent if str(output.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError("output", N_("Cannot create the folder {folder}: {reason}."),
                              folder=str(folder), reason=exc.strerror or str(exc)) from None
    if not folder.is_dir():
        raise ValidationError("output", N_("The folder {folder} does not exist."),
                              folder=str(folder))
    try:
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    except OSError as exc:
        raise _fault(output, exc) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        check_target(output, protected, force)  # again: the name may have appeared meanwhile
        if force:
            os.replace(temp, output)
        else:
            _link_new(temp, output)
    except OSError as exc:
        raise _fault(output, exc) from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def _link_new(temp: Path, output: Path) -> None:
    """Give the finished file its name, never replacing one that exists."""
    try:
        os.link(temp, output)  # atomic, and fails if the name exists
    except FileExistsError:
        raise ValidationError("output", N_("{path} already exists: use --force to replace "
                                           "it."), path=str(output)) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV,
                             errno.EMLINK):
            raise
        # No hard links here (FAT/exFAT USB sticks): checked above, rename now.
        if output.exists():
            raise ValidationError("output", N_("{path} already exists: use --force to replace "
                                               "it."), path=str(output)) from None
        os.rename(temp, output)
