"""Shifts, X and Z reports, and the ledger export: a mixin `Shop` inherits.

Cash in the drawer, the rules this module follows:

- cash received = Σ tendered of cash sales; change given = Σ change of cash sales;
  cash voids = Σ |amount| of voids whose method is cash (the refund leaves the drawer when
  the void is made, whatever day the sale was).
- expected = float + cash received − change given − cash voids.
- A shift covers the entries of its terminal between its `shift_open` and its
  `shift_close`, and uses its own float.
- A day (X or Z) covers the terminal's entries of that business date and uses the float of
  the day's first `shift_open` (0 if none): shifts hand the drawer on to each other, so
  only the first float is money put in from outside. What is counted at Z is what is in
  the drawer at night.
- A Z may not be taken while a shift is open (close the shift first), nor for a business
  date after today's that has no entry at all (that would be a double Z by mistake).
- Per-operator/method/clerk lines: count = sales, total = sales net of voids (a void is
  attributed to its own clerk, the manager who made it), so the lines add up to the day's
  total.
- Grand total: perpetual Σ of sales and voids of the terminal; each Z stores it, so the next
  one adds only the days since (cost follows the day, not the ledger).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from pos.domain.errors import ValidationError
from pos.domain.money import from_cents, to_cents
from pos.i18n import N_, _
from pos.ledger import journal
from pos.ledger.models import JournalEntry

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from pos.config import Settings
    from pos.services import ClerkView, PrintOutcome

MONEY_KINDS = ("sale", "void")
SHIFT_KINDS = ("shift_open", "shift_close")

Group = tuple[tuple[str, int, Decimal], ...]


@dataclass(frozen=True)
class ShiftView:
    """The terminal's open shift."""

    ticket: str
    clerk: str
    opened_at: datetime  # aware, shop tz
    float_amount: Decimal


@dataclass(frozen=True)
class ShiftClose:
    """A closed shift: its cash count against what the drawer should hold."""

    open_ticket: str
    entry: JournalEntry
    float_amount: Decimal
    cash_received: Decimal
    change_given: Decimal
    cash_voids: Decimal
    expected: Decimal
    counted: Decimal
    difference: Decimal  # counted − expected: negative means missing cash
    sales_count: int
    job_id: int
    print_outcome: PrintOutcome | None


@dataclass(frozen=True)
class DayReport:
    """An X (read-only) or Z (day close) report of one terminal, or of the whole shop."""

    kind: str  # "x" | "z"
    series: str | None  # None: shop-wide, across terminals
    business_date: date
    generated_at: datetime
    z_number: int | None
    sales_count: int
    sales_total: Decimal
    voids_count: int
    voids_total: Decimal  # negative (voids carry the negative amount)
    day_total: Decimal
    grand_total: Decimal
    by_operator: Group  # (operator code, sales, net total)
    by_method: Group  # (method code, sales, net total)
    by_clerk: Group  # (clerk name, sales, net total)
    float_amount: Decimal
    cash_received: Decimal
    change_given: Decimal
    cash_voids: Decimal
    expected_cash: Decimal
    counted: Decimal | None
    difference: Decimal | None
    chain_head: str  # first 16 hex of the last entry hash (shop-wide: of a hash of all heads)
    entry: JournalEntry | None  # the Z entry
    job_id: int | None
    print_outcome: PrintOutcome | None
    # Shop-wide reports only: one line per terminal, and each terminal's chain head.
    by_series: Group = ()
    heads: tuple[tuple[str, str], ...] = ()


# -- figures -----------------------------------------------------------------------------


@dataclass
class Tally:
    """Sales, voids and cash movement of a set of journal entries (céntimos)."""

    sales_count: int = 0
    sales_cents: int = 0
    voids_count: int = 0
    voids_cents: int = 0
    received: int = 0
    change: int = 0
    cash_voids: int = 0
    by_operator: dict[str, list[int]] = field(default_factory=dict)
    by_method: dict[str, list[int]] = field(default_factory=dict)
    by_clerk: dict[str, list[int]] = field(default_factory=dict)
    by_series: dict[str, list[int]] = field(default_factory=dict)

    @property
    def day_cents(self) -> int:
        return self.sales_cents + self.voids_cents

    def expected(self, float_cents: int) -> int:
        return float_cents + self.received - self.change - self.cash_voids


def tally(session: Session, *conditions: Any) -> Tally:
    """One grouped query over the sales and voids matching `conditions`."""
    e = JournalEntry
    is_sale = e.kind == "sale"
    is_cash = e.method == "cash"
    query = (
        select(  # type: ignore[call-overload,arg-type,misc]
            e.series, e.kind, e.method, e.operator, e.clerk,
            func.count(), func.coalesce(func.sum(e.amount_cents), 0),
            func.coalesce(func.sum(case((is_sale & is_cash, e.tendered_cents), else_=0)), 0),  # type: ignore[arg-type]
            func.coalesce(func.sum(case((is_sale & is_cash, e.change_cents), else_=0)), 0),  # type: ignore[arg-type]
        )
        .where(col(e.kind).in_(MONEY_KINDS), *conditions)
        .group_by(e.series, e.kind, e.method, e.operator, e.clerk)
    )
    t = Tally()
    for series, kind, method, operator, clerk, count, amount, tendered, change in session.exec(
            query).all():
        count, amount = int(count), int(amount)
        sales = count if kind == "sale" else 0
        if kind == "sale":
            t.sales_count += count
            t.sales_cents += amount
            t.received += int(tendered)
            t.change += int(change)
        else:
            t.voids_count += count
            t.voids_cents += amount
            if method == "cash":
                t.cash_voids += -amount
        for groups, name in ((t.by_operator, operator), (t.by_method, method),
                             (t.by_clerk, clerk), (t.by_series, series)):
            line = groups.setdefault(name or "-", [0, 0])
            line[0] += sales
            line[1] += amount
    return t


def _group(groups: dict[str, list[int]], order: Iterable[str] = ()) -> Group:
    rank = {name: i for i, name in enumerate(order)}
    names = sorted(groups, key=lambda n: (rank.get(n, len(rank)), n))
    return tuple((n, groups[n][0], from_cents(groups[n][1])) for n in names)


def _money(cents: int | None) -> Decimal | None:
    return None if cents is None else from_cents(cents)


def _data(entry: JournalEntry | None) -> dict[str, Any]:
    import json

    return json.loads(entry.data) if entry is not None and entry.data else {}


def _last_z(session: Session, series: str, before: date | None = None) -> JournalEntry | None:
    """The terminal's last Z (before `before`), through the (series, kind, date) index."""
    e = JournalEntry
    if before is None:
        return _latest(session, series, "z")
    return session.exec(select(e).where(e.series == series, e.kind == "z",
                                        e.business_date < before.isoformat())
                        .order_by(col(e.business_date).desc(), col(e.seq).desc())
                        .limit(1)).first()


def _z_of(session: Session, series: str, day: date) -> JournalEntry | None:
    e = JournalEntry
    return session.exec(select(e).where(e.series == series, e.kind == "z",
                                        e.business_date == day.isoformat()).limit(1)).first()


def _day_float(session: Session, series: str, day: date) -> int:
    e = JournalEntry
    first = session.exec(
        select(e.amount_cents).where(e.series == series, e.kind == "shift_open",
                                     e.business_date == day.isoformat())
        .order_by(col(e.seq)).limit(1)).first()
    return int(first or 0)


def _grand_total(session: Session, series: str, day: date, day_cents: int) -> int:
    """Perpetual total up to and including `day`: the previous Z's figure plus the days since."""
    e = JournalEntry
    previous = _last_z(session, series, before=day)
    since = [e.series == series, col(e.kind).in_(MONEY_KINDS),
             e.business_date < day.isoformat()]
    base = 0
    if previous is not None:
        base = int(_data(previous).get("grand_total", 0))
        since.append(e.business_date > previous.business_date)
    between = session.exec(select(func.coalesce(func.sum(e.amount_cents), 0)).where(*since)).one()  # type: ignore[arg-type]
    return base + int(between) + day_cents


def _head(session: Session, series: str, day: date) -> str:
    """Hash of the terminal's last entry on or before `day` (all of it: GENESIS if none)."""
    e = JournalEntry
    last = session.exec(
        select(e.hash).where(e.series == series, e.business_date <= day.isoformat())
        .order_by(col(e.business_date).desc(), col(e.seq).desc()).limit(1)).first()
    return last or journal.GENESIS


def _latest(session: Session, series: str, kind: str) -> JournalEntry | None:
    """The terminal's last entry of one kind, through the (series, kind, date) index."""
    e = JournalEntry
    return session.exec(select(e).where(e.series == series, e.kind == kind)
                        .order_by(col(e.business_date).desc(), col(e.seq).desc())
                        .limit(1)).first()


def _open_shift(session: Session, series: str) -> JournalEntry | None:
    # Two index look-ups, not "kind IN (...) ORDER BY seq": that one may walk the whole chain.
    opened = _latest(session, series, "shift_open")
    if opened is None:
        return None
    closed = _latest(session, series, "shift_close")
    return opened if closed is None or closed.seq < opened.seq else None


def _cash_cents(amount: Decimal, field: str, msgid: str) -> int:
    """A cash figure a clerk counted: finite, not negative, in céntimos."""
    value = Decimal(amount)
    if not value.is_finite() or value < 0:
        raise ValidationError(field, msgid)
    return to_cents(value)


def _day_to_close(s: Session, series: str, current: date) -> date:
    """The oldest business date after the last Z that has entries, else `current`.

    A Z taken after midnight (or the morning after a forgotten Z) closes the day whose sales
    are still open, not the new calendar day.
    """
    e = JournalEntry
    last_z = s.exec(select(func.max(e.business_date)).where(e.series == series,
                                                            e.kind == "z")).one()
    query = select(func.min(e.business_date)).where(e.series == series,
                                                    e.business_date < current.isoformat())
    if last_z is not None:
        query = query.where(e.business_date > last_z)
    oldest = s.exec(query).one()
    return date.fromisoformat(oldest) if oldest else current


def _has_entries(session: Session, series: str, day: date) -> bool:
    e = JournalEntry
    return session.exec(select(e.id).where(e.series == series,
                                           e.business_date == day.isoformat())
                        .limit(1)).first() is not None


def _figures_json(t: Tally, float_cents: int, **extra: Any) -> str:
    data = {
        "sales_count": t.sales_count, "sales_total": t.sales_cents,
        "voids_count": t.voids_count, "voids_total": t.voids_cents,
        "day_total": t.day_cents, "float": float_cents, "cash_received": t.received,
        "change_given": t.change, "cash_voids": t.cash_voids,
        "expected": t.expected(float_cents),
        "by_operator": sorted([k, *v] for k, v in t.by_operator.items()),
        "by_method": sorted([k, *v] for k, v in t.by_method.items()),
        "by_clerk": sorted([k, *v] for k, v in t.by_clerk.items()),
    } | extra
    return journal.canonical_json(data)


class DayClose:
    """Shifts, X/Z reports and export for `Shop` (see the module docstring for the rules)."""

    # Provided by Shop.
    settings: Settings
    series: str
    tz: ZoneInfo
    clock: Callable[[], datetime]
    key: bytes
    _write: Callable[[Callable[[Session], Any]], Any]
    _session: Callable[[], Any]
    _reader: Callable[[], Any]
    _enqueue: Callable[..., int]
    print_job: Callable[[int], PrintOutcome]
    log_event: Callable[..., None]
    today: Callable[[], date]

    # -- shifts --------------------------------------------------------------------------

    def current_shift(self) -> ShiftView | None:
        """The terminal's open shift, if any."""
        with self._reader() as s:
            entry = _open_shift(s, self.series)
        return None if entry is None else self._shift_view(entry)

    def _shift_view(self, entry: JournalEntry) -> ShiftView:
        return ShiftView(ticket=entry.ticket, clerk=entry.clerk,
                         opened_at=journal.parse_utc(entry.created_at).astimezone(self.tz),
                         float_amount=from_cents(entry.amount_cents))

    def open_shift(self, clerk: ClerkView, float_amount: Decimal, *,
                   print_now: bool = True) -> ShiftView:
        """Open a shift with the cash float put in the drawer; one open shift at a time."""
        cents = _cash_cents(float_amount, "float", N_("The starting cash cannot be negative."))

        def work(s: Session) -> tuple[JournalEntry, int]:
            journal.lock_series(s, f"journal:{self.series}")
            current = _open_shift(s, self.series)
            if current is not None:
                raise ValidationError("float", N_("Shift {ticket} of {clerk} is still open: "
                                                  "close it first."),
                                      ticket=current.ticket, clerk=current.clerk)
            entry = journal.append_entry(
                s, self.key, series=self.series, kind="shift_open", now=self.clock(),
                tz=self.tz, clerk=clerk.name, amount_cents=cents,
                data=journal.canonical_json({"float": cents}))
            from pos.report_layout import shift_open_receipt

            job = self._enqueue(s, entry.ticket, "shift",
                                shift_open_receipt(self.settings, entry))
            return entry, job

        entry, job_id = self._write(work)
        if print_now:
            self.print_job(job_id)
        return self._shift_view(entry)

    def close_shift(self, clerk: ClerkView, counted: Decimal, *,
                    print_now: bool = True) -> ShiftClose:
        """Close the open shift with the counted cash; returns expected vs counted."""
        counted_cents = _cash_cents(counted, "counted",
                                    N_("The counted cash cannot be negative."))

        def work(s: Session) -> tuple[ShiftClose, int]:
            journal.lock_series(s, f"journal:{self.series}")
            opened = _open_shift(s, self.series)
            if opened is None:
                raise ValidationError("counted", N_("No shift is open on this terminal."))
            e = JournalEntry
            t = tally(s, e.series == self.series, e.seq > opened.seq)
            float_cents = opened.amount_cents
            expected = t.expected(float_cents)
            entry = journal.append_entry(
                s, self.key, series=self.series, kind="shift_close", now=self.clock(),
                tz=self.tz, clerk=clerk.name, amount_cents=counted_cents,
                ref_ticket=opened.ticket,
                data=_figures_json(t, float_cents, open_ticket=opened.ticket,
                                   counted=counted_cents,
                                   difference=counted_cents - expected))
            result = ShiftClose(
                open_ticket=opened.ticket, entry=entry, float_amount=from_cents(float_cents),
                cash_received=from_cents(t.received), change_given=from_cents(t.change),
                cash_voids=from_cents(t.cash_voids), expected=from_cents(expected),
                counted=from_cents(counted_cents),
                difference=from_cents(counted_cents - expected),
                sales_count=t.sales_count, job_id=0, print_outcome=None)
            from pos.report_layout import shift_close_receipt

            job = self._enqueue(s, entry.ticket, "shift",
                                shift_close_receipt(self.settings, result, opened))
            return result, job

        result, job_id = self._write(work)
        outcome = self.print_job(job_id) if print_now else None
        return replace(result, job_id=job_id, print_outcome=outcome)

    # -- X and Z -------------------------------------------------------------------------

    def _day_report(self, s: Session, series: str, day: date, *, kind: str,
                    generated_at: datetime) -> tuple[DayReport, Tally]:
        e = JournalEntry
        t = tally(s, e.series == series, e.business_date == day.isoformat())
        float_cents = _day_float(s, series, day)
        expected = t.expected(float_cents)
        z = _z_of(s, series, day)
        z_data = _data(z)
        counted = z_data.get("counted")
        report = DayReport(
            kind=kind, series=series, business_date=day, generated_at=generated_at,
            z_number=z_data.get("z_number"),
            sales_count=t.sales_count, sales_total=from_cents(t.sales_cents),
            voids_count=t.voids_count, voids_total=from_cents(t.voids_cents),
            day_total=from_cents(t.day_cents),
            grand_total=from_cents(_grand_total(s, series, day, t.day_cents)),
            by_operator=_group(t.by_operator, self.settings.operators),
            by_method=_group(t.by_method, self.settings.payments.methods),
            by_clerk=_group(t.by_clerk),
            float_amount=from_cents(float_cents), cash_received=from_cents(t.received),
            change_given=from_cents(t.change), cash_voids=from_cents(t.cash_voids),
            expected_cash=from_cents(expected), counted=_money(counted),
            difference=_money(None if counted is None else counted - expected),
            chain_head=_head(s, series, day)[:16], entry=z, job_id=None, print_outcome=None)
        return report, t

    def report_x(self, day: date | None = None, *, print_now: bool = False) -> DayReport:
        """The day so far (or a past day) for this terminal; changes nothing in the journal."""
        now = self.clock()
        with self._reader() as s:
            when = day or date.fromisoformat(journal.business_date_for(s, self.series, now,
                                                                       self.tz))
            report, _t = self._day_report(s, self.series, when, kind="x",
                                          generated_at=now.astimezone(self.tz))
        if not print_now:
            return report
        from pos.report_layout import day_report_receipt

        receipt = day_report_receipt(self.settings, report)
        job_id = self._write(lambda s: self._enqueue(
            s, f"X-{self.series}-{when.isoformat()}", "x", receipt))
        return replace(report, job_id=job_id, print_outcome=self.print_job(job_id))

    def close_day(self, manager: ClerkView, counted: Decimal | None = None, *,
                  print_now: bool = True) -> DayReport:
        """The Z: close this terminal's current business date with a chained entry."""
        from pos.services import AuthError

        if not manager.is_manager:
            raise AuthError(_("{name} is not a manager.", name=manager.name))
        counted_cents: int | None = None
        if counted is not None:
            counted_cents = _cash_cents(counted, "counted",
                                        N_("The counted cash cannot be negative."))

        def work(s: Session) -> tuple[DayReport, int]:
            journal.lock_series(s, f"journal:{self.series}")
            now = self.clock()
            day = _day_to_close(s, self.series,
                                date.fromisoformat(journal.business_date_for(s, self.series, now,
                                                                             self.tz)))
            opened = _open_shift(s, self.series)
            if opened is not None:
                raise ValidationError("counted", N_("Shift {ticket} of {clerk} is still open: "
                                                    "close it before the Z."),
                                      ticket=opened.ticket, clerk=opened.clerk)
            if day > now.astimezone(self.tz).date() and not _has_entries(s, self.series, day):
                raise ValidationError("date", N_("Business day {date} has no entries yet: "
                                                 "today is already closed."),
                                      date=day.isoformat())
            report, t = self._day_report(s, self.series, day, kind="z",
                                         generated_at=now.astimezone(self.tz))
            previous = _last_z(s, self.series)
            z_number = int(_data(previous).get("z_number", 0)) + 1
            grand = to_cents(report.grand_total)
            float_cents = to_cents(report.float_amount)
            difference = (None if counted_cents is None
                          else counted_cents - t.expected(float_cents))
            entry = journal.append_entry(
                s, self.key, series=self.series, kind="z", now=now, tz=self.tz,
                business_date=day.isoformat(), clerk=manager.name, amount_cents=t.day_cents,
                data=_figures_json(t, float_cents, z_number=z_number, grand_total=grand,
                                   counted=counted_cents, difference=difference))
            report = replace(report, z_number=z_number, counted=_money(counted_cents),
                             difference=_money(difference), chain_head=entry.hash[:16],
                             entry=entry)
            from pos.report_layout import day_report_receipt

            job = self._enqueue(s, entry.ticket, "z", day_report_receipt(self.settings, report))
            return report, job

        report, job_id = self._write(work)
        self.log_event("z", f"{report.entry.ticket} closes {report.business_date.isoformat()}")
        outcome = self.print_job(job_id) if print_now else None
        return replace(report, job_id=job_id, print_outcome=outcome)

    def shop_report(self, day: date) -> DayReport:
        """An X of `day` across every terminal in the database."""
        e = JournalEntry
        with self._reader() as s:
            t = tally(s, e.business_date == day.isoformat())
            all_series = sorted(s.exec(select(e.series).distinct()).all())
            float_cents = grand = 0
            heads: list[tuple[str, str]] = []
            counts: list[int | None] = []
            for series in all_series:
                float_cents += _day_float(s, series, day)
                net = t.by_series.get(series, [0, 0])[1]
                grand += _grand_total(s, series, day, net)
                heads.append((series, _head(s, series, day)[:16]))
                if series in t.by_series or _has_entries(s, series, day):
                    counts.append(_data(_z_of(s, series, day)).get("counted"))
        # Counted cash is known only when every terminal active that day counted it at Z.
        counted = (sum(c for c in counts if c is not None)
                   if counts and None not in counts else None)
        joined = "\n".join(f"{series}:{head}" for series, head in heads).encode()
        expected = t.expected(float_cents)
        return DayReport(
            kind="x", series=None, business_date=day,
            generated_at=self.clock().astimezone(self.tz), z_number=None,
            sales_count=t.sales_count, sales_total=from_cents(t.sales_cents),
            voids_count=t.voids_count, voids_total=from_cents(t.voids_cents),
            day_total=from_cents(t.day_cents), grand_total=from_cents(grand),
            by_operator=_group(t.by_operator, self.settings.operators),
            by_method=_group(t.by_method, self.settings.payments.methods),
            by_clerk=_group(t.by_clerk), float_amount=from_cents(float_cents),
            cash_received=from_cents(t.received), change_given=from_cents(t.change),
            cash_voids=from_cents(t.cash_voids), expected_cash=from_cents(expected),
            counted=_money(counted),
            difference=_money(None if counted is None else counted - expected),
            chain_head=hashlib.sha256(joined).hexdigest()[:16], entry=None, job_id=None,
            print_outcome=None, by_series=_group(t.by_series), heads=tuple(heads))

    def report_lines(self, report: DayReport) -> list[str]:
        """The report as plain text lines (the printed slip's content), for the screen."""
        from pos.report_layout import day_report_receipt, receipt_lines

        return receipt_lines(day_report_receipt(self.settings, report))

    # -- export --------------------------------------------------------------------------

    def own_files(self) -> list[Path]:
        """Files an export must never overwrite: the ledger (and its SQLite side files), the
        key and everything beside it named after it (head records, witness), config.toml,
        and the file printer's output."""
        settings = self.settings
        files: list[Path] = []
        url = settings.ledger_url
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            db = Path(url.removeprefix("sqlite:///"))
            files += [db] + [db.with_name(db.name + side) for side in ("-wal", "-shm",
                                                                        "-journal")]
        key = settings.key_path
        files.append(key)
        try:
            files += sorted(key.parent.glob(f"{key.name}.*"))
        except OSError:
            pass
        files += [key.with_name(f"{key.name}.{self.series}.head")]
        if settings.source is not None:
            files.append(settings.source)
        if settings.printer.kind == "file":
            files.append(settings.printer_path)
        return files

    def export(self, start: date, end: date, fmt: str, output: Path,
               progress: Callable[[int], None] | None = None, *, headers: str = "label",
               dialect: str = "standard", force: bool = False) -> int:
        """Write every journal entry of business dates start..end to `output`; rows written.

        Never over an existing file unless `force`, never over the shop's own files.
        """
        from pos.ledger.export import export_entries

        with self._reader() as s:
            count = export_entries(s, start, end, fmt, Path(output), self.tz, progress,
                                   headers=headers, dialect=dialect, force=force,
                                   protected=self.own_files())
        self.log_event("export", f"{start.isoformat()}..{end.isoformat()} {fmt}: {count} rows")
        return count
