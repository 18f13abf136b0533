"""The figures of the journal for shifts, X/Z and day reports: grouped queries and look-ups.

Read by `pos.services.dayclose` (the rules are in its docstring) and by sales (an open shift
is required to move cash). Returns ledger rows and céntimos to services only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from pos.domain.cash import CashFlow
from pos.domain.errors import ValidationError
from pos.i18n import N_, _
from pos.ledger import journal
from pos.ledger.models import JournalEntry
from pos.ledger.tx import Tx, tx_of

MONEY_KINDS = ("sale", "void")
CASH_KINDS = ("pay_in", "pay_out")
SHIFT_KINDS = ("shift_open", "shift_close")
TALLY_KINDS = MONEY_KINDS + CASH_KINDS + SHIFT_KINDS


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


def data_of(entry: JournalEntry | None) -> dict[str, Any]:
    return json.loads(entry.data) if entry is not None and entry.data else {}


def latest(session: Session, series: str, kind: str) -> JournalEntry | None:
    """The terminal's last entry of one kind, through the (series, kind, seq) index."""
    e = JournalEntry
    return session.exec(select(e).where(e.series == series, e.kind == kind)
                        .order_by(col(e.seq).desc()).limit(1)).first()


def open_shift(session: Session, series: str) -> JournalEntry | None:
    # Two index look-ups, not "kind IN (...) ORDER BY seq": that one may walk the whole chain.
    opened = latest(session, series, "shift_open")
    if opened is None:
        return None
    closed = latest(session, series, "shift_close")
    return opened if closed is None or closed.seq < opened.seq else None


def entry_at(session: Session, series: str, seq: int) -> JournalEntry | None:
    e = JournalEntry
    return session.exec(select(e).where(e.series == series, e.seq == seq)).first()


def period_bounds(session: Session, series: str) -> tuple[JournalEntry | None, int, int]:
    """The terminal's last Z, the first sequence of the open period, and the newest one."""
    last_z = latest(session, series, "z")
    newest = journal.chain_head(session, series)
    return last_z, (last_z.seq + 1 if last_z else 1), (newest.seq if newest else 0)


def grand_total(session: Session, series: str, last_z: JournalEntry | None,
                *after: Any) -> int:
    """Perpetual total: the last Z's figure plus the money entries after it (and `after`)."""
    e = JournalEntry
    since = [e.series == series, col(e.kind).in_(MONEY_KINDS), *after]
    base = 0
    if last_z is not None:
        base = int(data_of(last_z).get("grand_total", 0))
        since.append(e.seq > last_z.seq)
    between = session.exec(select(func.coalesce(func.sum(e.amount_cents), 0)).where(*since)).one()  # type: ignore[arg-type]
    return base + int(between)


def last_z_on(session: Session, series: str, day: date) -> JournalEntry | None:
    """The terminal's last Z dated on or before `day`."""
    e = JournalEntry
    return session.exec(select(e).where(e.series == series, e.kind == "z",
                                        e.business_date <= day.isoformat())
                        .order_by(col(e.seq).desc()).limit(1)).first()


def head_on(session: Session, series: str, day: date) -> str:
    """Hash of the terminal's last entry dated on or before `day` (GENESIS if none)."""
    e = JournalEntry
    last = session.exec(
        select(e.hash).where(e.series == series, e.business_date <= day.isoformat())
        .order_by(col(e.seq).desc()).limit(1)).first()
    return last or journal.GENESIS


def has_entries(session: Session, series: str, day: date) -> bool:
    e = JournalEntry
    return session.exec(select(e.id).where(e.series == series,
                                           e.business_date == day.isoformat())
                        .limit(1)).first() is not None


_SHIFT_SEQS = (
    "SELECT (SELECT max(seq) FROM journal_entry WHERE series = :series AND kind = 'shift_open'),"
    " (SELECT max(seq) FROM journal_entry WHERE series = :series AND kind = 'shift_close')")


def check_shift(where: Session | Tx, series: str, what: str) -> None:
    """`require_shift` for the sell path: the same check and refusal, by two index look-ups
    in one query on the driver's cursor, without loading the shift's entry into the ORM."""
    found = tx_of(where).one(_SHIFT_SEQS, {"series": series})
    opened, closed = found if found is not None else (None, None)
    if opened is None or (closed is not None and closed > opened):
        raise _no_shift(what)


def require_shift(session: Session, series: str, what: str) -> JournalEntry:
    """The open shift that a cash movement belongs to; refuse the movement without one."""
    opened = open_shift(session, series)
    if opened is None:
        raise _no_shift(what)
    return opened


def _no_shift(what: str) -> ValidationError:
    return ValidationError("shift", N_("No shift is open on this terminal: open one first "
                                       "(pos shift open, or Ctrl+K in the app) before {what}."),
                           what=_(what))
