"""The use cases the TUI and the CLI share: the only door to the ledger and the printer."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, SQLModel, col, select

from pos.config import Settings
from pos.dayclose import DayClose
from pos.domain.errors import ValidationError
# The field rules are re-exported here so that screens and commands need only this module.
from pos.domain.identity import (  # noqa: F401
    DocType,
    IdDocument,
    parse_doc_type,
    parse_document,
    parse_id_spec,
)
from pos.domain.money import format_money, from_cents, parse_amount, to_cents  # noqa: F401
from pos.domain.payment import (
    CardPayment,
    CashPayment,
    Method,
    Payment,
    WalletPayment,
    card,
    cash,
    contains_card_number,
    parse_method,
    wallet,
)
from pos.domain.phone import Phone, group_phone, parse_phone  # noqa: F401
from pos.domain.sale import Operator, SaleDraft, check_amount, find_operator, make_draft
from pos.i18n import N_, _
from pos.ledger import database, journal, witness
from pos.ledger.clerks import check_pin, hash_pin
from pos.ledger.errors import DayClosedError, LedgerError
from pos.ledger.models import Clerk, EventEntry, JournalEntry, PrintJob
from pos.topup.service import desk, sale_topup, void_fields  # issue 13

if TYPE_CHECKING:
    from receipts import Receipt


class AuthError(LedgerError):
    """Wrong clerk name or PIN, or not allowed."""


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
    printed: bool
    error: str | None = None


@dataclass(frozen=True)
class SaleResult:
    """A committed sale (or void) and the state of its receipt."""

    entry: JournalEntry
    job_id: int
    change: Decimal
    duplicate: bool = False  # the same request was already committed: nothing new was stored
    print_outcome: PrintOutcome | None = None
    topup: Any = None  # issue 13: pos.topup.service.Outcome of the send, None if record-only

    @property
    def ticket(self) -> str:
        return self.entry.ticket


@dataclass(frozen=True)
class EntryView:
    """A journal entry as screens and the CLI show it."""

    entry: JournalEntry
    voided_by: str | None

    def __getattr__(self, name: str) -> object:
        return getattr(self.entry, name)

    @property
    def amount(self) -> Decimal:
        return from_cents(self.entry.amount_cents)


T = TypeVar("T")
ROLES = ("clerk", "manager")
_PRINT_JOB_TABLE = SQLModel.metadata.tables["print_job"]
_INSERT_JOB = insert(_PRINT_JOB_TABLE).returning(_PRINT_JOB_TABLE.c.id)


class Shop(DayClose):
    """One terminal's view of the shop: its settings, its ledger, its printer."""

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        self.series = settings.shop.series
        self.tz = ZoneInfo(settings.shop.timezone)
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self._engine: Engine | None = None
        self._key: bytes | None = None
        self._print_lock = threading.Lock()

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, settings: Settings, **kwargs: object) -> Shop:
        """Open (and if new, create) the ledger; refuse anything that is not ours."""
        shop = cls(settings, **kwargs)  # type: ignore[arg-type]
        shop._connect()
        return shop

    def _connect(self) -> None:
        url = self.settings.ledger_url
        embedded = self.settings.source is None
        self._engine = database.make_engine(url, create_parent=embedded)
        database.migrate(self._engine)
        with self._session() as s:
            # The event log is chained with the same key: a new key would break it too.
            has_entries = (s.exec(select(JournalEntry.id).limit(1)).first() is not None
                           or s.exec(select(EventEntry.id).limit(1)).first() is not None)
        self._key = database.load_or_create_key(self.settings.key_path,
                                                ledger_has_entries=has_entries)
        self.log_event("start", f"series {self.series}")

    def close(self) -> None:
        if "_topup_desk" in self.__dict__:  # issue 13: the top-up gateways' connections
            self.__dict__.pop("_topup_desk").close()
        if self._engine is not None:
            self._engine.dispose()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise LedgerError(_("The ledger is not open."))
        return self._engine

    @property  # DayClose declares it as a plain attribute, hence the ignore
    def key(self) -> bytes:  # type: ignore[override]
        assert self._key is not None
        return self._key

    def _session(self):  # noqa: ANN202
        return database.session_scope(self.engine)

    def _reader(self):  # noqa: ANN202
        """A read-only session: lookups, history, verify and exports never block a sale."""
        return database.read_session(self.engine)

    def _write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one write transaction, turning database faults into LedgerError."""
        committing = False
        try:
            with Session(self.engine, expire_on_commit=False) as s:
                try:
                    result = work(s)
                    s.flush()
                    committing = True
                    s.commit()
                except BaseException:
                    with contextlib.suppress(SQLAlchemyError):
                        s.rollback()
                    raise
            head = s.info.pop("pos_head", None)
            if head is not None:
                witness.write_head(self.settings.key_path, self.key, witness.Head(*head))
            return result
        except (LedgerError, ValidationError):
            raise
        except SQLAlchemyError as exc:
            orig = getattr(exc, "orig", None)
            message = str(orig or exc).splitlines()[0][:200] if str(orig or exc) else ""
            if "business day is closed" in message:
                raise DayClosedError(_("This business day is already closed (Z).")) from None
            if isinstance(exc, IntegrityError):
                raise LedgerError(_("The ledger refused the entry: {reason}",
                                    reason=message)) from None
            if committing and self.engine.dialect.name != "sqlite":
                # The connection died during COMMIT: the server may or may not have kept it.
                # (SQLite's commit is local: a failed one is rolled back, nothing was saved.)
                raise LedgerError(_("The ledger did not confirm the save ({reason}): look it "
                                    "up in the history before doing it again.",
                                    reason=message)) from None
            raise LedgerError(_("The ledger is not reachable; nothing was saved ({reason}).",
                                reason=message)) from None

    def log_event(self, kind: str, detail: str = "") -> None:
        """Add to the chained event log; never fails a sale."""
        try:
            self._write(lambda s: journal.append_event(s, self.key, series=self.series, kind=kind,
                                                       detail=detail, now=self.clock()))
        except LedgerError:
            pass

    # -- clerks --------------------------------------------------------------------------

    def has_clerks(self) -> bool:
        with self._reader() as s:
            return s.exec(select(Clerk.id).limit(1)).first() is not None

    def clerks(self) -> list[ClerkView]:
        with self._reader() as s:
            rows = s.exec(select(Clerk).where(Clerk.active).order_by(Clerk.name)).all()
            return [ClerkView(c.name, c.role) for c in rows]

    def add_clerk(self, name: str, role: str, pin: str) -> ClerkView:
        """Register a clerk or manager; the PIN is 4–8 digits, stored only as a scrypt hash."""
        name = (name or "").strip()
        if not name or len(name) > 40 or not name.isprintable():
            raise ValidationError("name", N_("The name must have 1 to 40 letters."))
        if role not in ROLES:
            raise ValidationError("role", N_("The role must be clerk or manager."))
        if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
            raise ValidationError("pin", N_("The PIN has 4 to 8 digits."))
        clerk = Clerk(name=name, role=role, pin_hash=hash_pin(pin),
                      created_at=journal.utc_now_text(self.clock()))

        def work(s: Session) -> None:
            if s.exec(select(Clerk).where(Clerk.name == name)).first() is not None:
                raise ValidationError("name", N_("There is already a clerk named {name}."),
                                      name=name)
            s.add(clerk)

        self._write(work)
        self.log_event("clerk_added", f"{name} ({role})")
        return ClerkView(name, role)

    def login(self, name: str, pin: str, *, manager: bool = False) -> ClerkView:
        """Check a clerk's PIN; `manager=True` also requires the manager role."""
        with self._reader() as s:
            clerk = s.exec(select(Clerk).where(Clerk.name == (name or "").strip(),
                                               Clerk.active)).first()
        if clerk is None or not check_pin(pin or "", clerk.pin_hash):
            self.log_event("login_failed", (name or "")[:40])
            raise AuthError(_("Wrong name or PIN."))
        if manager and clerk.role != "manager":
            raise AuthError(_("{name} is not a manager.", name=clerk.name))
        return ClerkView(clerk.name, clerk.role)

    # -- selling -------------------------------------------------------------------------

    @property
    def operators(self) -> dict[str, Operator]:
        return self.settings.operators

    def build_draft(
        self,
        *,
        operator: str,
        phone: str,
        amount: str,
        method: str,
        id_spec: str | None = None,
        tendered: str | None = None,
        card_spec: str | None = None,
        op_number: str | None = None,
    ) -> SaleDraft:
        """A draft from what was typed (command line form); the first bad field raises."""
        op = find_operator(self.operators, operator)
        number = parse_phone(phone)
        value = check_amount(op, amount)
        document = parse_id_spec(id_spec) if id_spec else None
        kind = parse_method(method)
        if kind.value not in self.settings.payments.methods:
            raise ValidationError("method", N_("This shop does not take {method}."),
                                  method=kind.label)
        payment: Payment
        if kind is Method.CASH:
            payment = cash(value, tendered if tendered is not None else str(value))
        elif kind is Method.CARD:
            if contains_card_number(card_spec or ""):
                raise ValidationError("card", N_("Never type the full card number: only its "
                                                 "last 4 digits."))
            brand, last4, auth = ((card_spec or "").split(":") + ["", "", ""])[:3]
            if not card_spec or card_spec.count(":") != 2:
                raise ValidationError("card", N_("Write the card as BRAND:LAST4:AUTH, e.g. "
                                                 "visa:4242:123456."))
            payment = card(brand, last4, auth, tuple(self.settings.payments.card_brands))
        else:
            payment = wallet(kind, op_number or "")
        return make_draft(op, number, value, payment, document, self.settings.shop.require_id)

    def id_digest(self, document: IdDocument) -> str:
        """Keyed HMAC of a document, so it can be searched but not read back."""
        message = f"{document.doc_type.value}:{document.number}".encode()
        return hmac.new(self.key, b"id|" + message, hashlib.sha256).hexdigest()

    def sell(self, clerk: ClerkView, draft: SaleDraft, *, request_id: str | None = None,
             print_now: bool = True) -> SaleResult:
        """Commit the sale and its print job in one transaction, then (optionally) print.

        The same `request_id` twice returns the first sale: a double Enter never sells twice.
        """
        check_request_id(request_id)
        check_amount(draft.operator, draft.amount)
        if self.settings.shop.require_id and draft.id_document is None:
            raise ValidationError("id", N_("This shop requires the customer's ID document."))
        payment = draft.payment
        if payment.method.value not in self.settings.payments.methods:
            raise ValidationError("method", N_("This shop does not take {method}."),
                                  method=payment.method.label)
        fields: dict[str, object] = {
            "clerk": clerk.name,
            "operator": draft.operator.code,
            "phone": draft.phone.digits,
            "amount_cents": to_cents(draft.amount),
            "method": payment.method.value,
            "request_id": request_id,
        }
        change = Decimal("0.00")
        if isinstance(payment, CashPayment):
            if payment.tendered < draft.amount:
                raise ValidationError("tendered", N_("Received {tendered} is less than the "
                                                     "amount {amount}."),
                                      tendered=format_money(payment.tendered),
                                      amount=format_money(draft.amount))
            change = payment.tendered - draft.amount
            fields |= {"tendered_cents": to_cents(payment.tendered),
                       "change_cents": to_cents(change)}
        elif isinstance(payment, CardPayment):
            fields |= {"card_brand": payment.brand, "card_last4": payment.last4,
                       "card_auth": payment.auth_code}
        elif isinstance(payment, WalletPayment):
            fields |= {"op_number": payment.op_number}
        if draft.id_document is not None:
            doc = draft.id_document
            fields |= {"id_type": doc.doc_type.value, "id_masked": doc.masked,
                       "id_digest": self.id_digest(doc)}
            if self.settings.ledger.id_storage == "full":
                fields["id_number"] = doc.number
        # -- top-up (issue 13): the sale carries its gateway; its ticket is the reference --
        fields |= desk(self).sale_fields(draft.operator.code)

        def work(s: Session) -> tuple[JournalEntry, int, bool]:
            done = self._replay(s, request_id)
            if done is not None:
                return done
            entry = journal.append_entry(s, self.key, series=self.series, kind="sale",
                                         now=self.clock(), tz=self.tz, **fields)
            # The receipt is rendered after the commit (print_job), from the entry itself: the
            # job row in this transaction is what guarantees it can always be printed.
            job = self._enqueue(s, entry.ticket, "sale", None)
            return entry, job, False

        entry, job_id, duplicate = self._write(work)
        # -- top-up (issue 13): sent once, by the call that committed it, before the receipt --
        topup = desk(self).after_sale(entry) if not duplicate else None
        outcome = self.print_job(job_id) if print_now and not duplicate else None
        return SaleResult(entry, job_id, change, duplicate, outcome, topup)

    def _replay(self, s: Session, request_id: str | None) -> tuple[JournalEntry, int, bool] | None:
        """The entry an idempotency key already produced (with its first print job), if any.

        Taken under the terminal's lock, so two submits of one draft cannot both append.
        """
        journal.lock_series(s, f"journal:{self.series}")
        if request_id is None:
            return None
        done = s.exec(select(JournalEntry).where(JournalEntry.request_id == request_id)).first()
        if done is None:
            return None
        job = s.exec(select(PrintJob.id).where(PrintJob.ticket == done.ticket)
                     .order_by(col(PrintJob.id))).first()
        return done, job or 0, True

    # -- printing ------------------------------------------------------------------------

    def render(self, receipt: Receipt, *, kick: bool = False) -> bytes:
        """ESC/POS bytes for the configured printer; LedgerError if its profile is unknown."""
        from receipts import render

        printer = self.settings.printer
        try:
            return render(receipt, width=printer.width, profile=printer.profile,
                          kick_drawer=kick and printer.cash_drawer)
        except ValueError as exc:
            if "profile" in str(exc):
                raise LedgerError(_("Unknown printer profile '{profile}': fix [printer] "
                                    "profile in config.toml.", profile=printer.profile)) from None
            raise

    def _enqueue(self, s: Session, ticket: str, kind: str, receipt: Receipt | None) -> int:
        """Queue a receipt inside the caller's transaction; its job id.

        `receipt=None` (sales) queues the ticket only: its bytes are rendered from the journal
        entry when first printed or previewed (`job_bytes`), off the sell path.
        """
        job_id = s.connection().execute(
            _INSERT_JOB,
            {"series": self.series, "ticket": ticket, "kind": kind,
              "data": None if receipt is None else self.render(receipt),
              "status": "pending", "attempts": 0,
              "created_at": journal.utc_now_text(self.clock())},
        ).scalar_one()
        return int(job_id)

    def printer_config(self):  # noqa: ANN201 - receipts.PrinterConfig
        from receipts import PrinterConfig

        p = self.settings.printer
        return PrinterConfig(kind=p.kind, path=str(self.settings.printer_path), host=p.host,
                             port=p.port, timeout=p.timeout, usb_vendor=p.usb_vendor,
                             usb_product=p.usb_product, serial_port=p.serial_port,
                             baudrate=p.baudrate, cups_name=p.cups_name, width=p.width,
                             profile=p.profile, cash_drawer=p.cash_drawer)

    def print_job(self, job_id: int) -> PrintOutcome:
        """Send one queued receipt to the printer; a fault stays in the queue, never raises."""
        from receipts import PrinterError, send

        try:
            with self._reader() as s:
                job = s.get(PrintJob, job_id)
                if job is None:
                    raise LedgerError(_("No print job {job}.", job=job_id))
                ticket, rendered = job.ticket, job.data is None
                data = self._job_data(s, job)
        except LedgerError as exc:  # e.g. an unknown printer profile: the sale still stands
            return self._print_failed(job_id, str(exc))
        except SQLAlchemyError as exc:
            # Called right after a sale committed: the sale is kept, so report the receipt as
            # waiting in the queue instead of failing the sale the clerk was paid for.
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
            return PrintOutcome(job_id, "", False, reason)
        error: str | None = None  # for the clerk, in their language
        detail = ""  # for the owner: the queue's last_error and the event log
        with self._print_lock:
            try:
                send(self.printer_config(), data)
            except PrinterError as exc:
                error, detail = printer_fault_text(exc.reason), f" ({exc.message})"
            except Exception as exc:  # a driver bug must not take the sale down with it
                error = f"{exc.__class__.__name__}: {exc}"

        self._record_attempt(job_id, error, detail, data if rendered else None)
        return PrintOutcome(job_id, ticket, error is None, error)

    def _print_failed(self, job_id: int, error: str) -> PrintOutcome:
        """A receipt that could not even be prepared: it stays in the queue."""
        ticket = self._record_attempt(job_id, error)
        return PrintOutcome(job_id, ticket, False, error)

    def _record_attempt(self, job_id: int, error: str | None, detail: str = "",
                        data: bytes | None = None) -> str:
        """Note a print attempt in the queue (and a fault in the event log); the ticket.

        `data`: bytes rendered for this attempt, kept so the queue holds what was sent.
        Never raises: the sale behind the receipt is already safe.
        """
        ticket = ""

        def work(s: Session) -> None:
            nonlocal ticket
            row = s.get(PrintJob, job_id)
            if row is None:
                return
            ticket = row.ticket
            row.attempts += 1
            if data is not None:
                row.data = data
            row.status = "failed" if error else "printed"
            row.last_error = (error + detail)[:300] if error else None
            row.printed_at = None if error else journal.utc_now_text(self.clock())
            s.add(row)

        try:
            self._write(work)
        except LedgerError:
            pass
        if error:
            self.log_event("printer_fault", f"{ticket}: {error}{detail}")
        return ticket

    def print_queue(self, *, pending_only: bool = True) -> list[PrintJob]:
        """Receipts not printed yet (or all, newest first)."""
        with self._reader() as s:
            query = select(PrintJob).order_by(col(PrintJob.id).desc())
            if pending_only:
                query = query.where(col(PrintJob.status).in_(("pending", "failed")))
            return list(s.exec(query.limit(500)).all())

    def retry_print_queue(self) -> list[PrintOutcome]:
        """Try every waiting receipt again, oldest first."""
        return [self.print_job(job.id) for job in reversed(self.print_queue()) if job.id]

    def job_bytes(self, job_id: int) -> bytes:
        """The receipt's ESC/POS bytes (for the on-screen preview)."""
        with self._reader() as s:
            job = s.get(PrintJob, job_id)
            if job is None:
                raise LedgerError(_("No print job {job}.", job=job_id))
            return self._job_data(s, job)

    def _job_data(self, s: Session, job: PrintJob) -> bytes:
        if job.data is not None:
            return job.data
        entry = s.exec(select(JournalEntry).where(JournalEntry.ticket == job.ticket)).one()
        return self.render(self._entry_receipt(entry), kick=entry.method == "cash")

    def reprint(self, ticket: str, *, print_now: bool = True) -> PrintOutcome:
        """Queue a copy (marked COPY) of a sale or void receipt and print it."""
        entry = self.entry(ticket)
        doc = self._entry_receipt(entry, copy=True)

        def work(s: Session) -> int:
            return self._enqueue(s, entry.ticket, "reprint", doc)

        job_id = self._write(work)
        if not print_now:
            return PrintOutcome(job_id, entry.ticket, False, None)
        return self.print_job(job_id)

    # -- voids ---------------------------------------------------------------------------

    def void(self, ticket: str, reason: str, manager: ClerkView, *,
             request_id: str | None = None, print_now: bool = True,
             airtime: str | None = None) -> SaleResult:
        """A reversing entry for a sale, authorised by a manager; the sale itself never changes.

        `airtime` (issue 13): for a delivered top-up, `reversed` or `not_reversed`.
        """
        if not manager.is_manager:
            raise AuthError(_("{name} is not a manager.", name=manager.name))
        reason = " ".join((reason or "").split())
        if len(reason) < 3:
            raise ValidationError("reason", N_("Write the reason for the void (3 letters or "
                                               "more)."))
        if len(reason) > 200:
            raise ValidationError("reason", N_("The reason is too long (200 letters at most)."))
        if contains_card_number(reason):
            raise ValidationError("reason", N_("Never type the full card number: only its "
                                               "last 4 digits."))
        if not reason.isprintable():
            raise ValidationError("reason", N_("Write the reason for the void (3 letters or "
                                               "more)."))
        check_request_id(request_id)
        ticket = normalise_ticket(ticket)

        def work(s: Session) -> tuple[JournalEntry, int, bool]:
            done = self._replay(s, request_id)
            if done is not None:
                return done
            original = s.exec(select(JournalEntry).where(JournalEntry.ticket == ticket)).first()
            if original is None:
                raise ValidationError("ticket", N_("Ticket {ticket} does not exist."),
                                      ticket=ticket)
            if original.kind != "sale":
                raise ValidationError("ticket", N_("Ticket {ticket} is not a sale."),
                                      ticket=ticket)
            already = s.exec(select(JournalEntry.ticket).where(
                JournalEntry.ref_ticket == ticket, JournalEntry.kind == "void")).first()
            if already is not None:
                raise ValidationError("ticket", N_("Ticket {ticket} was already voided by "
                                                   "{void}."), ticket=ticket, void=already)
            entry = journal.append_entry(
                s, self.key, series=self.series, kind="void", now=self.clock(), tz=self.tz,
                clerk=manager.name, operator=original.operator, phone=original.phone,
                amount_cents=-original.amount_cents, method=original.method,
                ref_ticket=original.ticket, reason=reason, request_id=request_id,
                **void_fields(s, original, airtime))  # issue 13: pending waits; airtime
            from pos.receipt_layout import void_receipt

            job = self._enqueue(s, entry.ticket, "void",
                                void_receipt(self.settings, entry, original))
            journal.append_event(s, self.key, series=self.series, kind="void",
                                 detail=f"{entry.ticket} voids {ticket}: {reason}",
                                 now=self.clock())
            return entry, job, False

        entry, job_id, duplicate = self._write(work)
        outcome = self.print_job(job_id) if print_now and not duplicate and job_id else None
        return SaleResult(entry, job_id, Decimal("0.00"), duplicate, outcome)

    # -- looking up ----------------------------------------------------------------------

    def entry(self, ticket: str) -> JournalEntry:
        ticket = normalise_ticket(ticket)
        with self._reader() as s:
            row = s.exec(select(JournalEntry).where(JournalEntry.ticket == ticket)).first()
        if row is None:
            raise ValidationError("ticket", N_("Ticket {ticket} does not exist."), ticket=ticket)
        return row

    def view(self, ticket: str) -> EntryView:
        entry = self.entry(ticket)
        with self._reader() as s:
            voided_by = s.exec(select(JournalEntry.ticket).where(
                JournalEntry.ref_ticket == entry.ticket, JournalEntry.kind == "void")).first()
        return EntryView(entry, voided_by)

    def history(self, *, day: date | None = None, phone: str | None = None,
                ticket: str | None = None, document: IdDocument | None = None,
                limit: int = 500) -> list[EntryView]:
        """Sales and voids, newest first: by business date, phone, ticket or ID document."""
        query = select(JournalEntry).where(col(JournalEntry.kind).in_(("sale", "void")))
        if ticket:
            query = query.where(JournalEntry.ticket == normalise_ticket(ticket))
        if phone:
            query = query.where(JournalEntry.phone == parse_phone(phone).digits)
        if document is not None:
            query = query.where(JournalEntry.id_digest == self.id_digest(document))
        if day is not None:
            query = query.where(JournalEntry.business_date == day.isoformat())
        query = query.order_by(col(JournalEntry.created_at).desc(),
                               col(JournalEntry.id).desc()).limit(limit)
        with self._reader() as s:
            rows = list(s.exec(query).all())
            tickets = [r.ticket for r in rows if r.kind == "sale"]
            voids: dict[str, str] = {}
            if tickets:
                for void_ticket, ref in s.exec(
                    select(JournalEntry.ticket, JournalEntry.ref_ticket).where(
                        JournalEntry.kind == "void", col(JournalEntry.ref_ticket).in_(tickets))
                ).all():
                    voids[ref or ""] = void_ticket
        return [EntryView(r, voids.get(r.ticket)) for r in rows]

    def today(self) -> date:
        """The shop-local business date a sale made now would get."""
        with self._reader() as s:
            return date.fromisoformat(journal.business_date_for(s, self.series, self.clock(),
                                                                self.tz))

    def verify(self, progress: Callable[[int], None] | None = None) -> journal.VerifyResult:
        """Check every chain in the ledger; raises ChainBroken at the first break."""
        with self._reader() as s:
            result = journal.verify(s, self.key, progress)
            self._check_head(s, result)
        return result

    def _check_head(self, s: Session, result: journal.VerifyResult) -> None:
        """Compare this terminal's chain with the head recorded outside the database."""
        from pos.ledger.errors import ChainBroken

        try:
            recorded = witness.read_head(self.settings.key_path, self.key, self.series)
        except witness.HeadDamaged as exc:
            raise ChainBroken(self.series, _("the head record beside the key file is damaged "
                                             "or forged ({reason})", reason=str(exc))) from None
        if recorded is None:
            return  # a ledger copied without it, or no entry yet: the chain check stands alone
        ticket = journal.ticket_number(self.series, recorded.seq)
        row = s.exec(select(JournalEntry.hash).where(JournalEntry.series == self.series,
                                                     JournalEntry.seq == recorded.seq)).first()
        if row is None:
            raise ChainBroken(ticket, _("entries up to {ticket} were recorded but the ledger "
                                        "ends before it (newest entries deleted)",
                                        ticket=ticket))
        if row != recorded.hash:
            raise ChainBroken(ticket, _("this entry differs from the head recorded when it was "
                                        "written (rewritten chain)"))

    # Added for the TUI (history → receipt preview): renders, never queues or prints.
    def receipt_bytes(self, ticket: str) -> bytes:
        """The ESC/POS bytes of a sale's or void's receipt, for the on-screen preview: its
        first print job's bytes (rendered from the journal if never printed), else a fresh
        render from the journal entry. Nothing is queued or printed."""
        entry = self.entry(ticket)
        with self._reader() as s:
            job = s.exec(select(PrintJob).where(PrintJob.ticket == entry.ticket,
                                                col(PrintJob.kind).in_(("sale", "void")))
                         .order_by(col(PrintJob.id))).first()
            if job is not None:
                return self._job_data(s, job)
        # No sale/void job: a sale never queued, or an entry without a slip (which raises).
        return self.render(self._entry_receipt(entry))

    def _entry_receipt(self, entry: JournalEntry, *, copy: bool = False) -> Receipt:
        """The slip of a sale or a void; a ValidationError for entries that have none."""
        from pos.receipt_layout import sale_receipt, void_receipt
        from pos.topup import slips as topup_slips  # issue 13 (loads receipts, off start-up)

        if entry.kind == "sale":
            if sale_topup(entry) is not None:  # issue 13: pending / confirmed with its id
                return topup_slips.with_status(sale_receipt(self.settings, entry, copy=copy),
                                               desk(self).status(entry.ticket))
            return sale_receipt(self.settings, entry, copy=copy)
        if entry.kind == "void" and entry.data and '"topup_refund"' in entry.data:  # issue 13
            return topup_slips.refund_slip(self.settings, entry,
                                           self.entry(entry.ref_ticket or ""), copy=copy)
        if entry.kind == "void":
            return void_receipt(self.settings, entry, self.entry(entry.ref_ticket or ""),
                                copy=copy)
        raise ValidationError("ticket", N_("Ticket {ticket} has no receipt to reprint."),
                              ticket=entry.ticket)


PRINTER_FAULTS = {
    "unwritable": N_("the printer's file or device cannot be written"),
    "unavailable": N_("the printer is not connected (device not found)"),
    "refused": N_("the network printer refused the connection (off or wrong address?)"),
    "timeout": N_("the printer did not answer in time (off, out of paper or busy?)"),
    "disconnected": N_("the printer was disconnected while printing"),
    "unreachable": N_("the network printer cannot be reached (check the cable or Wi-Fi)"),
}


def printer_fault_text(reason: str) -> str:
    """A printer fault in the clerk's language."""
    msgid = PRINTER_FAULTS.get(reason)
    return _(msgid) if msgid else _("printer fault ({reason})", reason=reason)


_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}")


def check_request_id(request_id: str | None) -> None:
    """An idempotency key is 1–64 ASCII letters, digits and `._:-` (a UUID fits)."""
    if request_id is not None and not _REQUEST_ID.fullmatch(request_id):
        raise ValidationError("request_id", N_("The request id has 1 to 64 letters, digits, "
                                               "'.', '_', ':' or '-'."))


def normalise_ticket(text: str) -> str:
    """`r001-42`, `R001-00000042` or `R00100000042` (a scanner) → `R001-00000042`."""
    raw = (text or "").strip().upper().replace(" ", "")
    series, sep, number = raw.partition("-")
    if not sep and len(raw) > 4:
        series, number = raw[:4], raw[4:]
    if (len(series) == 4 and series.isascii() and series.isalnum() and series[0].isalpha()
            and number.isascii() and number.isdigit() and 1 <= len(number) <= 8):
        return journal.ticket_number(series, int(number))
    raise ValidationError("ticket", N_("'{value}' is not a ticket number (e.g. R001-00000042)."),
                          value=(text or "")[:24])
