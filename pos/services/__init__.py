"""The use cases the TUI and the CLI share: the only door to the ledger and the printer.

This is the one wiring place. A `Terminal` (pos/services/terminal.py) is the unit of work;
the use cases are built on it as parts, with their adapters passed in:

    clerks    Clerks      add, retire, PINs, log in; THE manager check (clerks.py)
    printing  Printing    render, queue, print, reprint, previews, printer test (printing.py)
    sales     Sales       drafts, sell, void, lookups (sales.py)
    day       DayClose    shifts, pay-in/out, X/Z, shop report, export (dayclose.py)
    integrity Integrity   verify, backup, new ledger, accept, clock confirmation (integrity.py)
    topups    TopupDesk   top-ups through a distributor (pos/topup/service.py)

`Shop` is the composition root and the stable API: `Shop.open(settings, clock=...,
printer=...)` builds them, and its methods are one-line delegations. No logic lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pos.config import Settings
from pos.domain.entry import Entry, EntryView
# The field rules are re-exported here so that screens and commands need only this package.
from pos.domain.identity import (  # noqa: F401
    DocType,
    IdDocument,
    parse_doc_type,
    parse_document,
    parse_id_spec,
)
from pos.domain.money import format_money, from_cents, parse_amount, to_cents  # noqa: F401
from pos.domain.errors import ValidationError  # noqa: F401
from pos.domain.payment import (  # noqa: F401
    CardPayment,
    CashPayment,
    Method,
    Payment,
    WalletPayment,
    card,
    cash,
    parse_method,
    wallet,
)
from pos.domain.phone import Phone, group_phone, parse_phone  # noqa: F401
from pos.domain.results import (  # noqa: F401
    RESULT_WORDS,
    CashMovement,
    ClerkView,
    DayReport,
    PrinterTestResult,
    PrintJobView,
    PrintOutcome,
    SaleResult,
    ShiftClose,
    ShiftView,
)
from pos.domain.sale import Operator, SaleDraft, check_amount, find_operator, make_draft  # noqa: F401
from pos.ledger.errors import AuthError  # noqa: F401
from pos.services.clerks import Clerks, check_new_pin, require_manager  # noqa: F401
from pos.services.dayclose import DayClose
from pos.services.integrity import Integrity, retire_key_files
from pos.services.ports import Clock, Printer, ReceiptPrinter
from pos.services.printing import PRINTER_FAULTS, Printing, printer_fault_text  # noqa: F401
from pos.services.sales import Sales, check_request_id, request_digest  # noqa: F401
from pos.domain.ticket import normalise_ticket  # noqa: F401
from pos.services.terminal import Terminal
from pos.topup.service import TopupDesk

if TYPE_CHECKING:
    from receipts import Receipt
    from sqlalchemy.engine import Engine

    from pos.ledger import journal


class Shop:
    """One terminal's view of the shop: its settings, its ledger, its printer."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None,
                 printer: Printer | None = None) -> None:
        self.terminal = Terminal(settings, clock=clock)
        self.clerks_uc = Clerks(self.terminal)
        self.printing = Printing(self.terminal, printer or ReceiptPrinter(settings),
                                 lambda ticket: self.topups.status(ticket))
        self.sales = Sales(self.terminal, self.printing, lambda: self.topups)
        self.day = DayClose(self.terminal, self.printing)
        self.integrity = Integrity(self.terminal)
        self.topups = TopupDesk(self)

    @classmethod
    def open(cls, settings: Settings, *, clock: Clock | None = None,
             printer: Printer | None = None) -> Shop:
        """Open (and if new, create) the ledger; refuse anything that is not ours."""
        shop = cls(settings, clock=clock, printer=printer)
        shop._start()
        return shop

    @classmethod
    def new_ledger(cls, settings: Settings, *, clock: Clock | None = None,
                   printer: Printer | None = None) -> tuple[Shop, list[Path]]:
        """Start a new ledger where the old one is missing: its key and witnesses are kept,
        renamed `*.retired-<time>`, never deleted. Refused while the ledger exists."""
        shop = cls(settings, clock=clock, printer=printer)
        retired = retire_key_files(settings, shop.clock())
        shop._start()
        shop.log_event("ledger_new", "retired: " + ", ".join(p.name for p in retired)[:400])
        return shop, retired

    def _start(self) -> None:
        self.terminal.connect()
        self.clerks_uc.seal()
        # Written with this process's first chained write, in its transaction: a process that
        # only reads writes nothing (issue 12).
        self.terminal.start_detail = f"series {self.series}"

    def close(self) -> None:
        self.topups.close()  # issue 13: the top-up gateways' connections
        self.terminal.close()

    # -- the terminal ----------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self.terminal.settings

    @property
    def series(self) -> str:
        return self.terminal.series

    @property
    def tz(self) -> ZoneInfo:
        return self.terminal.tz

    @property
    def clock(self) -> Clock:
        return self.terminal.clock

    @property
    def engine(self) -> Engine:
        return self.terminal.engine

    @property
    def key(self) -> bytes:
        return self.terminal.key

    @property
    def integrity_problem(self) -> str | None:
        """Why this terminal refuses to sell (for the app's banner), or None."""
        return self.terminal.problem

    def _reader(self):  # noqa: ANN202 - tests and pos.topup read through it
        return self.terminal.reader()

    def _write(self, work: Callable[[Any], Any]) -> Any:
        return self.terminal.write(work)

    def today(self) -> date:
        return self.terminal.today()

    def log_event(self, kind: str, detail: str = "") -> None:
        self.terminal.log_event(kind, detail)

    def clock_problem(self) -> journal.ClockSuspect | None:
        return self.terminal.clock_problem()

    # -- clerks ----------------------------------------------------------------------------

    def has_clerks(self) -> bool:
        return self.clerks_uc.has_clerks()

    def clerks(self) -> list[ClerkView]:
        return self.clerks_uc.clerks()

    def add_clerk(self, name: str, role: str, pin: str, *,
                  by: ClerkView | None = None) -> ClerkView:
        return self.clerks_uc.add_clerk(name, role, pin, by=by)

    def deactivate_clerk(self, manager: ClerkView, name: str) -> ClerkView:
        return self.clerks_uc.deactivate_clerk(manager, name)

    def set_pin(self, name: str, pin: str, *, by: ClerkView) -> ClerkView:
        return self.clerks_uc.set_pin(name, pin, by=by)

    def authorise(self, name: str, pin: str, *, manager: bool = False,
                  act: str | None = None) -> ClerkView:
        return self.clerks_uc.authorise(name, pin, manager=manager, act=act)

    def login(self, name: str, pin: str, *, manager: bool = False) -> ClerkView:
        return self.clerks_uc.login(name, pin, manager=manager)

    # -- sales -----------------------------------------------------------------------------

    @property
    def operators(self) -> dict[str, Operator]:
        return self.sales.operators

    def build_draft(self, *, operator: str, phone: str, amount: str, method: str,
                    id_spec: str | None = None, tendered: str | None = None,
                    card_spec: str | None = None, op_number: str | None = None) -> SaleDraft:
        return self.sales.build_draft(operator=operator, phone=phone, amount=amount,
                                      method=method, id_spec=id_spec, tendered=tendered,
                                      card_spec=card_spec, op_number=op_number)

    def id_digest(self, document: IdDocument) -> str:
        return self.sales.id_digest(document)

    def sell(self, clerk: ClerkView, draft: SaleDraft, *, request_id: str | None = None,
             print_now: bool = True, hold_print: bool = False) -> SaleResult:
        return self.sales.sell(clerk, draft, request_id=request_id, print_now=print_now,
                               hold_print=hold_print)

    def void(self, ticket: str, reason: str, manager: ClerkView, *,
             request_id: str | None = None, print_now: bool = True,
             airtime: str | None = None) -> SaleResult:
        return self.sales.void(ticket, reason, manager, request_id=request_id,
                               print_now=print_now, airtime=airtime)

    def entry(self, ticket: str) -> Entry:
        return self.sales.entry(ticket)

    def view(self, ticket: str) -> EntryView:
        return self.sales.view(ticket)

    def history(self, *, day: date | None = None, phone: str | None = None,
                ticket: str | None = None, document: IdDocument | None = None,
                limit: int = 500) -> list[EntryView]:
        return self.sales.history(day=day, phone=phone, ticket=ticket, document=document,
                                  limit=limit)

    # -- printing --------------------------------------------------------------------------

    def render(self, receipt: Receipt, *, kick: bool = False) -> bytes:
        return self.printing.render(receipt, kick=kick)

    def print_job(self, job_id: int) -> PrintOutcome:
        return self.printing.print_job(job_id)

    def print_queue(self, *, pending_only: bool = True) -> list[PrintJobView]:
        return self.printing.print_queue(pending_only=pending_only)

    def retry_print_queue(self) -> list[PrintOutcome]:
        return self.printing.retry_print_queue()

    def job_bytes(self, job_id: int) -> bytes:
        return self.printing.job_bytes(job_id)

    def receipt_bytes(self, ticket: str) -> bytes:
        return self.printing.receipt_bytes(ticket)

    def reprint(self, ticket: str, *, print_now: bool = True) -> PrintOutcome:
        return self.printing.reprint(ticket, print_now=print_now)

    def printer_test(self) -> PrinterTestResult:
        return self.printing.printer_test()

    # -- day close -------------------------------------------------------------------------

    def current_shift(self) -> ShiftView | None:
        return self.day.current_shift()

    def open_shift(self, clerk: ClerkView, float_amount: Decimal, *,
                   print_now: bool = True) -> ShiftView:
        return self.day.open_shift(clerk, float_amount, print_now=print_now)

    def shift_expected(self) -> Decimal:
        return self.day.shift_expected()

    def close_shift(self, clerk: ClerkView, counted: Decimal | None = None, *,
                    pieces: dict[int, int] | None = None, manager: ClerkView | None = None,
                    print_now: bool = True) -> ShiftClose:
        return self.day.close_shift(clerk, counted, pieces=pieces, manager=manager,
                                    print_now=print_now)

    def pay_out(self, clerk: ClerkView, amount: Decimal, reason: str, manager: ClerkView, *,
                print_now: bool = True) -> CashMovement:
        return self.day.pay_out(clerk, amount, reason, manager, print_now=print_now)

    def pay_in(self, clerk: ClerkView, amount: Decimal, reason: str, *,
               print_now: bool = True) -> CashMovement:
        return self.day.pay_in(clerk, amount, reason, print_now=print_now)

    def report_x(self, day: date | None = None, *, print_now: bool = False) -> DayReport:
        return self.day.report_x(day, print_now=print_now)

    def close_day(self, manager: ClerkView, counted: Decimal | None = None, *,
                  pieces: dict[int, int] | None = None, print_now: bool = True) -> DayReport:
        return self.day.close_day(manager, counted, pieces=pieces, print_now=print_now)

    def shop_report(self, day: date) -> DayReport:
        return self.day.shop_report(day)

    def report_lines(self, report: DayReport) -> list[str]:
        return self.day.report_lines(report)

    def own_files(self) -> list[Path]:
        return self.day.own_files()

    def export(self, start: date, end: date, fmt: str, output: Path,
               progress: Callable[[int], None] | None = None, *, headers: str = "label",
               dialect: str = "standard", force: bool = False) -> int:
        return self.day.export(start, end, fmt, output, progress, headers=headers,
                               dialect=dialect, force=force)

    # -- integrity -------------------------------------------------------------------------

    def verify(self, progress: Callable[[int], None] | None = None) -> journal.VerifyResult:
        return self.integrity.verify(progress)

    def find_z(self, code: str) -> Entry:
        return self.integrity.find_z(code)

    def backup(self, output: Path, *, force: bool = False) -> list[Path]:
        return self.integrity.backup(output, force=force)

    def accept_ledger(self, manager: ClerkView, reason: str) -> str:
        return self.integrity.accept_ledger(manager, reason)

    def confirm_clock(self, manager: ClerkView) -> datetime:
        return self.integrity.confirm_clock(manager)
