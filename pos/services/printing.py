"""Printing: rendering slips, the print queue, sending to the printer, reprints, previews.

A receipt is queued in the same transaction as its entry (`enqueue`), then claimed and sent
(`print_job`): a job that may already be on paper is printed again only as a COPIA, and the
queue's stored bytes carry a MAC so altered ones are never printed. The printer is a port
(`pos.services.ports.Printer`): the configured one by default, a fake in tests.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select as core_select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import defer
from sqlmodel import Session, SQLModel, col, select

from receipts import PrinterError, Receipt, copy_banner, decode, render, test_page
from receipts.render import WidthError, layout

from pos import slips
from pos.domain.entry import Entry
from pos.domain.errors import ValidationError
from pos.domain.results import PrinterTestResult, PrintJobView, PrintOutcome
from pos.i18n import N_, _
from pos.ledger import journal, print_queue
from pos.ledger.errors import LedgerError
from pos.ledger.models import JournalEntry, PrintJob
from pos.ledger.tx import Tx
from pos.services.ports import Printer
from pos.services.terminal import Terminal, db_reason, find_row
from pos.topup.service import sale_topup

if TYPE_CHECKING:
    from pos.topup.service import TopupStatus

_PRINT_JOB_TABLE = SQLModel.metadata.tables["print_job"]

PRINTER_FAULTS = {
    "unwritable": N_("the printer's file or device cannot be written"),
    "unavailable": N_("the printer is not connected (device not found)"),
    "refused": N_("the network printer refused the connection (off or wrong address?)"),
    "timeout": N_("the printer did not answer in time (off, out of paper or busy?)"),
    "disconnected": N_("the printer was disconnected while printing"),
    "unreachable": N_("the network printer cannot be reached (check the cable or Wi-Fi)"),
    "no_answer": N_("the printer did not confirm the receipt (no status answer)"),
    "offline": N_("the printer is offline"),
    "cover_open": N_("the printer's cover is open"),
    "paper_end": N_("the printer is out of paper"),
    "error": N_("the printer reports an error (paper jam or cutter?)"),
}


def printer_fault_text(reason: str, unconfirmed: bool = False) -> str:
    """A printer fault in the clerk's language; for a receipt that may be on paper anyway,
    with what to do about it."""
    msgid = PRINTER_FAULTS.get(reason)
    text = _(msgid) if msgid else _("printer fault ({reason})", reason=reason)
    if unconfirmed:
        return _("{fault}: check the paper; if the receipt did not come out, reprint a copy "
                 "(R)", fault=text)
    return text


def _altered(ticket: str) -> LedgerError:
    return LedgerError(_("The receipt bytes of {ticket} in the print queue were altered; they "
                         "were not printed (R prints a copy from the ledger).", ticket=ticket))


@dataclass(frozen=True)
class Held:
    """A job this process claimed in the transaction that queued it, to print right away:
    its claim token and the bytes stored with it (no second read, no second claim)."""

    token: str
    ticket: str
    kind: str
    data: bytes
    since: float = field(default_factory=time.monotonic)  # when the claim was taken


class Printing:
    """The terminal's receipts: render, queue, print, reprint, preview."""

    def __init__(self, terminal: Terminal, printer: Printer,
                 topup_status: Callable[[str], TopupStatus]) -> None:
        self.terminal = terminal
        self.printer = printer
        self.topup_status = topup_status  # a sent top-up's state, printed on its receipt
        # Jobs claimed by this process in their own sale's transaction, waiting for the print
        # worker (`hold`, then `print_job`). Lost with the process: the claim goes stale and
        # the job becomes 'unconfirmed' (a COPIA), never a second original.
        self._held: dict[int, Held] = {}

    # -- rendering -----------------------------------------------------------------------

    def render(self, receipt: Receipt, *, kick: bool = False) -> bytes:
        """ESC/POS bytes for the configured printer; LedgerError if its profile is unknown."""

        printer = self.terminal.settings.printer
        try:
            return render(receipt, width=printer.width, profile=printer.profile,
                          kick_drawer=kick and printer.cash_drawer)
        except WidthError as exc:
            raise LedgerError(_("[printer] width {width} does not fit profile '{profile}' "
                                "(its fonts print {columns} columns): fix config.toml.",
                                width=exc.width, profile=exc.profile,
                                columns=" / ".join(map(str, exc.columns)))) from None
        except ValueError as exc:
            if "profile" in str(exc):
                raise LedgerError(_("Unknown printer profile '{profile}': fix [printer] "
                                    "profile in config.toml.", profile=printer.profile)) from None
            raise

    def entry_receipt(self, s: Session, row: JournalEntry, *, copy: bool = False) -> Receipt:
        """The slip of a sale or a void; a ValidationError for entries that have none."""
        settings, entry = self.terminal.settings, self.terminal.entry(row)
        if row.kind == "sale":
            status = self.topup_status(row.ticket) if sale_topup(row) is not None else None
            return slips.sale_receipt(settings, entry, copy=copy, topup=status)
        if row.kind == "void":
            original = s.exec(select(JournalEntry)
                              .where(JournalEntry.ticket == (row.ref_ticket or ""))).first()
            if original is None:
                raise ValidationError("ticket", N_("Ticket {ticket} does not exist."),
                                      ticket=row.ref_ticket or "")
            if "topup_refund" in entry.figures:  # issue 13: a failed top-up's refund
                return slips.refund_slip(settings, entry, self.terminal.entry(original),
                                         copy=copy)
            return slips.void_receipt(settings, entry, self.terminal.entry(original), copy=copy)
        raise ValidationError("ticket", N_("Ticket {ticket} has no receipt to reprint."),
                              ticket=row.ticket)

    def receipt_bytes(self, ticket: str) -> bytes:
        """The ESC/POS bytes of a sale's or void's receipt, for the on-screen preview: its
        first print job's bytes (rendered from the journal if never printed), else a fresh
        render from the journal entry. Nothing is queued or printed."""
        with self.terminal.reader() as s:
            row = find_row(s, ticket)
            job = s.exec(select(PrintJob).where(PrintJob.ticket == row.ticket,
                                                col(PrintJob.kind).in_(("sale", "void")))
                         .order_by(col(PrintJob.id))).first()
            if job is not None:
                return self._job_data(s, job)
            # No sale/void job: a sale never queued, or an entry without a slip (which raises).
            return self.render(self.entry_receipt(s, row))

    # -- the queue -----------------------------------------------------------------------

    def enqueue(self, s: Session | Tx, ticket: str, kind: str, receipt: Receipt | None) -> int:
        """Queue a receipt inside the caller's transaction; its job id.

        `receipt=None` queues the ticket only: its bytes are rendered from the journal entry
        when first printed or previewed (`job_bytes`). Stored bytes carry a MAC with the
        ledger key (pos/ledger/print_queue.py).
        """
        data, status, error = None, "pending", None
        if receipt is not None:
            try:
                data = self.render(receipt)
            except LedgerError as exc:
                # A wrong [printer] profile must not stop a shift, a void or a Z: the slip is
                # kept, rendered for the generic profile, and waits in the queue as failed.

                data = render(receipt)
                status, error = "failed", str(exc)[:300]
        return self._insert_job(s, ticket, kind, data, status, error)[0]

    def queue(self, s: Session | Tx, ticket: str, kind: str, data: bytes, *,
              claim: bool) -> tuple[int, Held | None]:
        """Queue rendered bytes inside the caller's transaction; with `claim`, already claimed
        by this process (status 'sending'), so that the durable commit of the entry holds the
        claim too and printing it needs no other durable write (`print_held`)."""
        return self._insert_job(s, ticket, kind, data, "pending", None, claim=claim)

    def _insert_job(self, s: Session | Tx, ticket: str, kind: str, data: bytes | None, status: str,
                    error: str | None, *, claim: bool = False) -> tuple[int, Held | None]:
        terminal = self.terminal
        now = journal.utc_now_text(terminal.clock())
        token = secrets.token_hex(16) if claim and data is not None else None
        job_id = print_queue.insert_job(
            s, {"series": terminal.series, "ticket": ticket, "kind": kind, "data": data,
                "mac": None if data is None else print_queue.job_mac(
                    terminal.key, terminal.series, ticket, kind, data),
                "status": "sending" if token else status, "attempts": 1 if token else 0,
                "claim": token, "claimed_at": now if token else None,
                "last_error": error, "created_at": now})
        held = Held(token, ticket, kind, data) if token and data is not None else None
        return job_id, held

    def sale_bytes(self, entry: Entry) -> bytes | None:
        """A new sale's receipt bytes, rendered once from its entry inside its own transaction
        (the preview and the printer share them); None when they must wait: a top-up's receipt
        shows the top-up's outcome, and a wrong printer profile is reported when the job is
        printed."""
        if entry.kind != "sale" or sale_topup(entry) is not None:
            return None
        try:
            receipt = slips.sale_receipt(self.terminal.settings, entry)
            return self.render(receipt, kick=entry.method == "cash")
        except LedgerError:
            return None

    def hold(self, job_id: int, held: Held | None) -> None:
        """Keep a claimed job for this process's print worker (`print_job`)."""
        if held is not None:
            self._held[job_id] = held

    def print_job(self, job_id: int) -> PrintOutcome:
        """Claim one queued receipt, send it and wait for the printer to confirm it.

        Never raises. A job another process holds is skipped; a job that may already be on
        paper (unconfirmed, or left 'sending' by a crash) is printed only as a COPIA. A job
        this process claimed when it queued it (`hold`) is sent without a new claim.
        """
        held = self._held.pop(job_id, None)
        if held is not None:
            return self.print_held(job_id, held)
        terminal = self.terminal
        try:
            with terminal.reader() as s:
                job = s.get(PrintJob, job_id)
                if job is None:
                    raise LedgerError(_("No print job {job}.", job=job_id))
        except LedgerError as exc:
            return PrintOutcome(job_id, "", False, str(exc))
        except SQLAlchemyError as exc:
            # Called right after a sale committed: the sale is kept, so report the receipt as
            # waiting in the queue instead of failing the sale the clerk was paid for.
            return PrintOutcome(job_id, "", False, db_reason(exc))
        ticket, prior = job.ticket, job.status
        if prior not in print_queue.WAITING:
            return PrintOutcome(job_id, ticket, prior == "printed", None, skipped=True)
        copy = prior == "unconfirmed"
        try:
            # A retry's claim is durable: were it lost, the job would read 'pending' again
            # and could print as an original twice.
            token = terminal.write_tx(lambda tx: print_queue.claim(tx, job_id, prior,
                                                                   terminal.clock()))
        except LedgerError as exc:
            return PrintOutcome(job_id, ticket, False, str(exc))
        if token is None:  # another process took it first: it is theirs to print
            return PrintOutcome(job_id, ticket, False, None, skipped=True)

        store: bytes | None = None
        try:
            data, store = self._bytes_to_send(job, copy)
        except LedgerError as exc:  # an unknown profile, altered bytes: the sale still stands
            status = "unconfirmed" if copy else "failed"
            self._finish_job(job_id, token, ticket, status, str(exc), "")
            return PrintOutcome(job_id, ticket, False, str(exc), copy=copy)
        except SQLAlchemyError as exc:
            status = "unconfirmed" if copy else "failed"
            self._finish_job(job_id, token, ticket, status, db_reason(exc), "")
            return PrintOutcome(job_id, ticket, False, db_reason(exc), copy=copy)
        return self._send(job_id, token, ticket, job.kind, data, copy=copy, store=store)

    def print_held(self, job_id: int, held: Held) -> PrintOutcome:
        """Send a job claimed in the transaction that queued it (its bytes as stored).

        A claim that waited long (a backlog behind an offline printer) is renewed first: were
        it taken for stale meanwhile (unconfirmed), the job prints as the queue says — a
        COPIA — never as an original that the queue no longer expects.
        """
        waited = time.monotonic() - held.since
        if waited > self._stale_after().total_seconds() / 2 and not self._renew(job_id, held):
            return self.print_job(job_id)
        return self._send(job_id, held.token, held.ticket, held.kind, held.data, copy=False)

    def _renew(self, job_id: int, held: Held) -> bool:
        """Move a held claim's time to now; False if the claim is no longer ours."""
        terminal = self.terminal
        try:
            return terminal.write_tx(lambda tx: print_queue.renew(tx, job_id, held.token,
                                                                   terminal.clock()),
                                     relaxed=True)
        except LedgerError:
            return False

    def _send(self, job_id: int, token: str, ticket: str, kind: str, data: bytes, *,
              copy: bool, store: bytes | None = None) -> PrintOutcome:
        """Send a claimed job's bytes and record the outcome (without waiting for the disk)."""
        error: str | None = None  # for the clerk, in their language
        detail = ""  # for the owner: the queue's last_error and the event log
        unsure = copy
        with self.terminal.print_lock:
            try:
                self.printer.send(data)
            except PrinterError as exc:
                unsure = unsure or exc.sent
                error, detail = printer_fault_text(exc.reason, unsure), f" ({exc.message})"
            except Exception as exc:  # a driver bug must not take the sale down with it
                unsure = True
                error = printer_fault_text("error", True)
                detail = f" ({exc.__class__.__name__}: {exc})"
        status = "printed" if error is None else ("unconfirmed" if unsure else "failed")
        self._finish_job(job_id, token, ticket, status, error, detail, store,
                         replaces=kind == "reprint")
        return PrintOutcome(job_id, ticket, error is None, error, copy=copy,
                            unconfirmed=status == "unconfirmed")

    def _bytes_to_send(self, job: PrintJob, copy: bool) -> tuple[bytes, bytes | None]:
        """The bytes for this attempt, and the original bytes to keep in the queue (if newly
        rendered). Rewritten bytes are refused (LedgerError)."""
        with self.terminal.reader() as s:
            if job.data is not None and not print_queue.bytes_intact(self.terminal.key, job):
                if job.mac is not None or job.kind not in print_queue.ENTRY_KINDS:
                    self.terminal.log_event("print_tampered", f"{job.ticket}: job {job.id}")
                    raise _altered(job.ticket)
                # Queued before MACs existed: print what the journal says, not the row.
                job = PrintJob.model_validate(job.model_dump() | {"data": None, "mac": None})
            if copy:
                if job.kind in print_queue.ENTRY_KINDS:
                    row = s.exec(select(JournalEntry)
                                 .where(JournalEntry.ticket == job.ticket)).one()
                    return self.render(self.entry_receipt(s, row, copy=True)), None
                if job.kind == "reprint" and job.data is not None:
                    return job.data, None  # already a COPIA

                return copy_banner(_("COPY")) + (job.data or b""), None
            if job.data is not None:
                return job.data, None
            data = self._job_data(s, job)
            return data, data

    def _finish_job(self, job_id: int, token: str, ticket: str, status: str, error: str | None,
                    detail: str, data: bytes | None = None, *, replaces: bool = False) -> None:
        """Record a claimed job's outcome (and a fault in the event log). Never raises: the
        sale behind the receipt is already safe."""
        terminal = self.terminal
        values: dict[str, object] = {
            "status": status,
            "last_error": (error + detail)[:300] if error else None,
            "printed_at": journal.utc_now_text(terminal.clock()) if status == "printed" else None,
        }
        if data is not None:
            values["data"] = data

        def work(tx: Tx) -> None:
            if data is not None:  # the kind is part of the MAC: read it, never assume it
                kind = print_queue.job_kind(tx, job_id) or ""
                values["mac"] = print_queue.job_mac(terminal.key, terminal.series, ticket,
                                                    kind, data)
            if print_queue.finish(tx, job_id, token, values) and replaces and status == "printed":
                print_queue.replace_unconfirmed(tx, terminal.series, ticket,
                                                "a copy was printed instead")

        try:
            # Relaxed: a lost outcome leaves the job 'sending' under its durable claim, which
            # goes stale and becomes 'unconfirmed' (a COPIA), never a second original.
            terminal.write_tx(work, relaxed=True)
        except LedgerError:
            pass
        if error:
            terminal.log_event("printer_fault", f"{ticket}: {error}{detail}")

    def _stale_after(self) -> timedelta:
        """How long a claim may last before its sender is taken for dead: connecting, sending
        and the status answer each take at most the printer timeout."""
        return timedelta(seconds=4 * self.terminal.settings.printer.timeout + 30)

    def _release_stale(self) -> None:
        terminal = self.terminal
        note = _("outcome unknown: printing was interrupted (check the paper; it prints again "
                 "only as a copy)")
        cutoff = journal.utc_now_text(terminal.clock() - self._stale_after())
        with terminal.reader() as s:  # usually none: then a listing writes nothing at all
            stale = s.exec(select(PrintJob.id).where(
                PrintJob.series == terminal.series, PrintJob.status == "sending",
                col(PrintJob.claimed_at) < cutoff).limit(1)).first()
        if stale is None:
            return
        with contextlib.suppress(LedgerError):
            terminal.write_tx(lambda tx: print_queue.release_stale(
                tx, terminal.series, terminal.clock(), self._stale_after(), note))

    def print_queue(self, *, pending_only: bool = True) -> list[PrintJobView]:
        """This terminal's receipts not printed yet (or all, newest first)."""
        if pending_only:
            self._release_stale()
        with self.terminal.reader() as s:
            # Without the bytes: a listing is never stopped by a damaged receipt.
            query = (select(PrintJob).options(defer(PrintJob.data))  # type: ignore[arg-type]
                     .where(PrintJob.series == self.terminal.series)
                     .order_by(col(PrintJob.id).desc()))
            if pending_only:
                query = query.where(col(PrintJob.status).in_((*print_queue.WAITING, "sending")))
            return [PrintJobView(job.id or 0, job.series, job.ticket, job.kind, job.status,
                                 job.attempts, job.last_error, job.created_at, job.printed_at)
                    for job in s.exec(query.limit(500)).all()]

    def retry_print_queue(self) -> list[PrintOutcome]:
        """Try every waiting receipt again, oldest first; jobs another process is printing
        are left to it (and not reported)."""
        outcomes = [self.print_job(job.id) for job in reversed(self.print_queue())
                    if job.id and job.status in print_queue.WAITING]
        return [o for o in outcomes if not o.skipped]

    def job_bytes(self, job_id: int) -> bytes:
        """The receipt's ESC/POS bytes (for the on-screen preview).

        A job this process holds for its print worker is previewed from the bytes it rendered
        and committed with the sale (`hold`): the very bytes the printer gets, no read."""
        held = self._held.get(job_id)
        if held is not None:
            return held.data
        t = _PRINT_JOB_TABLE.c
        with self.terminal.reader() as s:
            # One row as a tuple: no ORM object for the preview of every sale.
            found = s.connection().execute(
                core_select(t.id, t.series, t.ticket, t.kind, t.data, t.mac)
                .where(t.id == job_id)).first()
            if found is None:
                raise LedgerError(_("No print job {job}.", job=job_id))
            job = PrintJob.model_construct(**found._asdict())
            if job.data is not None and print_queue.bytes_intact(self.terminal.key, job):
                return job.data
            full = s.get(PrintJob, job_id)  # to render from the journal, or refuse
            assert full is not None
            return self._job_data(s, full)

    def _job_data(self, s: Session, job: PrintJob) -> bytes:
        """A job's bytes: stored ones if their MAC holds, else rendered from the journal."""
        if job.data is not None and print_queue.bytes_intact(self.terminal.key, job):
            return job.data
        if job.data is not None and job.kind not in print_queue.ENTRY_KINDS:
            raise _altered(job.ticket)
        row = s.exec(select(JournalEntry).where(JournalEntry.ticket == job.ticket)).one()
        return self.render(self.entry_receipt(s, row), kick=row.method == "cash")

    def reprint(self, ticket: str, *, print_now: bool = True) -> PrintOutcome:
        """Queue a copy (marked COPY) of a sale or void receipt and print it."""
        with self.terminal.reader() as s:
            row = find_row(s, ticket)
            doc = self.entry_receipt(s, row, copy=True)
        try:
            data: bytes | None = self.render(doc)
        except LedgerError:
            data = None  # queued as failed, for the generic profile (enqueue)
        if data is None:
            job_id = self.terminal.write(lambda s: self.enqueue(s, row.ticket, "reprint", doc))
            return (self.print_job(job_id) if print_now
                    else PrintOutcome(job_id, row.ticket, False, None))
        rendered = data
        # Queued and, to print now, claimed in one durable commit.
        job_id, held = self.terminal.write(
            lambda s: self.queue(s, row.ticket, "reprint", rendered, claim=print_now))
        if held is None:
            return PrintOutcome(job_id, row.ticket, False, None)
        return self.print_held(job_id, held)

    def printer_test(self) -> PrinterTestResult:
        """Print the test page (Spanish characters, width ruler, barcode, cut) straight to the
        printer, outside the queue, and report the printer's status answer."""

        settings = self.terminal.settings
        printer = settings.printer
        try:
            columns = layout(printer.width, printer.profile)[0]  # "auto": the profile's
        except Exception:  # an unknown profile or width: render() below says which
            columns = printer.width if isinstance(printer.width, int) else 48
        page = test_page(header=(settings.shop.name,), title=_("PRINTER TEST"),
                         labels=(_("Characters"), _("Width"), _("Barcode")),
                         width=columns, barcode=journal.ticket_number(self.terminal.series, 0),
                         footer=(_("If every line reads right and the ruler fits on one line, "
                                   "the printer is ready."),))
        data = self.render(page)
        try:
            status = self.printer.send(data)
        except PrinterError as exc:
            return PrinterTestResult(False, None, printer_fault_text(exc.reason),
                                     exc.message, data)
        if status is None:
            answer = (_("no status check for this printer (kind {kind})", kind=printer.kind)
                      if not self.printer.checks_status else "")
        else:
            parts = [printer_fault_text(code) for code in status.problems] or [
                _("online, paper OK")]
            if status.paper_low:
                parts.append(_("paper running low"))
            answer = _("the printer answered: {status}", status="; ".join(parts))
        return PrinterTestResult(True, answer, None, "", data)

    def slip_lines(self, receipt: Receipt) -> list[str]:
        """A slip as the paper shows it: the printer's bytes for it, decoded (the same bytes
        a print would send); plain text lines only if the printer's profile cannot render
        it."""

        try:
            data = self.render(receipt)
        except LedgerError:
            return slips.receipt_lines(receipt)
        return [line for slip in decode(data) for line in slip.lines]

