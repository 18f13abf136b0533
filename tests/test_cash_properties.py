"""Property test (issue 9): random shifts, sales, voids, pay-ins/outs, X and Z on a real SQLite
ledger keep one cash arithmetic everywhere.

A small model of each terminal (what the drawer should hold, the open period, each calendar
date) is driven alongside the real Shop; after every step the X agrees with its shifts, every
Z with the shifts and sales of its period, and at the end every calendar date's reports agree
with each other (one terminal: report_x(day) == shop_report(day); two terminals sharing one
SQLite file: shop_report(day) == Σ report_x(day)). Refused operations store nothing.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from pos.domain.errors import ValidationError
from pos.ledger.models import JournalEntry
from pos.services import ClerkView
from tests.conftest import BASE_CONFIG, Clock, merge, new_shop

JUAN = ClerkView("Juan", "clerk")
ROSA = ClerkView("Rosa", "manager")
TOLERANCE = 200  # [cash] tolerance default, céntimos
# Lima 2026-11-25 23:40: a late evening, so the random walk often crosses midnight.
START = datetime(2026, 11, 26, 4, 40, tzinfo=UTC)
MAX_MINUTES = 24 * 60  # all ops within two calendar dates (Lima), well under the clock jump


def soles(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def cents(amount: Decimal) -> int:
    return int(amount * 100)


@dataclass
class Figures:
    """Sales, voids and cash of a set of entries (céntimos), as the model sees them."""

    sales_count: int = 0
    sales: int = 0
    voids_count: int = 0
    voids: int = 0  # negative
    floats: int = 0
    received: int = 0
    change: int = 0
    cash_voids: int = 0  # positive: cash handed back
    payouts: int = 0
    payins: int = 0
    counted: int = 0
    shifts_closed: int = 0

    @property
    def expected(self) -> int:
        return (self.floats + self.received - self.change - self.cash_voids - self.payouts
                + self.payins)

    def add(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f) + getattr(other, f)
                         for f in self.__dataclass_fields__))


@dataclass
class Terminal:
    shop: Any
    shift: Figures | None = None  # the open shift's drawer
    closed_expected: list[int] = field(default_factory=list)  # shifts closed in the period
    closed_counted: list[int] = field(default_factory=list)
    period: Figures = field(default_factory=Figures)
    z_number: int = 0
    grand: int = 0
    days: dict[date, Figures] = field(default_factory=dict)
    dirty: bool = False  # wrote an entry since its last Z

    def day(self, on: date) -> Figures:
        return self.days.setdefault(on, Figures())


def journal_count(shop: Any) -> int:
    with Session(shop.engine) as s:
        return int(s.exec(select(func.count()).select_from(JournalEntry)).one())


OPS = st.one_of(
    st.tuples(st.just("open"), st.integers(0, 20000)),
    st.tuples(st.just("cash"), st.integers(300, 30000), st.integers(0, 5000)),
    st.tuples(st.just("card"), st.integers(3, 300)),
    st.tuples(st.just("yape"), st.integers(3, 300)),
    st.tuples(st.just("void"), st.integers(0, 10_000)),
    st.tuples(st.just("pay_in"), st.integers(1, 10000)),
    st.tuples(st.just("pay_out"), st.integers(1, 20000), st.booleans()),
    st.tuples(st.just("close"), st.integers(-1500, 1500), st.booleans()),
    st.just(("x",)),
    st.tuples(st.just("z"), st.integers(-300, 300)),
    st.tuples(st.just("wait"), st.integers(1, 180)),
)


# (terminal index, operation, float to open a shift with first if none is open (0: don't),
# minutes the clock moves before it)
Op = tuple[int, tuple[Any, ...], int, int]
WAITS = st.sampled_from((0, 0, 0, 1, 7, 45, 150))
NEEDS_SHIFT = ("cash", "card", "yape", "pay_in", "pay_out", "close")


class Run:
    """One example: a fresh ledger in a temporary directory, one or two terminals."""

    def __init__(self, root: Path, terminals: int) -> None:
        self.clock = Clock(START)
        self.elapsed = 0
        self.sales: list[tuple[str, str, int, bool]] = []  # ticket, method, cents, voided
        first = new_shop(self._settings(root, "R001"), self.clock)
        self.terminals = [Terminal(first)]
        if terminals == 2:
            from pos.services import Shop

            self.terminals.append(Terminal(Shop.open(self._settings(root, "R002"),
                                                     clock=self.clock)))

    @staticmethod
    def _settings(root: Path, series: str) -> Any:
        from pos.config import parse_settings

        return parse_settings(merge(BASE_CONFIG, {"shop": {"series": series}}),
                              str(root / "config.toml"), root)

    def close(self) -> None:
        for t in self.terminals:
            t.shop.close()

    def refused(self, t: Terminal, action: Any) -> None:
        event("refused")
        before = journal_count(t.shop)
        try:
            action()
        except ValidationError:
            pass
        else:
            raise AssertionError("the shop accepted what it must refuse")
        assert journal_count(t.shop) == before

    # -- one step --------------------------------------------------------------------------

    def step(self, t: Terminal, op: tuple[Any, ...], auto_open: int = 0) -> None:
        shop, kind = t.shop, op[0]
        if auto_open and t.shift is None and kind in NEEDS_SHIFT:
            self.step(t, ("open", auto_open * 2500))  # as the app offers: open one first
        event(f"op {kind}")
        today = shop.today()
        if kind == "wait":
            minutes = min(op[1], MAX_MINUTES - self.elapsed)
            self.elapsed += minutes
            self.clock.now += timedelta(minutes=minutes)
        elif kind == "open":
            if t.shift is not None:
                self.refused(t, lambda: shop.open_shift(JUAN, soles(op[1]), print_now=False))
                return
            shop.open_shift(JUAN, soles(op[1]), print_now=False)
            t.shift = Figures(floats=op[1])
            t.dirty = True
            for figs in (t.period, t.day(today)):
                figs.floats += op[1]
        elif kind in ("cash", "card", "yape"):
            amount = op[1] if kind == "cash" else op[1] * 100
            extra: dict[str, Any] = ({"tendered": str(soles(amount + op[2]))} if kind == "cash"
                                     else {"card_spec": "visa:4242:A1B2C3"} if kind == "card"
                                     else {"op_number": "12345678"})
            draft = shop.build_draft(operator="claro", phone="987654321",
                                     amount=str(soles(amount)), method=kind,
                                     id_spec="dni:12345678", **extra)
            if t.shift is None:
                self.refused(t, lambda: shop.sell(JUAN, draft, print_now=False))
                return
            sale = shop.sell(JUAN, draft, print_now=False)
            assert sale.entry.business_date == today.isoformat()
            self.sales.append((sale.entry.ticket, kind, amount, False))
            t.grand += amount
            t.dirty = True
            for figs in (t.period, t.day(today), t.shift):
                figs.sales_count += 1
                figs.sales += amount
                if kind == "cash":
                    figs.received += amount + op[2]
                    figs.change += op[2]
        elif kind == "void":
            open_sales = [i for i, s in enumerate(self.sales) if not s[3]]
            if not open_sales:
                return
            index = open_sales[op[1] % len(open_sales)]
            ticket, method, amount, _ = self.sales[index]
            if method == "cash" and t.shift is None:
                self.refused(t, lambda: shop.void(ticket, "wrong number", ROSA,
                                                  print_now=False))
                return
            void = shop.void(ticket, "wrong number", ROSA, print_now=False)
            assert void.entry.amount_cents == -amount and void.entry.series == shop.series
            self.sales[index] = (ticket, method, amount, True)
            t.grand -= amount
            t.dirty = True
            touched = [t.period, t.day(today)] + ([t.shift] if t.shift is not None else [])
            for figs in touched:
                figs.voids_count += 1
                figs.voids -= amount
                if method == "cash":
                    figs.cash_voids += amount
        elif kind in ("pay_in", "pay_out"):
            amount = op[1]
            if kind == "pay_out" and op[2] and t.shift is not None and t.shift.expected > 0:
                amount = t.shift.expected  # exactly what the drawer holds: allowed

            def move() -> Any:
                if kind == "pay_in":
                    return shop.pay_in(JUAN, soles(amount), "sencillo", print_now=False)
                return shop.pay_out(JUAN, soles(amount), "compra de bolsas", ROSA,
                                    print_now=False)

            if t.shift is None or (kind == "pay_out" and amount > t.shift.expected):
                self.refused(t, move)
                return
            move()
            t.dirty = True
            for figs in (t.period, t.day(today), t.shift):
                if kind == "pay_in":
                    figs.payins += amount
                else:
                    figs.payouts += amount
        elif kind == "close":
            if t.shift is None:
                self.refused(t, lambda: shop.close_shift(JUAN, Decimal(0), print_now=False))
                return
            self.close_shift(t, op[1], manager=op[2])
        elif kind == "x":
            self.check_x(t)
        elif kind == "z":
            self.z(t, op[1])

    def close_shift(self, t: Terminal, delta: int, *, manager: bool) -> None:
        shop, shift = t.shop, t.shift
        assert shift is not None
        assert shop.shift_expected() == soles(shift.expected)
        counted = max(0, shift.expected + delta)
        beyond = abs(counted - shift.expected) > TOLERANCE
        if beyond and not manager:
            self.refused(t, lambda: shop.close_shift(JUAN, soles(counted), print_now=False))
            assert shop.current_shift() is not None
        closed = shop.close_shift(JUAN, soles(counted), manager=ROSA if beyond else None,
                                  print_now=False)
        self.after_close(t, closed, counted, shop.today())

    def after_close(self, t: Terminal, closed: Any, counted: int, today: date) -> None:
        shift = t.shift
        assert shift is not None
        assert closed.expected == soles(shift.expected)
        assert closed.float_amount == soles(shift.floats)
        assert closed.cash_voids == soles(shift.cash_voids)
        assert (closed.payouts, closed.payins) == (soles(shift.payouts), soles(shift.payins))
        assert closed.counted == soles(counted)
        assert closed.difference == closed.counted - closed.expected
        assert closed.sales_count == shift.sales_count
        assert closed.entry.business_date == today.isoformat()
        t.closed_expected.append(cents(closed.expected))
        t.closed_counted.append(counted)
        for figs in (t.period, t.day(today)):
            figs.counted += counted
            figs.shifts_closed += 1
        t.shift = None

    def check_x(self, t: Terminal) -> None:
        shop = t.shop
        x = shop.report_x()
        open_part = cents(shop.shift_expected()) if t.shift is not None else 0
        if t.shift is not None:
            assert open_part == t.shift.expected
        assert x.kind == "x" and x.z_number == t.z_number + 1
        assert x.expected_cash == soles(sum(t.closed_expected) + open_part)
        assert x.expected_cash == soles(t.period.expected)
        assert x.counted == (soles(sum(t.closed_counted)) if t.closed_counted else None)
        assert (x.sales_count, x.sales_total) == (t.period.sales_count, soles(t.period.sales))
        assert (x.voids_count, x.voids_total) == (t.period.voids_count, soles(t.period.voids))
        assert x.day_total == soles(t.period.sales + t.period.voids)
        assert x.grand_total == soles(t.grand)

    def z(self, t: Terminal, delta: int) -> None:
        shop = t.shop
        today = shop.today()
        if not t.dirty:
            self.refused(t, lambda: shop.close_day(ROSA, print_now=False))
            return
        if t.shift is not None:
            self.refused(t, lambda: shop.close_day(ROSA, print_now=False))
            counted = max(0, t.shift.expected + delta)
            z = shop.close_day(ROSA, soles(counted), print_now=False)
            t.closed_expected.append(t.shift.expected)
            t.closed_counted.append(counted)
            for figs in (t.period, t.day(today)):
                figs.counted += counted
                figs.shifts_closed += 1
            t.shift = None
        else:
            self.refused(t, lambda: shop.close_day(ROSA, Decimal(1), print_now=False))
            z = shop.close_day(ROSA, print_now=False)
        t.z_number += 1
        event(f"z stored, counted={z.counted is not None}")
        assert z.kind == "z" and z.z_number == t.z_number
        assert z.business_date == today
        assert z.expected_cash == soles(sum(t.closed_expected)) == soles(t.period.expected)
        if t.closed_counted:
            assert z.counted == soles(sum(t.closed_counted))
            assert z.difference == z.counted - z.expected_cash
        else:
            assert z.counted is None and z.difference is None
        assert (z.sales_count, z.sales_total) == (t.period.sales_count, soles(t.period.sales))
        assert (z.voids_count, z.voids_total) == (t.period.voids_count, soles(t.period.voids))
        assert z.day_total == soles(t.period.sales + t.period.voids)
        assert z.grand_total == soles(t.grand)
        t.closed_expected, t.closed_counted, t.period = [], [], Figures()
        t.dirty = False

    # -- the calendar dates ----------------------------------------------------------------

    def check_days(self) -> None:
        days = sorted({d for t in self.terminals for d in t.days})
        for day in days:
            per_terminal = []
            for t in self.terminals:
                report = t.shop.report_x(day)
                figs = t.days.get(day, Figures())
                assert report.kind == "day" and report.business_date == day
                self.same(report, figs)
                grand = sum(f.sales + f.voids for d, f in t.days.items() if d <= day)
                assert report.grand_total == soles(grand)
                per_terminal.append(report)
            whole = self.terminals[0].shop.shop_report(day)
            assert whole.kind == "shop" and whole.series is None
            total = Figures()
            for t in self.terminals:
                total = total.add(t.days.get(day, Figures()))
            self.same(whole, total)
            for name in ("sales_count", "sales_total", "voids_count", "voids_total",
                         "day_total", "grand_total", "float_amount", "cash_received",
                         "change_given", "cash_voids", "payouts", "payins", "expected_cash",
                         "shifts"):
                assert getattr(whole, name) == sum(getattr(r, name) for r in per_terminal), name
            counts = [r.counted for r in per_terminal if r.counted is not None]
            assert whole.counted == (sum(counts) if counts else None)
            if len(self.terminals) == 1:
                assert whole.difference == per_terminal[0].difference
            assert {s for s, _n, _t in whole.by_series} <= {t.shop.series for t in
                                                            self.terminals}

    @staticmethod
    def same(report: Any, figs: Figures) -> None:
        assert (report.sales_count, report.sales_total) == (figs.sales_count, soles(figs.sales))
        assert (report.voids_count, report.voids_total) == (figs.voids_count, soles(figs.voids))
        assert report.day_total == soles(figs.sales + figs.voids)
        assert report.float_amount == soles(figs.floats)
        assert report.cash_received == soles(figs.received)
        assert report.change_given == soles(figs.change)
        assert report.cash_voids == soles(figs.cash_voids)
        assert (report.payouts, report.payins) == (soles(figs.payouts), soles(figs.payins))
        assert report.expected_cash == soles(figs.expected)
        if figs.shifts_closed:
            assert report.counted == soles(figs.counted)
            assert report.difference == report.counted - report.expected_cash
        else:
            assert report.counted is None


def run(ops: list[Op], terminals: int) -> None:
    with tempfile.TemporaryDirectory() as root:
        state = Run(Path(root), terminals)
        try:
            for terminal, op, auto_open, minutes in ops:
                t = state.terminals[terminal % terminals]
                if minutes:
                    state.step(t, ("wait", minutes))
                state.step(t, op, auto_open)
                if op[0] != "x" and t.shift is not None:
                    assert t.shop.shift_expected() == soles(t.shift.expected)
            for t in state.terminals:
                state.check_x(t)
            state.check_days()
            for t in state.terminals:  # close what is open: the last Z still adds up
                if t.dirty:
                    state.z(t, 0)
            state.check_days()
            event(f"dates {len({d for t in state.terminals for d in t.days})}")
            result = state.terminals[0].shop.verify()
            assert result.entries >= len(state.sales)
        finally:
            state.close()


SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@SETTINGS
@given(ops=st.lists(st.tuples(st.just(0), OPS, st.integers(0, 4), WAITS), min_size=3,
                    max_size=50))
def test_one_terminal_keeps_one_cash_arithmetic(ops: list[Op]) -> None:
    run(ops, 1)


@SETTINGS
@given(ops=st.lists(st.tuples(st.integers(0, 1), OPS, st.integers(0, 4), WAITS), min_size=3,
                    max_size=50))
def test_two_terminals_add_up_to_the_shop_report(ops: list[Op]) -> None:
    run(ops, 2)
