"""Shifts, cash movements, X and Z reports, and the ledger export: a mixin `Shop` inherits.

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
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from pos.domain.cash import CashFlow, CountResult, count_total, counted_cents
from pos.domain.errors import ValidationError
from pos.domain.money import format_money, from_cents
from pos.domain.text import clean_reason
from pos.i18n import N_, _
from pos.ledger import journal
from pos.ledger.models import JournalEntry

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from pos.config import Settings
    from pos.services import ClerkView, PrintOutcome

MONEY_KINDS = ("sale", "void")
CASH_KINDS = ("pay_in", "pay_out")
SHIFT_KINDS = ("shift_open", "shift_close")
TALLY_KINDS = MONEY_KINDS + CASH_KINDS + SHIFT_KINDS

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
    payouts: Decimal
    payins: Decimal
    expected: Decimal
    counted: Decimal
    difference: Decimal  # counted − expected: negative means missing cash
    result: str  # surplus (sobrante) | shortage (faltante) | exact
    pieces: tuple[tuple[Decimal, int], ...]  # the count by denomination, if taken so
    authorised_by: str | None  # the manager who accepted a difference beyond tolerance
    sales_count: int
    job_id: int
    print_outcome: PrintOutcome | None


@dataclass(frozen=True)
class CashMovement:
    """A pay-in or pay-out: cash put in the drawer or taken out of it."""

    entry: JournalEntry
    amount: Decimal  # positive: in; negative: out
    reason: str
    job_id: int
    print_outcome: PrintOutcome | None


@dataclass(frozen=True)
class DayReport:
    """An X (read-only), a Z (closes a period), a calendar day, or the whole shop's day."""

    kind: str  # "x" (open period) | "z" | "day" (one date, one terminal) | "shop"
    series: str | None  # None: shop-wide, across terminals
    business_date: date
    generated_at: datetime
    z_number: int | None  # the period: its Z number (X: the number its Z will get)
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
    payouts: Decimal = Decimal("0.00")
    payins: Decimal = Decimal("0.00")
    shifts: int = 0  # shifts opened in the report's range
    first_at: datetime | None = None  # the first and last entry covered (shop tz)
    last_at: datetime | None = None
    # Shop-wide reports only: one line per terminal, and each terminal's chain head.
    by_series: Group = ()
    heads: tuple[tuple[str, str], ...] = ()
    # Top-ups through a distributor (issue 13): per operator sold, cost, commission, float.
    topups: tuple[Any, ...] = ()

    @property
    def result(self) -> str | None:
        """surplus | shortage | exact, once the drawer was counted."""
        if self.counted is None:
            return None
        return CountResult(_cents(self.expected_cash), _cents(self.counted)).kind


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


# -- figures -----------------------------------------------------------------------------


@dataclass
class Tally:
    """Sales, voids, cash movements and shift figures of a set of journal entries (céntimos)."""

    sales_count: int = 0
    sales_cents: int = 0
    voids_count: int = 0
    voids_cents: int = 0
    received: int = 0
    change: int = 0
    cash_voids: int = 0
    payouts: int = 0
    payins: int = 0
    floats: int = 0
    shifts_opened: int = 0
    counted: int = 0
    shifts_closed: int = 0
    by_operator: dict[str, list[int]] = field(default_factory=dict)
    by_method: dict[str, list[int]] = field(default_factory=dict)
    by_clerk: dict[str, list[int]] = field(default_factory=dict)
    by_series: dict[str, list[int]] = field(default_factory=dict)

    @property
    def day_cents(self) -> int:
        return self.sales_cents + self.voids_cents

    @property
    def cash(self) -> CashFlow:
        return CashFlow(floats=self.floats, received=self.received, change=self.change,
                        voids=self.cash_voids, payouts=self.payouts, payins=self.payins)

    @property
    def counted_or_none(self) -> int | None:
        """The drawer counts of the shifts closed in range (None if none was closed)."""
        return self.counted if self.shifts_closed else None


def tally(session: Session, *conditions: Any) -> Tally:
    """One grouped query over the money, cash and shift entries matching `conditions`."""
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
        .where(col(e.kind).in_(TALLY_KINDS), *conditions)
        .group_by(e.series, e.kind, e.method, e.operator, e.clerk)
    )
    t = Tally()
    for series, kind, method, operator, clerk, count, amount, tendered, change in session.exec(
            query).all():
        count, amount = int(count), int(amount)
        if kind == "shift_open":
            t.floats += amount
            t.shifts_opened += count
            continue
        if kind == "shift_close":
            t.counted += amount
            t.shifts_closed += count
            continue
        if kind == "pay_in":
            t.payins += amount
            continue
        if kind == "pay_out":
            t.payouts += -amount
            continue
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


def _latest(session: Session, series: str, kind: str) -> JournalEntry | None:
    """The terminal's last entry of one kind, through the (series, kind, seq) index."""
    e = JournalEntry
    return session.exec(select(e).where(e.series == series, e.kind == kind)
                        .order_by(col(e.seq).desc()).limit(1)).first()


def _open_shift(session: Session, series: str) -> JournalEntry | None:
    # Two index look-ups, not "kind IN (...) ORDER BY seq": that one may walk the whole chain.
    opened = _latest(session, series, "shift_open")
    if opened is None:
        return None
    closed = _latest(session, series, "shift_close")
    return opened if closed is None or closed.seq < opened.seq else None


def _entry_at(session: Session, series: str, seq: int) -> JournalEntry | None:
    e = JournalEntry
    return session.exec(select(e).where(e.series == series, e.seq == seq)).first()


def _period_bounds(session: Session, series: str) -> tuple[JournalEntry | None, int, int]:
    """The terminal's last Z, the first sequence of the open period, and the newest one."""
    last_z = _latest(session, series, "z")
    newest = journal.chain_head(session, series)
    return last_z, (last_z.seq + 1 if last_z else 1), (newest.seq if newest else 0)


def _grand_total(session: Session, series: str, last_z: JournalEntry | None,
                 *after: Any) -> int:
    """Perpetual total: the last Z's figure plus the money entries after it (and `after`)."""
    e = JournalEntry
    since = [e.series == series, col(e.kind).in_(MONEY_KINDS), *after]
    base = 0
    if last_z is not None:
        base = int(_data(last_z).get("grand_total", 0))
        since.append(e.seq > last_z.seq)
    between = session.exec(select(func.coalesce(func.sum(e.amount_cents), 0)).where(*since)).one()  # type: ignore[arg-type]
    return base + int(between)


def _head_on(session: Session, series: str, day: date) -> str:
    """Hash of the terminal's last entry dated on or before `day` (GENESIS if none)."""
    e = JournalEntry
    last = session.exec(
        select(e.hash).where(e.series == series, e.business_date <= day.isoformat())
        .order_by(col(e.seq).desc()).limit(1)).first()
    return last or journal.GENESIS


def _has_entries(session: Session, series: str, day: date) -> bool:
    e = JournalEntry
    return session.exec(select(e.id).where(e.series == series,
                                           e.business_date == day.isoformat())
                        .limit(1)).first() is not None


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


def _topup_figures(session: Session, settings: Settings, *conditions: Any) -> tuple[Any, ...]:
    """Per-operator top-up figures of the entries matching `conditions` (none: empty)."""
    from pos.topup.floats import float_views, operator_figures

    e = JournalEntry
    entries = session.exec(select(e).where(col(e.kind).in_(("topup_ok", "void")),
                                           *conditions)).all()
    if not any(entry.kind == "topup_ok" for entry in entries):
        return ()
    return tuple(operator_figures(entries, settings, float_views(session, settings)))


def _pieces(pieces: Mapping[int, int] | None) -> tuple[tuple[Decimal, int], ...]:
    if not pieces:
        return ()
    return tuple((from_cents(d), q) for d, q in sorted(pieces.items(), reverse=True) if q)


def require_shift(session: Session, series: str, what: str) -> JournalEntry:
    """The open shift that a cash movement belongs to; refuse the movement without one."""
    opened = _open_shift(session, series)
    if opened is None:
        raise ValidationError("shift", N_("No shift is open on this terminal: open one first "
                                          "(pos shift open, or Ctrl+K in the app) before {what}."),
                              what=_(what))
    return opened


class DayClose:
    """Shifts, cash movements, X/Z reports and export for `Shop` (rules: module docstring)."""

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
    _append: Callable[..., JournalEntry]
    print_job: Callable[[int], PrintOutcome]
    render: Callable[..., bytes]
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
        cents = counted_cents(float_amount, "float")

        def work(s: Session) -> tuple[JournalEntry, int]:
            journal.lock_series(s, f"journal:{self.series}")
            current = _open_shift(s, self.series)
            if current is not None:
                raise ValidationError("float", N_("Shift {ticket} of {clerk} is still open: "
                                                  "close it first."),
                                      ticket=current.ticket, clerk=current.clerk)
            entry = self._append(s, kind="shift_open", clerk=clerk.name, amount_cents=cents,
                                 method="cash", data=journal.canonical_json({"float": cents}))
            from pos.report_layout import shift_open_receipt

            job = self._enqueue(s, entry.ticket, "shift",
                                shift_open_receipt(self.settings, entry))
            return entry, job

        entry, job_id = self._write(work)
        if print_now:
            self.print_job(job_id)
        return self._shift_view(entry)

    def shift_expected(self) -> Decimal:
        """What the drawer of the open shift should hold now (not for a blind count)."""
        with self._reader() as s:
            opened = require_shift(s, self.series, N_("counting the drawer"))
            e = JournalEntry
            return from_cents(tally(s, e.series == self.series, e.seq >= opened.seq)
                              .cash.expected)

    def close_shift(self, clerk: ClerkView, counted: Decimal | None = None, *,
                    pieces: Mapping[int, int] | None = None,
                    manager: ClerkView | None = None,
                    print_now: bool = True) -> ShiftClose:
        """Close the open shift with the drawer count (a total, or pieces by denomination).

        A surplus or shortage beyond `[cash] tolerance` needs `manager` (a manager's PIN
        checked by the caller); without one nothing is stored and the error says so.
        """
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
        if manager is not None and not manager.is_manager:
            from pos.services import AuthError

            raise AuthError(_("{name} is not a manager.", name=manager.name))
        tolerance = counted_cents(self.settings.cash.tolerance)

        def work(s: Session) -> tuple[ShiftClose, int]:
            journal.lock_series(s, f"journal:{self.series}")
            opened = _open_shift(s, self.series)
            if opened is None:
                raise ValidationError("counted", N_("No shift is open on this terminal."))
            e = JournalEntry
            t = tally(s, e.series == self.series, e.seq >= opened.seq)
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
            entry = self._append(s, kind="shift_close", clerk=clerk.name,
                                 amount_cents=counted_total, method="cash",
                                 ref_ticket=opened.ticket,
                                 data=journal.canonical_json(_figures(t, **extra)))
            flow = t.cash
            result = ShiftClose(
                open_ticket=opened.ticket, entry=entry, float_amount=from_cents(flow.floats),
                cash_received=from_cents(flow.received), change_given=from_cents(flow.change),
                cash_voids=from_cents(flow.voids), payouts=from_cents(flow.payouts),
                payins=from_cents(flow.payins), expected=from_cents(flow.expected),
                counted=from_cents(counted_total), difference=from_cents(count.difference),
                result=count.kind, pieces=_pieces(pieces), authorised_by=approved,
                sales_count=t.sales_count, job_id=0, print_outcome=None)
            from pos.report_layout import shift_close_receipt

            job = self._enqueue(s, entry.ticket, "shift",
                                shift_close_receipt(self.settings, result, opened))
            return result, job

        result, job_id = self._write(work)
        if result.authorised_by:
            self.log_event("shift_difference", f"{result.entry.ticket}: {result.result} "
                           f"{result.difference} accepted by {result.authorised_by}")
        outcome = self.print_job(job_id) if print_now else None
        return replace(result, job_id=job_id, print_outcome=outcome)

    # -- cash movements ------------------------------------------------------------------

    def pay_out(self, clerk: ClerkView, amount: Decimal, reason: str, manager: ClerkView, *,
                print_now: bool = True) -> CashMovement:
        """Cash taken out of the drawer (retiro, gasto), authorised by a manager."""
        if not manager.is_manager:
            from pos.services import AuthError

            raise AuthError(_("{name} is not a manager.", name=manager.name))
        return self._cash_movement("pay_out", clerk, amount, reason, manager, print_now)

    def pay_in(self, clerk: ClerkView, amount: Decimal, reason: str, *,
               print_now: bool = True) -> CashMovement:
        """Cash put into the drawer during a shift (more change, a loan from the owner)."""
        return self._cash_movement("pay_in", clerk, amount, reason, None, print_now)

    def _cash_movement(self, kind: str, clerk: ClerkView, amount: Decimal, reason: str,
                       manager: ClerkView | None, print_now: bool) -> CashMovement:
        cents = counted_cents(amount, "amount")
        if cents == 0:
            raise ValidationError("amount", N_("Enter an amount, e.g. 20 or 20.50."))
        reason = clean_reason(reason, N_("Write the reason (3 letters or more)."))
        signed = -cents if kind == "pay_out" else cents

        def work(s: Session) -> tuple[JournalEntry, int]:
            journal.lock_series(s, f"journal:{self.series}")
            opened = require_shift(s, self.series, N_("moving cash"))
            if kind == "pay_out":
                e = JournalEntry
                available = tally(s, e.series == self.series, e.seq >= opened.seq).cash.expected
                if cents > available:
                    raise ValidationError("amount", N_("The drawer should hold only {amount}: "
                                                       "a larger pay-out is refused."),
                                          amount=format_money(available))
            data = {"shift": opened.ticket}
            if manager is not None:
                data["authorised_by"] = manager.name  # type: ignore[assignment]
            entry = self._append(s, kind=kind, clerk=clerk.name, amount_cents=signed,
                                 method="cash", reason=reason, ref_ticket=opened.ticket,
                                 data=journal.canonical_json(data))
            from pos.report_layout import cash_movement_receipt

            job = self._enqueue(s, entry.ticket, "cash",
                                cash_movement_receipt(self.settings, entry))
            return entry, job

        entry, job_id = self._write(work)
        outcome = self.print_job(job_id) if print_now else None
        return CashMovement(entry, from_cents(signed), reason, job_id, outcome)

    # -- X and Z -------------------------------------------------------------------------

    def _report(self, t: Tally, *, kind: str, series: str | None, day: date,
                z_number: int | None, grand: int, head: str, first: JournalEntry | None,
                last: JournalEntry | None, counted: int | None, entry: JournalEntry | None,
                heads: tuple[tuple[str, str], ...] = (),
                topups: tuple[Any, ...] = ()) -> DayReport:
        """The one place a report's figures are assembled from a tally."""
        flow = t.cash
        return DayReport(
            kind=kind, series=series, business_date=day,
            generated_at=self.clock().astimezone(self.tz), z_number=z_number,
            sales_count=t.sales_count, sales_total=from_cents(t.sales_cents),
            voids_count=t.voids_count, voids_total=from_cents(t.voids_cents),
            day_total=from_cents(t.day_cents), grand_total=from_cents(grand),
            by_operator=_group(t.by_operator, self.settings.operators),
            by_method=_group(t.by_method, self.settings.payments.methods),
            by_clerk=_group(t.by_clerk), float_amount=from_cents(flow.floats),
            cash_received=from_cents(flow.received), change_given=from_cents(flow.change),
            cash_voids=from_cents(flow.voids), expected_cash=from_cents(flow.expected),
            counted=_money(counted),
            difference=_money(None if counted is None else counted - flow.expected),
            chain_head=head[:16], entry=entry, job_id=None, print_outcome=None,
            payouts=from_cents(flow.payouts), payins=from_cents(flow.payins),
            shifts=t.shifts_opened,
            first_at=self._local(first), last_at=self._local(last),
            by_series=_group(t.by_series) if series is None else (), heads=heads,
            topups=topups)

    def _local(self, entry: JournalEntry | None) -> datetime | None:
        return None if entry is None else journal.parse_utc(entry.created_at).astimezone(self.tz)

    def _period_report(self, s: Session, kind: str) -> tuple[DayReport, Tally]:
        """The open period of this terminal (what its next Z closes)."""
        last_z, first_seq, newest_seq = _period_bounds(s, self.series)
        e = JournalEntry
        t = tally(s, e.series == self.series, e.seq >= first_seq)
        first = _entry_at(s, self.series, first_seq) if newest_seq >= first_seq else None
        last = _entry_at(s, self.series, newest_seq) if first is not None else None
        z_number = int(_data(last_z).get("z_number", 0)) + 1 if last_z else 1
        grand = _grand_total(s, self.series, last_z)
        report = self._report(
            t, kind=kind, series=self.series, day=self.clock().astimezone(self.tz).date(),
            z_number=z_number, grand=grand,
            head=last.hash if last else (last_z.hash if last_z else journal.GENESIS),
            first=first, last=last, counted=t.counted_or_none, entry=None,
            topups=_topup_figures(s, self.settings, e.series == self.series,
                                  e.seq >= first_seq))
        return report, t

    def _day_report(self, s: Session, day: date) -> DayReport:
        """One calendar date of this terminal."""
        e = JournalEntry
        on_day = (e.series == self.series, e.business_date == day.isoformat())
        t = tally(s, *on_day)
        last_z = s.exec(select(e).where(e.series == self.series, e.kind == "z",
                                        e.business_date <= day.isoformat())
                        .order_by(col(e.seq).desc()).limit(1)).first()
        grand = _grand_total(s, self.series, last_z, e.business_date <= day.isoformat())
        bounds = s.exec(select(func.min(e.seq), func.max(e.seq)).where(*on_day)).one()
        first = _entry_at(s, self.series, bounds[0]) if bounds[0] is not None else None
        last = _entry_at(s, self.series, bounds[1]) if bounds[1] is not None else None
        return self._report(t, kind="day", series=self.series, day=day, z_number=None,
                            grand=grand, head=_head_on(s, self.series, day), first=first,
                            last=last, counted=t.counted_or_none, entry=None,
                            topups=_topup_figures(s, self.settings, *on_day))

    def report_x(self, day: date | None = None, *, print_now: bool = False) -> DayReport:
        """The open period so far (or one calendar date) of this terminal; changes nothing."""
        with self._reader() as s:
            report = (self._period_report(s, "x")[0] if day is None
                      else self._day_report(s, day))
        if not print_now:
            return report
        from pos.report_layout import day_report_receipt

        receipt = day_report_receipt(self.settings, report)
        label = report.business_date.isoformat() if day else f"P{report.z_number}"
        job_id = self._write(lambda s: self._enqueue(s, f"X-{self.series}-{label}", "x",
                                                     receipt))
        return replace(report, job_id=job_id, print_outcome=self.print_job(job_id))

    def close_day(self, manager: ClerkView, counted: Decimal | None = None, *,
                  pieces: Mapping[int, int] | None = None,
                  print_now: bool = True) -> DayReport:
        """The Z: close this terminal's open period with a chained entry.

        With a shift still open, `counted` (or `pieces`) closes it first with that count.
        """
        from pos.services import AuthError

        if not manager.is_manager:
            raise AuthError(_("{name} is not a manager.", name=manager.name))
        with self._reader() as s:
            opened = _open_shift(s, self.series)
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
            journal.lock_series(s, f"journal:{self.series}")
            if _open_shift(s, self.series) is not None:
                raise ValidationError("counted", N_("A shift was opened meanwhile: close it "
                                                    "before the Z."))
            report, t = self._period_report(s, "z")
            if report.first_at is None:
                raise ValidationError("date", N_("Nothing to close: no entry since the last Z."))
            grand = _cents(report.grand_total)  # the last Z's figure plus this period
            counted_total = t.counted_or_none
            flow = t.cash
            entry = self._append(
                s, kind="z", clerk=manager.name, amount_cents=t.day_cents,
                data=journal.canonical_json(_figures(
                    t, z_number=report.z_number, grand_total=grand, counted=counted_total,
                    difference=None if counted_total is None else counted_total - flow.expected,
                    first_at=journal.utc_now_text(report.first_at),
                    last_at=journal.utc_now_text(report.last_at))))
            report = replace(report, grand_total=from_cents(grand), chain_head=entry.hash[:16],
                             entry=entry, business_date=date.fromisoformat(entry.business_date))
            from pos.report_layout import day_report_receipt

            job = self._enqueue(s, entry.ticket, "z", day_report_receipt(self.settings, report))
            return report, job

        report, job_id = self._write(work)
        self.log_event("z", f"{report.entry.ticket} closes period {report.z_number}")
        outcome = self.print_job(job_id) if print_now else None
        return replace(report, job_id=job_id, print_outcome=outcome)

    def shop_report(self, day: date) -> DayReport:
        """One calendar date across every terminal in the database."""
        e = JournalEntry
        with self._reader() as s:
            t = tally(s, e.business_date == day.isoformat())
            all_series = sorted(s.exec(select(e.series).distinct()).all())
            grand = 0
            heads: list[tuple[str, str]] = []
            for series in all_series:
                last_z = s.exec(select(e).where(e.series == series, e.kind == "z",
                                                e.business_date <= day.isoformat())
                                .order_by(col(e.seq).desc()).limit(1)).first()
                grand += _grand_total(s, series, last_z, e.business_date <= day.isoformat())
                heads.append((series, _head_on(s, series, day)[:16]))
            bounds = s.exec(select(func.min(e.created_at), func.max(e.created_at))
                            .where(e.business_date == day.isoformat())).one()
            topups = _topup_figures(s, self.settings, e.business_date == day.isoformat())
        joined = "\n".join(f"{series}:{head}" for series, head in heads).encode()
        report = self._report(t, kind="shop", series=None, day=day, z_number=None,
                              grand=grand, head=hashlib.sha256(joined).hexdigest(),
                              first=None, last=None, counted=t.counted_or_none, entry=None,
                              heads=tuple(heads), topups=topups)
        if bounds[0] is not None:
            report = replace(report,
                             first_at=journal.parse_utc(bounds[0]).astimezone(self.tz),
                             last_at=journal.parse_utc(bounds[1]).astimezone(self.tz))
        return report

    def report_lines(self, report: DayReport) -> list[str]:
        """The report as the paper shows it: the printer's bytes for it, decoded (the same
        bytes a print would send); plain text lines only if the printer's profile cannot
        render it."""
        from pos.ledger.errors import LedgerError
        from pos.report_layout import day_report_receipt, receipt_lines
        from receipts import decode

        receipt = day_report_receipt(self.settings, report)
        try:
            data = self.render(receipt)
        except LedgerError:
            return receipt_lines(receipt)
        return [line for slip in decode(data) for line in slip.lines]

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


RESULT_WORDS = {
    "surplus": N_("surplus"),
    "shortage": N_("shortage"),
    "exact": N_("balanced"),
}
