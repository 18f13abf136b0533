"""What the use cases answer: plain, immutable values (no ledger row inside).

Screens and the command line read these; `pos.services` builds them. Amounts are Decimal
soles, times aware datetimes on the shop's clock, entries `pos.domain.entry.Entry` values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pos.domain.cash import CountResult
from pos.domain.entry import Entry
from pos.domain.money import to_cents
from pos.i18n import N_

Group = tuple[tuple[str, int, Decimal], ...]  # (name, sales, net total)

# The words for a drawer count's result, as the clerk reads them.
RESULT_WORDS = {
    "surplus": N_("surplus"),
    "shortage": N_("shortage"),
    "exact": N_("balanced"),
}


@dataclass(frozen=True)
class ClerkView:
    name: str
    role: str

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


@dataclass(frozen=True)
class PrintOutcome:
    job_id: int
    ticket: str
    printed: bool  # the printer took it and (where it can answer) confirmed its status
    error: str | None = None
    copy: bool = False  # sent as a COPIA: the original may already be on paper
    unconfirmed: bool = False  # it may be on paper: check it; R prints a copy
    skipped: bool = False  # another process holds the job (or it was no longer waiting)


@dataclass(frozen=True)
class PrinterTestResult:
    """What `pos printer test` reports: sent (and confirmed where the printer can answer)."""

    printed: bool
    status: str | None  # the status answer in words, or why there is none
    error: str | None  # for the clerk, in their language
    detail: str  # for the owner
    data: bytes  # the test page's ESC/POS bytes


@dataclass(frozen=True)
class PrintJobView:
    """A receipt in the print queue (its bytes left out)."""

    id: int
    series: str
    ticket: str
    kind: str
    status: str
    attempts: int
    last_error: str | None
    created_at: str
    printed_at: str | None


@dataclass(frozen=True)
class SaleResult:
    """A committed sale (or void) and the state of its receipt."""

    entry: Entry
    job_id: int
    change: Decimal
    duplicate: bool = False  # the same request was already committed: nothing new was stored
    print_outcome: PrintOutcome | None = None
    topup: Any = None  # issue 13: pos.topup.service.Outcome of the send, None if record-only

    @property
    def ticket(self) -> str:
        return self.entry.ticket


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
    entry: Entry
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

    entry: Entry
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
    entry: Entry | None  # the Z entry
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
    chain_code: str | None = None  # a Z's printed chain code (`pos verify --z-code`)

    @property
    def result(self) -> str | None:
        """surplus | shortage | exact, once the drawer was counted."""
        if self.counted is None:
            return None
        return CountResult(to_cents(self.expected_cash), to_cents(self.counted)).kind
