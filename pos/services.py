"""The use cases the TUI and the CLI share: the only door to the ledger and the printer."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, SQLModel, col, select

from pos.config import Settings
from pos.dayclose import DayClose, require_shift
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
    WalletPayment,
)
from pos.domain.phone import Phone, group_phone, parse_phone  # noqa: F401
from pos.domain.text import clean_reason, refuse_card_number
from pos.domain.sale import Operator, SaleDraft, check_amount
from pos.i18n import N_, _
from pos.ledger import database, journal, print_queue, witness
from pos.ledger.clerks import (
    PIN_FAILED,
    PIN_RESET,
    SEALED,
    check_pin,
    clerk_event_detail,
    clerk_mac,
    hash_pin,
    is_sealed,
    last_clerk_events,
    recent_failures,
    record_problem,
    verify_clerks,
)
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
        self._witness: witness.WitnessLog | None = None
        # The newest head of this terminal's journal ("J") and event log ("E") as witnessed:
        # each append must continue it (a rolled-back database does not).
        self._known: dict[str, tuple[int, str]] = {}
        # Why this terminal refuses to write (wrong key, rollback, witness gone), or None.
        self._problem: str | None = None
        self._key_problem = False

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
        self._refuse_missing_ledger()
        self._engine = database.make_engine(url, create_parent=embedded)
        database.migrate(self._engine)
        key_path = self.settings.key_path
        # The witnesses are read before the ledger: a line is appended only after its entry is
        # committed, so terminals starting together never see a witness ahead of the ledger.
        witnessed = any(_witnessed_anything(p) for p in witness.witness_files(key_path).values())
        with self._session() as s:
            # The event log is chained with the same key: a new key would break it too.
            has_entries = (s.exec(select(JournalEntry.id).limit(1)).first() is not None
                           or s.exec(select(EventEntry.id).limit(1)).first() is not None)
        if not has_entries and witnessed:
            raise LedgerError(_("The ledger is empty, but the witness files beside {key} record "
                                "entries: the ledger was replaced by an empty one. Restore it "
                                "from a backup; to start a new ledger on purpose: pos ledger "
                                "new.", key=key_path))
        self._key = database.load_or_create_key(key_path, ledger_has_entries=has_entries)
        self._witness = witness.WitnessLog(witness.witness_path(key_path, self.series), self._key)
        if has_entries:
            self._problem = self._check_start()
        else:
            self._witness.begin(self.series)
        self._seal_clerks()
        self.log_event("start", f"series {self.series}")

    def _refuse_missing_ledger(self) -> None:
        """A SQLite ledger gone while its key or witness remain is never recreated silently."""
        path = database.sqlite_path(self.settings.ledger_url)
        if path is None or path.exists():
            return
        key_path = self.settings.key_path
        left = [p for p in (key_path, *witness.witness_files(key_path).values(),
                            *key_path.parent.glob(f"{key_path.name}.*.head")) if p.exists()]
        if left:
            raise LedgerError(_("The ledger {path} is missing, but {files} still exist: a "
                                "ledger is never recreated silently. Restore it from your "
                                "backup (pos backup makes one); to start a new ledger on "
                                "purpose: pos ledger new.", path=path,
                                files=", ".join(p.name for p in left)[:300]))

    def _check_start(self) -> str | None:
        """On start: the key signs the newest entries, and the ledger is not behind its
        witness. Returns why the terminal must not write, or None."""
        key_path = self.settings.key_path
        # The witness is read before the ledger: another process of this terminal (a `pos`
        # command while the app sells) may commit meanwhile, which only puts the ledger
        # ahead of what was read here, never behind it.
        path = witness.witness_path(key_path, self.series)
        try:
            state = _read_with_legacy(path, key_path, self.key, self.series, whole=False)
            damaged = None
        except witness.WitnessDamaged as exc:
            damaged = exc
        with self._reader() as s:
            conn = s.connection()
            for model, label in ((JournalEntry, "journal"), (EventEntry, "event")):
                row = (s.exec(select(model).where(model.series == self.series)
                              .order_by(col(model.seq).desc()).limit(1)).first()
                       or s.exec(select(model).order_by(col(model.id).desc()).limit(1)).first())
                if row is not None and not hmac.compare_digest(
                        row.hash, journal.entry_hash(self.key, row)):
                    self._key_problem = True
                    name = row.ticket if isinstance(row, JournalEntry) else (
                        f"{label} {row.series}#{row.seq}")
                    return _("the key file {path} does not sign the ledger's newest entry "
                             "{name}: the key was replaced, or the ledger is not this key's. "
                             "Put the right key file back.", path=key_path, name=name)
            own = {kind: _own_head(conn, self.series, kind)
                   for kind in (witness.JOURNAL, witness.EVENTS)}
            if damaged is not None:
                return _("the witness {path} is damaged or forged ({reason}).", path=path,
                         reason=str(damaged))
            if state.status != "ok":
                if own[witness.JOURNAL] is None and own[witness.EVENTS] is None:
                    assert self._witness is not None
                    self._witness.begin(self.series)  # a terminal new to this ledger
                    return None
                return _witness_gone(state.status, path)
            problem = _compare_heads(conn, self.series, state)
            if problem is not None:
                return problem
        assert self._witness is not None
        for kind, current in own.items():
            if current is None:
                continue
            recorded = state.head(kind)
            if recorded is None or current[0] > recorded.seq:
                # Behind after a power cut, or another process of this terminal: catch up.
                self._witness.append(kind, witness.Head(self.series, *current), sync=True)
            self._known[kind] = current
        return None

    def _check_append(self, conn: object, series: str, kind: str, seq: int,
                      prev_hash: str) -> None:
        """Before an append: the ledger's head must continue the one last witnessed here."""
        known = self._known.get(kind)
        if series != self.series or known is None or known == (seq, prev_hash):
            return
        if seq > known[0]:
            # Another process of this terminal appended meanwhile: fine if it continued ours.
            table = "journal_entry" if kind == witness.JOURNAL else "event_log"
            row = conn.execute(  # type: ignore[attr-defined]
                text(f"SELECT hash FROM {table} WHERE series = :series AND seq = :seq"),
                {"series": series, "seq": known[0]}).first()
            if row is not None and row[0] == known[1]:
                return
        self._problem = _("the ledger no longer holds {name} as this terminal wrote it (the "
                          "database was replaced by an older copy or rewritten).",
                          name=_head_name(series, kind, known[0]))
        raise LedgerError(self._stopped())

    def _stopped(self) -> str:
        return _("This terminal is stopped: {problem} A manager must check the ledger "
                 "(pos verify), then restore the right files or accept the ledger as it is "
                 "(pos ledger accept).", problem=self._problem)

    @property
    def integrity_problem(self) -> str | None:
        """Why this terminal refuses to sell (for the app's banner), or None."""
        return self._problem

    def _witnessed(self, kind: str, head: tuple[str, int, str] | None) -> None:
        if head is None or head[0] != self.series or self._witness is None:
            return
        self._witness.append(kind, witness.Head(*head))
        self._known[kind] = (head[1], head[2])

    def close(self) -> None:
        if self._witness is not None:
            self._witness.close()
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
        if self._problem is not None:
            raise LedgerError(self._stopped())
        try:
            with Session(self.engine, expire_on_commit=False) as s:
                s.info["pos_check"] = self._check_append
                try:
                    result = work(s)
                    s.flush()
                    committing = True
                    s.commit()
                except BaseException:
                    with contextlib.suppress(SQLAlchemyError):
                        s.rollback()
                    raise
            self._witnessed(witness.JOURNAL, s.info.pop("pos_head", None))
            self._witnessed(witness.EVENTS, s.info.pop("pos_event_head", None))
            return result
        except (LedgerError, ValidationError):
            raise
        except SQLAlchemyError as exc:
            orig = getattr(exc, "orig", None)
            message = str(orig or exc).splitlines()[0][:200] if str(orig or exc) else ""
            if "period is closed" in message:
                raise DayClosedError(_("This period is already closed (Z).")) from None
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

    def _append(self, s: Session, **fields: object) -> JournalEntry:
        """The next entry of this terminal's chain, dated by the clock (past its guard)."""
        return journal.append_entry(
            s, self.key, series=self.series, now=self.clock(), tz=self.tz,
            max_ahead=timedelta(days=self.settings.cash.max_clock_jump_days),
            **fields)  # type: ignore[arg-type]

    # -- the clock -----------------------------------------------------------------------

    def clock_problem(self) -> journal.ClockSuspect | None:
        """Why the clock cannot be trusted for a new entry now, if it cannot."""
        with self._reader() as s:
            newest = journal.chain_head(s, self.series)
            if newest is None:
                return None
            try:
                journal.check_clock(s, self.series, self.clock(), newest.seq, newest.created_at,
                                    timedelta(days=self.settings.cash.max_clock_jump_days),
                                    self.tz)
            except journal.ClockSuspect as problem:
                return problem
        return None

    def confirm_clock(self, manager: ClerkView) -> datetime:
        """A manager confirms that the clock is right now: a chained event lets this
        terminal write again although its newest entry looks later (or much earlier)."""
        if not manager.is_manager:
            raise AuthError(_("{name} is not a manager.", name=manager.name))
        problem = self.clock_problem()
        if problem is None:
            raise ValidationError("clock", N_("The clock agrees with the ledger: nothing to "
                                              "confirm."))
        now = self.clock()

        def work(s: Session) -> None:
            journal.append_event(s, self.key, series=self.series, kind="clock_confirmed",
                                 detail=journal.clock_confirmation(problem.seq), now=now)
            journal.append_event(s, self.key, series=self.series, kind="clock_note",
                                 detail=f"{manager.name} confirmed {journal.utc_now_text(now)}; "
                                        f"newest entry {journal.utc_now_text(problem.newest)}",
                                 now=now)

        self._write(work)
        return now.astimezone(self.tz)

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

    def add_clerk(self, name: str, role: str, pin: str, *,
                  by: ClerkView | None = None) -> ClerkView:
        """Register a clerk or manager, authorised by manager `by`; the PIN (4–8 digits) is
        stored only as a scrypt hash. Without `by`, only the first manager of a ledger with
        no clerk at all."""
        name = (name or "").strip()
        if not name or len(name) > 40 or not name.isprintable():
            raise ValidationError("name", N_("The name must have 1 to 40 letters."))
        refuse_card_number("name", name)
        if role not in ROLES:
            raise ValidationError("role", N_("The role must be clerk or manager."))
        check_new_pin(pin)
        clerk = Clerk(name=name, role=role, pin_hash=hash_pin(pin),
                      created_at=journal.utc_now_text(self.clock()))

        def work(s: Session) -> None:
            journal.lock_series(s, "clerks")  # two first managers at once: one wins
            if by is None:
                if s.exec(select(Clerk.id).limit(1)).first() is not None:
                    raise AuthError(_("Only a manager can add clerks: a manager's name and "
                                      "PIN are needed."))
                if role != "manager":
                    raise ValidationError("role", N_("The first clerk of a new ledger must "
                                                     "be a manager."))
            else:
                self._require_manager(s, by)
            if s.exec(select(Clerk).where(Clerk.name == name)).first() is not None:
                raise ValidationError("name", N_("There is already a clerk named {name}."),
                                      name=name)
            self._store_clerk(s, clerk, "clerk_added", by)

        self._write(work)
        return ClerkView(name, role)

    def deactivate_clerk(self, manager: ClerkView, name: str) -> ClerkView:
        """A manager retires a clerk (the row stays, its sales keep their name). The last
        active manager cannot be deactivated."""

        def work(s: Session) -> ClerkView:
            journal.lock_series(s, "clerks")
            self._require_manager(s, manager)
            row = self._active_clerk(s, name)
            if row.role == "manager":
                managers = s.exec(select(Clerk.id).where(Clerk.role == "manager",
                                                         Clerk.active)).all()
                if len(managers) <= 1:
                    raise ValidationError("name", N_("{name} is the last active manager: add "
                                                     "another manager first."), name=row.name)
            row.active = False
            self._store_clerk(s, row, "clerk_deactivated", manager)
            return ClerkView(row.name, row.role)

        return self._write(work)

    def set_pin(self, name: str, pin: str, *, by: ClerkView) -> ClerkView:
        """A new PIN for `name`, set by that clerk (authorised with the old PIN) or by a
        manager. Clears the clerk's run of wrong PINs."""
        check_new_pin(pin)
        pin_hash = hash_pin(pin)

        def work(s: Session) -> ClerkView:
            journal.lock_series(s, "clerks")
            row = self._active_clerk(s, name)
            if by.name != row.name:
                self._require_manager(s, by)
            row.pin_hash = pin_hash
            self._store_clerk(s, row, "clerk_pin_set", by)
            journal.append_event(s, self.key, series=self.series, kind=PIN_RESET,
                                 detail=row.name, now=self.clock())
            return ClerkView(row.name, row.role)

        return self._write(work)

    def _active_clerk(self, s: Session, name: str) -> Clerk:
        name = (name or "").strip()
        row = s.exec(select(Clerk).where(Clerk.name == name, Clerk.active)).first()
        if row is None:
            raise ValidationError("name", N_("There is no active clerk named {name}."),
                                  name=name[:40])
        return row

    def _require_manager(self, s: Session, who: ClerkView) -> None:
        """`who` must still be an active manager with an untouched record."""
        row = s.exec(select(Clerk).where(Clerk.name == who.name, Clerk.active)).first()
        if row is None or row.role != "manager" or not who.is_manager:
            raise AuthError(_("{name} is not a manager.", name=who.name))
        problem = record_problem(self.key, row, last_clerk_events(s).get(row.name))
        if problem is not None:
            raise LedgerError(_("The record of clerk {name} cannot be trusted: {reason}. "
                                "Run pos verify.", name=row.name, reason=problem))

    def _store_clerk(self, s: Session, row: Clerk, kind: str, by: ClerkView | None) -> None:
        """Save a clerk row with a fresh MAC, and the change as a chained event."""
        row.mac = clerk_mac(self.key, row)
        s.add(row)
        s.flush()
        journal.append_event(s, self.key, series=self.series, kind=kind,
                             detail=clerk_event_detail(row, by.name if by else None),
                             now=self.clock())

    def _seal_clerks(self) -> None:
        """Once per ledger: MAC the clerk rows written before clerk records were sealed."""
        with self._reader() as s:
            if is_sealed(s):
                return

        def work(s: Session) -> None:
            journal.lock_series(s, "clerks")
            if is_sealed(s):
                return
            rows = s.exec(select(Clerk).order_by(col(Clerk.id))).all()
            for row in rows:
                self._store_clerk(s, row, "clerk_sealed", None)
            journal.append_event(s, self.key, series=self.series, kind=SEALED,
                                 detail=str(len(rows)), now=self.clock())

        self._write(work)

    def authorise(self, name: str, pin: str, *, manager: bool = False,
                  act: str | None = None) -> ClerkView:
        """Check a clerk's PIN; `manager=True` also requires the manager role.

        Throttled per clerk from the ledger itself: after `[security] max_failures` wrong
        PINs in a row the clerk is locked for `lockout_minutes` (each further wrong PIN locks
        again), whichever process or terminal asks. Each wrong PIN is a chained event; `act`
        names a privileged act, recorded as an event when authorised.
        """
        if self._key_problem:  # a replaced key: no clerk record can be checked with it
            raise LedgerError(self._stopped())
        name = (name or "").strip()
        rules = self.settings.security
        now = self.clock()

        def locked_until(failures: list[str]) -> datetime | None:
            if len(failures) < rules.max_failures:
                return None
            until = journal.parse_utc(failures[0]) + timedelta(minutes=rules.lockout_minutes)
            return until if until > now else None

        # A terminal stopped by an integrity problem writes nothing, but a manager must still
        # be able to sign `pos ledger accept`: the PIN is then checked without recording.
        record = self._problem is None

        def note(s: Session, kind: str, detail: str) -> str:
            if not record:
                return journal.utc_now_text(now)
            return journal.append_event(s, self.key, series=self.series, kind=kind,
                                        detail=detail, now=now).created_at

        def work(s: Session) -> tuple[str, Clerk | None, datetime | None]:
            journal.lock_series(s, f"pin:{name}")  # parallel guesses queue up
            failures = recent_failures(s, name, rules.max_failures)
            until = locked_until(failures)
            if until is not None:
                return "locked", None, until
            row = s.exec(select(Clerk).where(Clerk.name == name, Clerk.active)).first()
            if row is None or not check_pin(pin or "", row.pin_hash):
                failed_at = note(s, PIN_FAILED, name[:40])
                return "wrong", None, locked_until([failed_at, *failures])
            problem = record_problem(self.key, row, last_clerk_events(s).get(row.name))
            if problem is not None:
                note(s, "clerk_refused", f"{row.name}: {problem}")
                return problem, None, None
            if failures:
                note(s, PIN_RESET, row.name)
            if act and (not manager or row.role == "manager"):
                note(s, "authorised", f"{act}: {row.name}")
            return "ok", row, None

        if record:
            outcome, row, until = self._write(work)
        else:
            with self._reader() as s:
                outcome, row, until = work(s)
        if outcome == "locked" or (outcome == "wrong" and until is not None):
            if outcome == "wrong":
                self._pin_delay(rules.failure_delay)
            assert until is not None
            raise AuthError(_("Too many wrong PINs: {name} is locked until {time}.",
                              name=name[:40], time=self._local_moment(until)))
        if outcome == "wrong":
            self._pin_delay(rules.failure_delay)
            raise AuthError(_("Wrong name or PIN."))
        if row is None:
            raise LedgerError(_("The record of clerk {name} cannot be trusted: {reason}. "
                                "Run pos verify.", name=name, reason=outcome))
        if manager and row.role != "manager":
            raise AuthError(_("{name} is not a manager.", name=row.name))
        return ClerkView(row.name, row.role)

    @staticmethod
    def _pin_delay(seconds: float) -> None:
        """Slow down PIN guessing (no call at all for 0: some clocks refuse a zero sleep)."""
        if seconds > 0:
            time.sleep(seconds)

    def login(self, name: str, pin: str, *, manager: bool = False) -> ClerkView:
        """A clerk (or, with `manager=True`, a manager) logs in: `authorise` without an act."""
        return self.authorise(name, pin, manager=manager)

    def _local_moment(self, moment: datetime) -> str:
        """A moment as the shop reads it: the time, and the date when it is not today."""
        local = moment.astimezone(self.tz)
        if local.date() == self.clock().astimezone(self.tz).date():
            return local.strftime("%H:%M:%S")
        return local.strftime("%Y-%m-%d %H:%M:%S")

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
        # issue 11 (tuiarch): the one draft builder, shared with the sale screen's form.
        # The lead moves this import to the top of the new services module.
        from pos.domain.draft import DraftRules, TypedSale, build_draft

        rules = DraftRules(self.operators, tuple(self.settings.payments.methods),
                           tuple(self.settings.payments.card_brands),
                           self.settings.shop.require_id)
        return build_draft(TypedSale(operator, phone, amount, method, id_spec=id_spec,
                                     tendered=tendered, card_spec=card_spec or "",
                                     op_number=op_number or ""), rules)

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
            done = self._replay(s, request_id, {"kind": "sale", **fields})
            if done is not None:
                return done
            require_shift(s, self.series, N_("selling"))
            entry = self._append(s, kind="sale", **fields)
            # The receipt is rendered after the commit (print_job), from the entry itself: the
            # job row in this transaction is what guarantees it can always be printed.
            job = self._enqueue(s, entry.ticket, "sale", None)
            return entry, job, False

        entry, job_id, duplicate = self._write(work)
        # -- top-up (issue 13): sent once, by the call that committed it, before the receipt --
        topup = desk(self).after_sale(entry) if not duplicate else None
        outcome = self.print_job(job_id) if print_now and not duplicate else None
        return SaleResult(entry, job_id, change, duplicate, outcome, topup)

    def _replay(self, s: Session, request_id: str | None,
                request: dict[str, object]) -> tuple[JournalEntry, int, bool] | None:
        """The entry an idempotency key already produced (with its first print job), if any.

        Taken under the terminal's lock, so two submits of one draft cannot both append. The
        same key with other content (another amount, phone, tendered cash, reason…) is a
        different request: refused, never answered with the first one's ticket.
        """
        journal.lock_series(s, f"journal:{self.series}")
        if request_id is None:
            return None
        done = s.exec(select(JournalEntry).where(JournalEntry.request_id == request_id)).first()
        if done is None:
            return None
        stored = {name: getattr(done, name) for name in request}
        if request_digest(stored) != request_digest(request):
            raise ValidationError("request_id", N_("The request id {request_id} was already used "
                                                   "for {ticket}, with other content: use a new "
                                                   "request id for a new operation."),
                                  request_id=request_id, ticket=done.ticket)
        job = s.exec(select(PrintJob.id).where(PrintJob.ticket == done.ticket)
                     .order_by(col(PrintJob.id))).first()
        return done, job or 0, True

    # -- printing ------------------------------------------------------------------------

    def render(self, receipt: Receipt, *, kick: bool = False) -> bytes:
        """ESC/POS bytes for the configured printer; LedgerError if its profile is unknown."""
        from receipts import render
        from receipts.render import WidthError

        printer = self.settings.printer
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

    def _enqueue(self, s: Session, ticket: str, kind: str, receipt: Receipt | None) -> int:
        """Queue a receipt inside the caller's transaction; its job id.

        `receipt=None` (sales) queues the ticket only: its bytes are rendered from the journal
        entry when first printed or previewed (`job_bytes`), off the sell path. Stored bytes
        carry a MAC with the ledger key (pos/ledger/print_queue.py).
        """
        data, status, error = None, "pending", None
        if receipt is not None:
            try:
                data = self.render(receipt)
            except LedgerError as exc:
                # A wrong [printer] profile must not stop a shift, a void or a Z: the slip is
                # kept, rendered for the generic profile, and waits in the queue as failed.
                from receipts import render

                data = render(receipt)
                status, error = "failed", str(exc)[:300]
        job_id = s.connection().execute(
            _INSERT_JOB,
            {"series": self.series, "ticket": ticket, "kind": kind, "data": data,
             "mac": None if data is None else print_queue.job_mac(
                 self.key, self.series, ticket, kind, data),
             "status": status, "attempts": 0, "last_error": error,
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
                             profile=p.profile, cash_drawer=p.cash_drawer,
                             status_check=p.status_check)

    def print_job(self, job_id: int) -> PrintOutcome:
        """Claim one queued receipt, send it and wait for the printer to confirm it.

        Never raises. A job another process holds is skipped; a job that may already be on
        paper (unconfirmed, or left 'sending' by a crash) is printed only as a COPIA.
        """
        from receipts import PrinterError, send

        try:
            with self._reader() as s:
                job = s.get(PrintJob, job_id)
                if job is None:
                    raise LedgerError(_("No print job {job}.", job=job_id))
        except LedgerError as exc:
            return PrintOutcome(job_id, "", False, str(exc))
        except SQLAlchemyError as exc:
            # Called right after a sale committed: the sale is kept, so report the receipt as
            # waiting in the queue instead of failing the sale the clerk was paid for.
            return PrintOutcome(job_id, "", False, _db_reason(exc))
        ticket, prior = job.ticket, job.status
        if prior not in print_queue.WAITING:
            return PrintOutcome(job_id, ticket, prior == "printed", None, skipped=True)
        copy = prior == "unconfirmed"
        try:
            token = self._write(lambda s: print_queue.claim(s, job_id, prior, self.clock()))
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
            self._finish_job(job_id, token, ticket, status, _db_reason(exc), "")
            return PrintOutcome(job_id, ticket, False, _db_reason(exc), copy=copy)

        error: str | None = None  # for the clerk, in their language
        detail = ""  # for the owner: the queue's last_error and the event log
        unsure = copy
        with self._print_lock:
            try:
                send(self.printer_config(), data)
            except PrinterError as exc:
                unsure = unsure or exc.sent
                error, detail = printer_fault_text(exc.reason, unsure), f" ({exc.message})"
            except Exception as exc:  # a driver bug must not take the sale down with it
                unsure = True
                error = printer_fault_text("error", True)
                detail = f" ({exc.__class__.__name__}: {exc})"
        status = "printed" if error is None else ("unconfirmed" if unsure else "failed")
        self._finish_job(job_id, token, ticket, status, error, detail, store,
                         replaces=job.kind == "reprint")
        return PrintOutcome(job_id, ticket, error is None, error, copy=copy,
                            unconfirmed=status == "unconfirmed")

    def _bytes_to_send(self, job: PrintJob, copy: bool) -> tuple[bytes, bytes | None]:
        """The bytes for this attempt, and the original bytes to keep in the queue (if newly
        rendered). Rewritten bytes are refused (LedgerError)."""
        with self._reader() as s:
            if job.data is not None and not print_queue.bytes_intact(self.key, job):
                if job.mac is not None or job.kind not in print_queue.ENTRY_KINDS:
                    self.log_event("print_tampered", f"{job.ticket}: job {job.id}")
                    raise LedgerError(_("The receipt bytes of {ticket} in the print queue were "
                                        "altered; they were not printed (R prints a copy from "
                                        "the ledger).", ticket=job.ticket))
                # Queued before MACs existed: print what the journal says, not the row.
                job = PrintJob.model_validate(job.model_dump() | {"data": None, "mac": None})
            if copy:
                if job.kind in print_queue.ENTRY_KINDS:
                    entry = s.exec(select(JournalEntry)
                                   .where(JournalEntry.ticket == job.ticket)).one()
                    return self.render(self._entry_receipt(entry, copy=True)), None
                if job.kind == "reprint" and job.data is not None:
                    return job.data, None  # already a COPIA
                from receipts import copy_banner

                return copy_banner(_("COPY")) + (job.data or b""), None
            if job.data is not None:
                return job.data, None
            data = self._job_data(s, job)
            return data, data

    def _finish_job(self, job_id: int, token: str, ticket: str, status: str, error: str | None,
                    detail: str, data: bytes | None = None, *, replaces: bool = False) -> None:
        """Record a claimed job's outcome (and a fault in the event log). Never raises: the
        sale behind the receipt is already safe."""
        values: dict[str, object] = {
            "status": status,
            "last_error": (error + detail)[:300] if error else None,
            "printed_at": journal.utc_now_text(self.clock()) if status == "printed" else None,
        }
        if data is not None:
            values["data"] = data

        def work(s: Session) -> None:
            if data is not None:  # the kind is part of the MAC: read it, never assume it
                kind = s.exec(select(PrintJob.kind).where(PrintJob.id == job_id)).one()
                values["mac"] = print_queue.job_mac(self.key, self.series, ticket, kind, data)
            if print_queue.finish(s, job_id, token, values) and replaces and status == "printed":
                print_queue.replace_unconfirmed(s, self.series, ticket,
                                            "a copy was printed instead")

        try:
            self._write(work)
        except LedgerError:
            pass
        if error:
            self.log_event("printer_fault", f"{ticket}: {error}{detail}")

    def _stale_after(self) -> timedelta:
        """How long a claim may last before its sender is taken for dead: connecting, sending
        and the status answer each take at most the printer timeout."""
        return timedelta(seconds=4 * self.settings.printer.timeout + 30)

    def _release_stale(self) -> None:
        note = _("outcome unknown: printing was interrupted (check the paper; it prints again "
                 "only as a copy)")
        with contextlib.suppress(LedgerError):
            self._write(lambda s: print_queue.release_stale(s, self.series, self.clock(),
                                                             self._stale_after(), note))

    def print_queue(self, *, pending_only: bool = True) -> list[PrintJob]:
        """This terminal's receipts not printed yet (or all, newest first)."""
        if pending_only:
            self._release_stale()
        from sqlalchemy.orm import defer

        with self._reader() as s:
            # Without the bytes: a listing is never stopped by a damaged receipt.
            query = (select(PrintJob).options(defer(PrintJob.data))  # type: ignore[arg-type]
                     .where(PrintJob.series == self.series)
                     .order_by(col(PrintJob.id).desc()))
            if pending_only:
                query = query.where(col(PrintJob.status).in_((*print_queue.WAITING, "sending")))
            return list(s.exec(query.limit(500)).all())

    def retry_print_queue(self) -> list[PrintOutcome]:
        """Try every waiting receipt again, oldest first; jobs another process is printing
        are left to it (and not reported)."""
        outcomes = [self.print_job(job.id) for job in reversed(self.print_queue())
                    if job.id and job.status in print_queue.WAITING]
        return [o for o in outcomes if not o.skipped]

    def job_bytes(self, job_id: int) -> bytes:
        """The receipt's ESC/POS bytes (for the on-screen preview)."""
        with self._reader() as s:
            job = s.get(PrintJob, job_id)
            if job is None:
                raise LedgerError(_("No print job {job}.", job=job_id))
            return self._job_data(s, job)

    def _job_data(self, s: Session, job: PrintJob) -> bytes:
        """A job's bytes: stored ones if their MAC holds, else rendered from the journal."""
        if job.data is not None and print_queue.bytes_intact(self.key, job):
            return job.data
        if job.data is not None and job.kind not in print_queue.ENTRY_KINDS:
            raise LedgerError(_("The receipt bytes of {ticket} in the print queue were "
                                "altered; they were not printed (R prints a copy from the "
                                "ledger).", ticket=job.ticket))
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

    def printer_test(self) -> PrinterTestResult:
        """Print the test page (Spanish characters, width ruler, barcode, cut) straight to the
        printer, outside the queue, and report the printer's status answer."""
        from receipts import PrinterError, send, test_page
        from receipts.render import layout

        printer = self.settings.printer
        try:
            columns = layout(printer.width, printer.profile)[0]  # "auto": the profile's
        except Exception:  # an unknown profile or width: render() below says which
            columns = printer.width if isinstance(printer.width, int) else 48
        page = test_page(header=(self.settings.shop.name,), title=_("PRINTER TEST"),
                         labels=(_("Characters"), _("Width"), _("Barcode")),
                         width=columns, barcode=journal.ticket_number(self.series, 0),
                         footer=(_("If every line reads right and the ruler fits on one line, "
                                   "the printer is ready."),))
        data = self.render(page)
        config = self.printer_config()
        try:
            status = send(config, data)
        except PrinterError as exc:
            return PrinterTestResult(False, None, printer_fault_text(exc.reason),
                                     exc.message, data)
        if status is None:
            answer = (_("no status check for this printer (kind {kind})", kind=printer.kind)
                      if not config.checks_status else "")
        else:
            parts = [printer_fault_text(code) for code in status.problems] or [
                _("online, paper OK")]
            if status.paper_low:
                parts.append(_("paper running low"))
            answer = _("the printer answered: {status}", status="; ".join(parts))
        return PrinterTestResult(True, answer, None, "", data)

    # -- voids ---------------------------------------------------------------------------

    def void(self, ticket: str, reason: str, manager: ClerkView, *,
             request_id: str | None = None, print_now: bool = True,
             airtime: str | None = None) -> SaleResult:
        """A reversing entry for a sale, authorised by a manager; the sale itself never changes.

        `airtime` (issue 13): for a delivered top-up, `reversed` or `not_reversed`.
        """
        if not manager.is_manager:
            raise AuthError(_("{name} is not a manager.", name=manager.name))
        reason = clean_reason(reason, N_("Write the reason for the void (3 letters or more)."))
        check_request_id(request_id)
        ticket = normalise_ticket(ticket)

        def work(s: Session) -> tuple[JournalEntry, int, bool]:
            done = self._replay(s, request_id, {"kind": "void", "clerk": manager.name,
                                                "ref_ticket": ticket, "reason": reason})
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
            if original.method == "cash":  # the refund leaves this terminal's drawer
                require_shift(s, self.series, N_("refunding cash"))
            entry = self._append(
                s, kind="void", clerk=manager.name, operator=original.operator, phone=original.phone,
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
        """The shop-local date a sale made now gets."""
        return self.clock().astimezone(self.tz).date()

    def verify(self, progress: Callable[[int], None] | None = None) -> journal.VerifyResult:
        """Check every chain in the ledger and every terminal's witness; raises ChainBroken at
        the first break. A witness that is missing, empty or zeroed is reported in
        `result.unchecked` (the tail it guards cannot be checked), not as tampering."""
        with self._reader() as s:
            result = journal.verify(s, self.key, progress)
            self._check_witnesses(s, result)
            verify_clerks(s, self.key)
            self._check_print_queue(s)
        return result

    def _check_print_queue(self, s: Session) -> None:
        """Queued receipt bytes must be the ones this program queued (their MAC)."""
        from pos.ledger.errors import ChainBroken

        for job in print_queue.altered_jobs(s, self.key):
            raise ChainBroken(job.ticket, _("its receipt bytes in the print queue were altered "
                                            "(print job {job})", job=job.id))

    def _check_witnesses(self, s: Session, result: journal.VerifyResult) -> None:
        """Every terminal's journal and event tail against its witness beside the key."""
        from pos.ledger.errors import ChainBroken

        key_path = self.settings.key_path
        conn = s.connection()
        files = witness.witness_files(key_path)
        in_ledger = {row[0] for row in conn.execute(text(
            "SELECT DISTINCT series FROM journal_entry UNION SELECT DISTINCT series FROM event_log"))}
        for series in sorted(set(files) | in_ledger):
            path = files.get(series, witness.witness_path(key_path, series))
            try:
                state = _read_with_legacy(path, key_path, self.key, series, whole=True)
            except witness.WitnessDamaged as exc:
                raise ChainBroken(series, _("the witness {path} is damaged or forged "
                                            "({reason})", path=path.name,
                                            reason=str(exc))) from None
            if state.status != "ok":
                if state.status == "missing" and series != self.series:
                    # Terminals on other machines (PostgreSQL) keep theirs beside their key.
                    result.notes.append(_("{series}: no witness beside this key file; its "
                                          "newest entries are checked on its own terminal.",
                                          series=series))
                elif series in in_ledger:
                    result.unchecked.append(_witness_gone(state.status, path))
                continue
            problem = _compare_heads(conn, series, state)
            if problem is not None:
                name = next((_head_name(series, kind, head.seq) for kind in
                             (witness.JOURNAL, witness.EVENTS)
                             if (head := state.head(kind)) is not None and head.seq > 0
                             and _hash_at(conn, series, kind, head.seq) != head.hash), series)
                raise ChainBroken(name, problem)
            for kind, head in state.resets:
                result.notes.append(_("{series}: a manager accepted the ledger at {name} after "
                                      "a rollback or a lost witness (see the event log).",
                                      series=series, name=_head_name(series, kind, head.seq)))
            if state.torn:
                result.notes.append(_("{path}: the last line was cut short (a power cut?) and "
                                      "was ignored.", path=path.name))

    def find_z(self, code: str) -> JournalEntry:
        """The Z whose printed chain code is `code`; ChainBroken if none has it."""
        from pos.ledger.errors import ChainBroken

        wanted = journal.parse_chain_code(code)
        if wanted is None:
            raise ValidationError("z_code", N_("'{value}' is not a chain code: 12 letters and "
                                               "digits as printed on the Z, e.g. "
                                               "A1B2-C3D4-E5F6."), value=(code or "")[:20])
        prefix = wanted.replace("-", "").lower()
        with self._reader() as s:
            rows = s.exec(select(JournalEntry).where(
                JournalEntry.kind == "z", col(JournalEntry.hash).startswith(prefix))).all()
        if not rows:
            raise ChainBroken(wanted, _("no Z in this ledger has this chain code: the ledger "
                                        "was rewritten before that Z, or it is another ledger "
                                        "(or the code was mistyped)"))
        return rows[0]

    def backup(self, output: Path, *, force: bool = False) -> list[Path]:
        """A consistent copy of the ledger with its key and witnesses (pos/ledger/backup.py)."""
        from pos.ledger.backup import backup_sqlite

        if self._problem is not None:
            raise LedgerError(self._stopped())
        path = database.sqlite_path(self.settings.ledger_url)
        if path is None:
            raise LedgerError(_("pos backup copies a SQLite ledger; back up a PostgreSQL "
                                "ledger with pg_dump, and copy the key file and its witnesses."))
        source = self.settings.source
        written = backup_sqlite(path, self.settings.key_path, self.key, output, force=force,
                                protected=[Path(source)] if source else [])
        self.log_event("backup", str(output)[:300])
        return written

    @classmethod
    def new_ledger(cls, settings: Settings, **kwargs: object) -> tuple[Shop, list[Path]]:
        """Start a new ledger where the old one is missing: its key and witnesses are kept,
        renamed `*.retired-<time>`, never deleted. Refused while the ledger exists."""
        path = database.sqlite_path(settings.ledger_url)
        if path is None:
            raise LedgerError(_("pos ledger new works on a SQLite ledger; for PostgreSQL, "
                                "point the config at a new empty database."))
        if path.exists():
            raise LedgerError(_("The ledger {path} exists: pos ledger new only starts over "
                                "when it is missing. Nothing was changed.", path=path))
        shop = cls(settings, **kwargs)  # type: ignore[arg-type]
        stamp = shop.clock().astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        key_path = settings.key_path
        retired: list[Path] = []
        olds = [key_path, *witness.witness_files(key_path).values(),
                *key_path.parent.glob(f"{key_path.name}.*.head")]
        for old in olds:
            if old.exists():
                new = old.with_name(f"{old.name}.retired-{stamp}")
                if new.exists():
                    raise LedgerError(_("{path} already exists: try again in a second.",
                                        path=new))
                old.rename(new)
                retired.append(new)
        shop._connect()
        shop.log_event("ledger_new", "retired: " + ", ".join(p.name for p in retired)[:400])
        return shop, retired

    def accept_ledger(self, manager: ClerkView, reason: str) -> str:
        """A manager accepts the ledger as it is after a rollback or a lost witness: the
        witness gains a line saying so (never loses one) and the event log records it."""
        if not manager.is_manager:
            raise AuthError(_("{name} is not a manager.", name=manager.name))
        reason = " ".join((reason or "").split())
        if not 3 <= len(reason) <= 200 or not reason.isprintable():
            raise ValidationError("reason", N_("Write the reason (3 to 200 letters)."))
        if self._problem is None:
            raise ValidationError("ledger", N_("Nothing to accept: this terminal's ledger "
                                               "matches its witness."))
        if self._key_problem:
            raise LedgerError(_("A wrong key cannot be accepted: put the right key file back."))
        assert self._witness is not None
        previous = self._problem
        with self._reader() as s:
            conn = s.connection()
            own = {kind: _own_head(conn, self.series, kind)
                   for kind in (witness.JOURNAL, witness.EVENTS)}
        for kind, current in own.items():
            if current is not None:
                self._witness.append("R" + kind, witness.Head(self.series, *current), sync=True)
                self._known[kind] = current
            else:
                self._known.pop(kind, None)
        self._problem = None
        self.log_event("ledger_accepted", f"{manager.name}: {reason} | {previous}")
        return previous

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


# -- the witness, seen from the terminal ------------------------------------------------------

_HEAD_SQL = {
    witness.JOURNAL: "SELECT seq, hash FROM journal_entry WHERE series = :series"
                     " ORDER BY seq DESC LIMIT 1",
    witness.EVENTS: "SELECT seq, hash FROM event_log WHERE series = :series"
                    " ORDER BY seq DESC LIMIT 1",
}
_HASH_AT_SQL = {
    witness.JOURNAL: "SELECT hash FROM journal_entry WHERE series = :series AND seq = :seq",
    witness.EVENTS: "SELECT hash FROM event_log WHERE series = :series AND seq = :seq",
}


def _own_head(conn: object, series: str, kind: str) -> tuple[int, str] | None:
    row = conn.execute(text(_HEAD_SQL[kind]), {"series": series}).first()  # type: ignore[attr-defined]
    return (int(row[0]), str(row[1])) if row is not None else None


def _hash_at(conn: object, series: str, kind: str, seq: int) -> str | None:
    row = conn.execute(text(_HASH_AT_SQL[kind]),  # type: ignore[attr-defined]
                       {"series": series, "seq": seq}).first()
    return str(row[0]) if row is not None else None


def _head_name(series: str, kind: str, seq: int) -> str:
    return journal.ticket_number(series, seq) if kind == witness.JOURNAL else f"event {series}#{seq}"


def _compare_heads(conn: object, series: str, state: witness.WitnessState) -> str | None:
    """Why the ledger does not hold the witnessed heads (rolled back, cut or forked), or None."""
    for kind in (witness.JOURNAL, witness.EVENTS):
        head = state.head(kind)
        if head is None or head.seq == 0:
            continue
        found = _hash_at(conn, series, kind, head.seq)
        name = _head_name(series, kind, head.seq)
        if found is None:
            newest = _own_head(conn, series, kind)
            last = _head_name(series, kind, newest[0]) if newest else _("nothing")
            return _("the witness records {name}, but the ledger ends at {last}: the database "
                     "was replaced by an older copy, or its newest entries were deleted.",
                     name=name, last=last)
        if found != head.hash:
            return _("{name} differs from the one the witness recorded when it was written: "
                     "the chain was rewritten or forked from an older copy.", name=name)
    return None


def _witness_gone(status: str, path: object) -> str:
    messages = {
        "missing": N_("the witness {path} is missing (deleted?): the newest entries cannot be "
                      "checked against a rollback."),
        "empty": N_("the witness {path} is empty (zero length): the newest entries cannot be "
                    "checked against a rollback."),
        "zeroed": N_("the witness {path} holds only zeros: the newest entries cannot be "
                     "checked against a rollback."),
    }
    return _(messages.get(status, messages["missing"]), path=path)


def _read_with_legacy(path: Path, key_path: Path, key: bytes, series: str, *,
                      whole: bool) -> witness.WitnessState:
    """The witness; where an earlier version left only its head record, that head."""
    state = witness.read_witness(path, key, series, whole=whole)
    if state.status == "missing":
        legacy = witness.read_legacy_head(key_path, key, series)
        if legacy is not None:
            return witness.WitnessState("ok", journal=legacy)
    return state


def _witnessed_anything(path: Path) -> bool:
    """Whether a witness records any entry (read before the key is loaded: no MAC check)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return False
    for line in raw.split(b"\n"):
        fields = line.split(b"|")
        if len(fields) == 5 and fields[2].isdigit() and int(fields[2]) > 0:
            return True
    return False


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


def _db_reason(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]


_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}")


def check_new_pin(pin: str) -> None:
    """A PIN has 4 to 8 digits."""
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise ValidationError("pin", N_("The PIN has 4 to 8 digits."))


def check_request_id(request_id: str | None) -> None:
    """An idempotency key is 1–64 ASCII letters, digits and `._:-` (a UUID fits)."""
    if request_id is not None and not _REQUEST_ID.fullmatch(request_id):
        raise ValidationError("request_id", N_("The request id has 1 to 64 letters, digits, "
                                               "'.', '_', ':' or '-'."))


def request_digest(request: dict[str, object]) -> str:
    """SHA-256 of a request's content (its idempotency key left out), canonical JSON."""
    import json

    content = {k: v for k, v in request.items() if k != "request_id"}
    data = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


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
