"""Shifts, cash movements, X and Z reports, the shop-wide report and the export.

The rules this module follows:

- Every cash movement belongs to exactly one shift: a sale, a void refunding cash, a pay-in
  and a pay-out need an open shift on their terminal. A shift covers its terminal's entries
  from its `shift_open` to its `shift_close` and has its own float.
- Expected cash comes from one arithmetic, `pos.domain.cash.CashFlow.expected`:
  floats + cash taken − change − cash voids − pay-outs + pay-ins. A shift uses its own
  float; a period or a day adds the floats of its shifts, so a Z's expected cash is the sum
  of its shifts' expected cash, and its counted cash the sum of their counts.
- A *period* is what a Z closes: the terminal's entries since its previous Z, whatever the
  calendar says (a second Z on one day, or a Z at 00:30, closes exactly what is open).
  Every entry carries its real shop-local date and its period number (= its Z number); the
  database refuses an entry for a closed period. A Z with nothing to close is refused, and
  so is a Z while a shift is open, unless it is given the count to close that shift with.
- X = the open period so far (or, with a date, that calendar date); the shop-wide report
  covers one calendar date across every terminal.
- Per-operator/method/clerk lines: count = sales, total = sales net of voids (a void is
  attributed to its own clerk, the manager who made it), so the lines add up to the total.
- Grand total: perpetual Σ of sales and voids of the terminal; each Z stores it, so the next
  one adds only its own period.

The figures come from grouped queries in `pos.ledger.figures`; a report is assembled in one
place (`DayClose._report`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from pos import slips
from pos.domain.cash import CountResult, count_total, counted_cents
from pos.domain.errors import ValidationError
from pos.domain.money import format_money, from_cents, to_cents
from pos.domain.results import (
    RESULT_WORDS,
    CashMovement,
    ClerkView,
    DayReport,
    Group,
    ShiftClose,
    ShiftView,
)
from pos.domain.text import clean_reason
from pos.i18n import N_, _
from pos.ledger import journal
from pos.ledger.export import export_entries
from pos.ledger.figures import (
    Tally,
    data_of,
    entry_at,
    grand_total,
    head_on,
    last_z_on,
    open_shift,
    period_bounds,
    require_shift,
    tally,
)
from pos.ledger.models import JournalEntry
from pos.services.clerks import require_manager
from pos.services.printing import Printing
from pos.services.terminal import Terminal
from pos.topup.floats import float_views, operator_figures


def _group(groups: dict[str, list[int]], order: Iterable[str] = ()) -> Group:
    rank = {name: i for i, name in enumerate(order)}
    names = sorted(groups, key=lambda n: (rank.get(n, len(rank)), n))
    return tuple((n, groups[n][0], from_cents(groups[n][1])) for n in names)


def _money(cents: int | None) -> Decimal | None:
    return None if cents is None else from_cents(cents)


def _figures(t: Tally, **extra: Any) -> dict[str, Any]:
    """The figures an entry stores in its `data` column (céntimos)."""
    flow = t.cash
    return {
        "sales_count": t.sales_count, "sales_total": t.sales_cents,
        "voids_count": t.voids_count, "voids_total": t.voids_cents,
        "day_total": t.day_cents, "float": flow.floats, "cash_received": flow.received,
        "change_given": flow.change, "cash_voids": flow.voids, "payouts": flow.payouts,
        "payins": flow.payins, "expected": flow.expected,
        "by_operator": sorted([k, *v] for k, v in t.by_operator.items()),
        "by_method": sorted([k, *v] for k, v in t.by_method.items()),
        "by_clerk": sorted([k, *v] for k, v in t.by_clerk.items()),
    } | extra


def _pieces(pieces: Mapping[int, int] | None) -> tuple[tuple[Decimal, int], ...]:
    if not pieces:
        return ()
    return tuple((from_cents(d), q) for d, q in sorted(pieces.items(), reverse=True) if q)


class DayClose:
    """Shifts, cash movements, X/Z reports and export (rules: module docstring)."""

    def __init__(self, terminal: Terminal, printing: Printing) -> None:
        self.terminal = terminal
        self.printing = printing

    def _topup_figures(self, s: Session, *conditions: Any) -> tuple[Any, ...]:
        """Per-operator top-up figures of the entries matching `conditions` (none: empty)."""
        e = JournalEntry
        settings = self.terminal.settings
        entries = s.exec(select(e).where(col(e.kind).in_(("topup_ok", "void")),
                                         *conditions)).all()
        if not any(entry.kind == "topup_ok" for entry in entries):
            return ()
        return tuple(operator_figures(entries, settings, float_views(s, settings)))

    # -- shifts --------------------------------------------------------------------------

    def current_shift(self) -> ShiftView | None:
        """The terminal's open shift, if any."""
        with self.terminal.reader() as s:
            row = open_shift(s, self.terminal.series)
        return None if row is None else self._shift_view(row)

    def _shift_view(self, row: JournalEntry) -> ShiftView:
        return ShiftView(ticket=row.ticket, clerk=row.clerk,
                         opened_at=self.terminal.local(row.created_at),
                         float_amount=from_cents(row.amount_cents))

    def open_shift(self, clerk: ClerkView, float_amount: Decimal, *,
                   print_now: bool = True) -> ShiftView:
        """Open a shift with the cash float put in the drawer; one open shift at a time."""
        terminal = self.terminal
        cents = counted_cents(float_amount, "float")

        def work(s: Session) -> tuple[JournalEntry, int]:
            journal.lock_series(s, f"journal:{terminal.series}")
            current = open_shift(s, terminal.series)
            if current is not None:
                raise ValidationError("float", N_("Shift {ticket} of {clerk} is still open: "
                                                  "close it first."),
                                      ticket=current.ticket, clerk=current.clerk)
            row = terminal.append(s, kind="shift_open", clerk=clerk.name, amount_cents=cents,
                                  method="cash", data=journal.canonical_json({"float": cents}))
            job = self.printing.enqueue(s, row.ticket, "shift", slips.shift_open_receipt(
                terminal.settings, terminal.entry(row)))
            return row, job

        row, job_id = terminal.write(work)
        if print_now:
            self.printing.print_job(job_id)
        return self._shift_view(row)

    def shift_expected(self) -> Decimal:
        """What the drawer of the open shift should hold now (not for a blind count)."""
        series = self.terminal.series
        with self.terminal.reader() as s:
            opened = require_shift(s, series, N_("counting the drawer"))
            e = JournalEntry
            return from_cents(tally(s, e.series == series, e.seq >= opened.seq).cash.expected)

    def close_shift(self, clerk: ClerkView, counted: Decimal | None = None, *,
                    pieces: Mapping[int, int] | None = None,
                    manager: ClerkView | None = None,
                    print_now: bool = True) -> ShiftClose:
        """Close the open shift with the drawer count (a total, or pieces by denomination).

        A surplus or shortage beyond `[cash] tolerance` needs `manager` (a manager's PIN
        checked by the caller); without one nothing is stored and the error says so.
        """
        terminal = self.terminal
        if pieces is not None:
            counted_total = count_total(pieces)
            if counted is not None and counted_cents(counted) != counted_total:
                raise ValidationError("counted", N_("The total does not match the count by "
                                                    "denomination ({total})."),
                                      total=format_money(counted_total))
        elif counted is not None:
            counted_total = counted_cents(counted)
        else:
            raise ValidationError("counted", N_("Count the cash in the drawer."))
        if manager is not None:
            require_manager(manager)
        tolerance = counted_cents(terminal.settings.cash.tolerance)

        def work(s: Session) -> tuple[ShiftClose, int]:
            journal.lock_series(s, f"journal:{terminal.series}")
            opened = open_shift(s, terminal.series)
            if opened is None:
                raise ValidationError("counted", N_("No shift is open on this terminal."))
            e = JournalEntry
            t = tally(s, e.series == terminal.series, e.seq >= opened.seq)
            count = CountResult(t.cash.expected, counted_total)
            if count.beyond(tolerance) and manager is None:
                raise ValidationError(
                    "manager", N_("The drawer has a {result} of {amount}, more than the "
                                  "{tolerance} allowed: a manager must accept it with their "
                                  "PIN."),
                    result=_(RESULT_WORDS[count.kind]), amount=format_money(count.amount),
                    tolerance=format_money(tolerance))
            approved = manager.name if manager is not None and count.beyond(tolerance) else None
            extra: dict[str, Any] = {"open_ticket": opened.ticket, "counted": counted_total,
                                     "difference": count.difference, "result": count.kind}
            if pieces is not None:
                extra["pieces"] = sorted([d, q] for d, q in pieces.items() if q)
            if approved:
                extra["authorised_by"] = approved
            row = terminal.append(s, kind="shift_close", clerk=clerk.name,
                                  amount_cents=counted_total, method="cash",
                                  ref_ticket=opened.ticket,
                                  data=journal.canonical_json(_figures(t, **extra)))
            flow = t.cash
            result = ShiftClose(
                open_ticket=opened.ticket, entry=terminal.entry(row),
                float_amount=from_cents(flow.floats),
                cash_received=from_cents(flow.received), change_given=from_cents(flow.change),
                cash_voids=from_cents(flow.voids), payouts=from_cents(flow.payouts),
                payins=from_cents(flow.payins), expected=from_cents(flow.expected),
                counted=from_cents(counted_total), difference=from_cents(count.difference),
                result=count.kind, pieces=_pieces(pieces), authorised_by=approved,
                sales_count=t.sales_count, job_id=0, print_outcome=None)
            job = self.printing.enqueue(s, row.ticket, "shift", slips.shift_close_receipt(
                terminal.settings, result, terminal.entry(opened)))
            return result, job

        result, job_id = terminal.write(work)
        if result.authorised_by:
            terminal.log_event("shift_difference", f"{result.entry.ticket}: {result.result} "
                               f"{result.difference} accepted by {result.authorised_by}")
        outcome = self.printing.print_job(job_id) if print_now else None
        return replace(result, job_id=job_id, print_outcome=outcome)

    # -- cash movements ------------------------------------------------------------------

    def pay_out(self, clerk: ClerkView, amount: Decimal, reason: str, manager: ClerkView, *,
                print_now: bool = True) -> CashMovement:
        """Cash taken out of the drawer (retiro, gasto), authorised by a manager."""
        require_manager(manager)
        return self._cash_movement("pay_out", clerk, amount, reason, manager, print_now)

    def pay_in(self, clerk: ClerkView, amount: Decimal, reason: str, *,
               print_now: bool = True) -> CashMovement:
        """Cash put into the drawer during a shift (more change, a loan from the owner)."""
        return self._cash_movement("pay_in", clerk, amount, reason, None, print_now)

    def _cash_movement(self, kind: str, clerk: ClerkView, amount: Decimal, reason: str,
                       manager: ClerkView | None, print_now: bool) -> CashMovement:
        terminal = self.terminal
        cents = counted_cents(amount, "amount")
        if cents == 0:
            raise ValidationError("amount", N_("Enter an amount, e.g. 20 or 20.50."))
        reason = clean_reason(reason, N_("Write the reason (3 letters or more)."))
        signed = -cents if kind == "pay_out" else cents

        def work(s: Session) -> tuple[JournalEntry, int]:
            journal.lock_series(s, f"journal:{terminal.series}")
            opened = require_shift(s, terminal.series, N_("moving cash"))
            if kind == "pay_out":
                e = JournalEntry
                available = tally(s, e.series == terminal.series,
                                  e.seq >= opened.seq).cash.expected
                if cents > available:
                    raise ValidationError("amount", N_("The drawer should hold only {amount}: "
                                                       "a larger pay-out is refused."),
                                          amount=format_money(available))
            data = {"shift": opened.ticket}
            if manager is not None:
                data["authorised_by"] = manager.name
            row = terminal.append(s, kind=kind, clerk=clerk.name, amount_cents=signed,
                                  method="cash", reason=reason, ref_ticket=opened.ticket,
                                  data=journal.canonical_json(data))
            job = self.printing.enqueue(s, row.ticket, "cash", slips.cash_movement_receipt(
                terminal.settings, terminal.entry(row)))
            return row, job

        row, job_id = terminal.write(work)
        outcome = self.printing.print_job(job_id) if print_now else None
        return CashMovement(terminal.entry(row), from_cents(signed), reason, job_id, outcome)

    # -- X and Z -------------------------------------------------------------------------

    def _report(self, t: Tally, *, kind: str, series: str | None, day: date,
                z_number: int | None, grand: int, head: str, first: JournalEntry | None,
                last: JournalEntry | None, entry: JournalEntry | None = None,
                heads: tuple[tuple[str, str], ...] = (),
                topups: tuple[Any, ...] = ()) -> DayReport:
        """The one place a report's figures are assembled from a tally."""
        terminal = self.terminal
        settings = terminal.settings
        flow = t.cash
        counted = t.counted_or_none
        return DayReport(
            kind=kind, series=series, business_date=day,
            generated_at=terminal.clock().astimezone(terminal.tz), z_number=z_number,
            sales_count=t.sales_count, sales_total=from_cents(t.sales_cents),
            voids_count=t.voids_count, voids_total=from_cents(t.voids_cents),
            day_total=from_cents(t.day_cents), grand_total=from_cents(grand),
            by_operator=_group(t.by_operator, settings.operators),
            by_method=_group(t.by_method, settings.payments.methods),
            by_clerk=_group(t.by_clerk), float_amount=from_cents(flow.floats),
            cash_received=from_cents(flow.received), change_given=from_cents(flow.change),
            cash_voids=from_cents(flow.voids), expected_cash=from_cents(flow.expected),
            counted=_money(counted),
            difference=_money(None if counted is None else counted - flow.expected),
            chain_head=head[:16],
            entry=None if entry is None else terminal.entry(entry),
            job_id=None, print_outcome=None,
            payouts=from_cents(flow.payouts), payins=from_cents(flow.payins),
            shifts=t.shifts_opened,
            first_at=None if first is None else terminal.local(first.created_at),
            last_at=None if last is None else terminal.local(last.created_at),
            by_series=_group(t.by_series) if series is None else (), heads=heads,
            topups=topups,
            chain_code=journal.chain_code(entry.hash) if entry is not None else None)

    def _period_report(self, s: Session, kind: str) -> tuple[DayReport, Tally]:
        """The open period of this terminal (what its next Z closes)."""
        series = self.terminal.series
        last_z, first_seq, newest_seq = period_bounds(s, series)
        e = JournalEntry
        in_period = (e.series == series, e.seq >= first_seq)
        t = tally(s, *in_period)
        first = entry_at(s, series, first_seq) if newest_seq >= first_seq else None
        last = entry_at(s, series, newest_seq) if first is not None else None
        z_number = int(data_of(last_z).get("z_number", 0)) + 1 if last_z else 1
        report = self._report(
            t, kind=kind, series=series, day=self.terminal.today(), z_number=z_number,
            grand=grand_total(s, series, last_z),
            head=last.hash if last else (last_z.hash if last_z else journal.GENESIS),
            first=first, last=last, topups=self._topup_figures(s, *in_period))
        return report, t

    def _day_report(self, s: Session, day: date) -> DayReport:
        """One calendar date of this terminal."""
        series = self.terminal.series
        e = JournalEntry
        on_day = (e.series == series, e.business_date == day.isoformat())
        t = tally(s, *on_day)
        grand = grand_total(s, series, last_z_on(s, series, day),
                            e.business_date <= day.isoformat())
        bounds = s.exec(select(func.min(e.seq), func.max(e.seq)).where(*on_day)).one()
        first = entry_at(s, series, bounds[0]) if bounds[0] is not None else None
        last = entry_at(s, series, bounds[1]) if bounds[1] is not None else None
        return self._report(t, kind="day", series=series, day=day, z_number=None,
                            grand=grand, head=head_on(s, series, day), first=first, last=last,
                            topups=self._topup_figures(s, *on_day))

    def report_x(self, day: date | None = None, *, print_now: bool = False) -> DayReport:
        """The open period so far (or one calendar date) of this terminal; changes nothing."""
        terminal = self.terminal
        with terminal.reader() as s:
            report = (self._period_report(s, "x")[0] if day is None
                      else self._day_report(s, day))
        if not print_now:
            return report
        receipt = slips.day_report_receipt(terminal.settings, report)
        label = report.business_date.isoformat() if day else f"P{report.z_number}"
        job_id = terminal.write(lambda s: self.printing.enqueue(
            s, f"X-{terminal.series}-{label}", "x", receipt))
        return replace(report, job_id=job_id, print_outcome=self.printing.print_job(job_id))

    def close_day(self, manager: ClerkView, counted: Decimal | None = None, *,
                  pieces: Mapping[int, int] | None = None,
                  print_now: bool = True) -> DayReport:
        """The Z: close this terminal's open period with a chained entry.

        With a shift still open, `counted` (or `pieces`) closes it first with that count.
        """
        terminal = self.terminal
        require_manager(manager)
        with terminal.reader() as s:
            opened = open_shift(s, terminal.series)
        if opened is not None:
            if counted is None and pieces is None:
                raise ValidationError("counted", N_("Shift {ticket} of {clerk} is still open: "
                                                    "close it before the Z, or give the "
                                                    "count to close it with."),
                                      ticket=opened.ticket, clerk=opened.clerk)
            self.close_shift(manager, counted, pieces=pieces, manager=manager,
                             print_now=print_now)
        elif counted is not None or pieces is not None:
            raise ValidationError("counted", N_("No shift is open: the drawer was counted "
                                                "when each shift closed. Take the Z without "
                                                "a count."))

        def work(s: Session) -> tuple[DayReport, int]:
            journal.lock_series(s, f"journal:{terminal.series}")
            if open_shift(s, terminal.series) is not None:
                raise ValidationError("counted", N_("A shift was opened meanwhile: close it "
                                                    "before the Z."))
            report, t = self._period_report(s, "z")
            if report.first_at is None:
                raise ValidationError("date", N_("Nothing to close: no entry since the last Z."))
            grand = to_cents(report.grand_total)  # the last Z's figure plus this period
            counted_total = t.counted_or_none
            flow = t.cash
            row = terminal.append(
                s, kind="z", clerk=manager.name, amount_cents=t.day_cents,
                data=journal.canonical_json(_figures(
                    t, z_number=report.z_number, grand_total=grand, counted=counted_total,
                    difference=None if counted_total is None else counted_total - flow.expected,
                    first_at=journal.utc_now_text(report.first_at),
                    last_at=journal.utc_now_text(report.last_at))))
            report = replace(report, grand_total=from_cents(grand), chain_head=row.hash[:16],
                             entry=terminal.entry(row),
                             business_date=date.fromisoformat(row.business_date),
                             chain_code=journal.chain_code(row.hash))
            job = self.printing.enqueue(s, row.ticket, "z",
                                        slips.day_report_receipt(terminal.settings, report))
            return report, job

        report, job_id = terminal.write(work)
        assert report.entry is not None
        terminal.log_event("z", f"{report.entry.ticket} closes period {report.z_number}")
        outcome = self.printing.print_job(job_id) if print_now else None
        return replace(report, job_id=job_id, print_outcome=outcome)

    def shop_report(self, day: date) -> DayReport:
        """One calendar date across every terminal in the database."""
        e = JournalEntry
        on_day = e.business_date == day.isoformat()
        with self.terminal.reader() as s:
            t = tally(s, on_day)
            all_series = sorted(s.exec(select(e.series).distinct()).all())
            grand = 0
            heads: list[tuple[str, str]] = []
            for series in all_series:
                grand += grand_total(s, series, last_z_on(s, series, day),
                                     e.business_date <= day.isoformat())
                heads.append((series, head_on(s, series, day)[:16]))
            bounds = s.exec(select(func.min(e.created_at), func.max(e.created_at))
                            .where(on_day)).one()
            topups = self._topup_figures(s, on_day)
        joined = "\n".join(f"{series}:{head}" for series, head in heads).encode()
        report = self._report(t, kind="shop", series=None, day=day, z_number=None,
                              grand=grand, head=hashlib.sha256(joined).hexdigest(),
                              first=None, last=None, heads=tuple(heads), topups=topups)
        if bounds[0] is not None:
            report = replace(report, first_at=self.terminal.local(bounds[0]),
                             last_at=self.terminal.local(bounds[1]))
        return report

    def report_lines(self, report: DayReport) -> list[str]:
        """The report as the paper shows it: the printer's bytes for it, decoded (the same
        bytes a print would send); plain text lines only if the printer's profile cannot
        render it."""
        return self.printing.slip_lines(slips.day_report_receipt(self.terminal.settings, report))

    # -- export --------------------------------------------------------------------------

    def own_files(self) -> list[Path]:
        """Files an export must never overwrite: the ledger (and its SQLite side files), the
        key and everything beside it named after it (head records, witness), config.toml,
        and the file printer's output."""
        settings = self.terminal.settings
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
        files += [key.with_name(f"{key.name}.{self.terminal.series}.head")]
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
        terminal = self.terminal
        with terminal.reader() as s:
            count = export_entries(s, start, end, fmt, Path(output), terminal.tz, progress,
                                   headers=headers, dialect=dialect, force=force,
                                   protected=self.own_files())
        terminal.log_event("export", f"{start.isoformat()}..{end.isoformat()} {fmt}: {count} rows")
        return count
