"""The terminal: one unit of work over the ledger that every use case is built on.

It holds the settings, the engine, the key, the series and the clock; it opens (and if new,
creates) the ledger and refuses one that is not its own; it runs each write in one
transaction (`write`), appends chained entries (`append`) and events (`log_event`), and
keeps the witness beside the key in step with what it commits. Start-up and append checks
stop the terminal (`problem`) when the ledger was rolled back, replaced or signed by another
key. Use cases take a Terminal as a part: none of them inherits from it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, select

from pos.config import Settings
from pos.domain.entry import Entry
from pos.domain.errors import ValidationError
from pos.domain.ticket import normalise_ticket
from pos.i18n import N_, _
from pos.ledger import database, journal, witness
from pos.ledger.errors import DayClosedError, LedgerError
from pos.ledger.models import JournalEntry
from pos.ledger.tx import Connections, Tx, Where, tx_of
from pos.services.ports import Clock, system_clock

T = TypeVar("T")
_RECONNECTS = 1  # write_tx: a dropped connection is replaced once per transaction


class Terminal:
    """One terminal's settings, ledger connection, key and clock, and its write path."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        self.settings = settings
        self.series = settings.shop.series
        self.tz = ZoneInfo(settings.shop.timezone)
        self.clock: Clock = clock or system_clock
        self._engine: Engine | None = None
        self._connections: Connections | None = None  # kept for write_tx, see pos/ledger/tx.py
        self._key: bytes | None = None
        self.witness: witness.WitnessLog | None = None
        # The newest head of this terminal's journal ("J") and event log ("E") as witnessed:
        # each append must continue it (a rolled-back database does not).
        self.known: dict[str, tuple[int, str]] = {}
        # Why this terminal refuses to write (wrong key, rollback, witness gone), or None.
        self.problem: str | None = None
        self.key_problem = False
        self.print_lock = threading.Lock()  # one receipt at a time goes to the printer
        # The "start" event of this process, written inside its first transaction that appends
        # to the journal or the event log (a process that only reads writes nothing at all).
        self.start_detail: str | None = None

    # -- opening -------------------------------------------------------------------------

    def connect(self) -> None:
        """Open (and if new, create) the ledger; refuse anything that is not ours."""
        url = self.settings.ledger_url
        embedded = self.settings.source is None
        self._refuse_missing_ledger()
        self._engine = database.make_engine(url, create_parent=embedded)
        database.migrate(self._engine)
        self._connections = Connections(self._engine)
        key_path = self.settings.key_path
        # The witnesses are read before the ledger: a line is appended only after its entry is
        # committed, so terminals starting together never see a witness ahead of the ledger.
        witnessed = any(_witnessed_anything(p) for p in witness.witness_files(key_path).values())
        with self.reader() as s:
            # The event log is chained with the same key: a new key would break it too.
            tx = tx_of(s)
            has_entries = (tx.one("SELECT 1 FROM journal_entry LIMIT 1") is not None
                           or tx.one("SELECT 1 FROM event_log LIMIT 1") is not None)
        if not has_entries and witnessed:
            raise LedgerError(_("The ledger is empty, but the witness files beside {key} record "
                                "entries: the ledger was replaced by an empty one. Restore it "
                                "from a backup; to start a new ledger on purpose: pos ledger "
                                "new.", key=key_path))
        self._key = database.load_or_create_key(key_path, ledger_has_entries=has_entries)
        self.witness = witness.WitnessLog(witness.witness_path(key_path, self.series), self._key)
        if has_entries:
            self.problem = self._check_start()
        else:
            self.witness.begin(self.series)

    def _refuse_missing_ledger(self) -> None:
        """A SQLite ledger gone while its key or witness remain is never recreated silently."""
        path = database.sqlite_path(self.settings.ledger_url)
        if path is None or path.exists():
            return
        left = [p for p in key_files(self.settings.key_path) if p.exists()]
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
            state = read_with_legacy(path, key_path, self.key, self.series, whole=False)
            damaged = None
        except witness.WitnessDamaged as exc:
            damaged = exc
        with self.reader() as s:
            conn = s.connection()
            for shape in (journal.JOURNAL_SHAPE, journal.EVENT_SHAPE):
                # Plain tuples (no ORM statement to compile: ~15 ms of every `pos` process).
                row = journal.newest_row(conn, shape, self.series)
                if row is not None and not journal.signed_by(self.key, shape, row):
                    self.key_problem = True
                    name = (row[shape.ticket] if shape.ticket is not None
                            else f"event {row[shape.series]}#{row[shape.seq]}")
                    return _("the key file {path} does not sign the ledger's newest entry "
                             "{name}: the key was replaced, or the ledger is not this key's. "
                             "Put the right key file back.", path=key_path, name=name)
            own = own_heads(conn, self.series)
            if damaged is not None:
                return _("the witness {path} is damaged or forged ({reason}).", path=path,
                         reason=str(damaged))
            if state.status != "ok":
                if own[witness.JOURNAL] is None and own[witness.EVENTS] is None:
                    assert self.witness is not None
                    self.witness.begin(self.series)  # a terminal new to this ledger
                    return None
                return witness_gone(state.status, path)
            problem = compare_heads(conn, self.series, state)
            if problem is not None:
                return problem
        assert self.witness is not None
        for kind, current in own.items():
            if current is None:
                continue
            recorded = state.head(kind)
            if recorded is None or current[0] > recorded.seq:
                # Behind after a power cut, or another process of this terminal: catch up.
                self.witness.append(kind, witness.Head(self.series, *current), sync=True)
            self.known[kind] = current
        return None

    def _check_append(self, conn: Where, series: str, kind: str, seq: int,
                      prev_hash: str) -> None:
        """Before an append: the ledger's head must continue the one last witnessed here."""
        known = self.known.get(kind)
        if series != self.series or known is None or known == (seq, prev_hash):
            return
        if seq > known[0]:
            # Another process of this terminal appended meanwhile: fine if it continued ours.
            row = hash_at(conn, series, kind, known[0])
            if row is not None and row == known[1]:
                return
        self.problem = _("the ledger no longer holds {name} as this terminal wrote it (the "
                         "database was replaced by an older copy or rewritten).",
                         name=head_name(series, kind, known[0]))
        raise LedgerError(self.stopped())

    def stopped(self) -> str:
        """Why nothing may be written, and what a manager does about it."""
        return _("This terminal is stopped: {problem} A manager must check the ledger "
                 "(pos verify), then restore the right files or accept the ledger as it is "
                 "(pos ledger accept).", problem=self.problem)

    def _witnessed(self, kind: str, head: tuple[str, int, str] | None) -> None:
        if head is None or head[0] != self.series or self.witness is None:
            return
        self.witness.append(kind, witness.Head(*head))
        self.known[kind] = (head[1], head[2])

    def close(self) -> None:
        if self.witness is not None:
            self.witness.close()
        if self._connections is not None:
            self._connections.close()
        if self._engine is not None:
            self._engine.dispose()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise LedgerError(_("The ledger is not open."))
        return self._engine

    @property
    def connections(self) -> Connections:
        if self._connections is None:
            raise LedgerError(_("The ledger is not open."))
        return self._connections

    @property
    def key(self) -> bytes:
        assert self._key is not None
        return self._key

    # -- transactions --------------------------------------------------------------------

    def session(self):  # noqa: ANN201
        return database.session_scope(self.engine)

    def reader(self):  # noqa: ANN201
        """A read-only session: lookups, history, verify and exports never block a sale."""
        return database.read_session(self.engine)

    def write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one durable write transaction, turning database faults into
        LedgerError. (Print-job progress, committed without waiting for the disk, runs on
        `write_tx(..., relaxed=True)`.)"""
        committing = False
        if self.problem is not None:
            raise LedgerError(self.stopped())
        faults = self._faults
        try:
            with Session(self.engine, expire_on_commit=False) as s:
                s.info["pos_check"] = self._check_append
                try:
                    result = work(s)
                    self._start_event(s)
                    s.flush()
                    committing = True
                    s.commit()
                except BaseException:
                    with contextlib.suppress(*faults):
                        s.rollback()
                    raise
            self._committed(s.info)
            return result
        except (LedgerError, ValidationError):
            raise
        except faults as exc:
            raise self._fault(exc, committing) from None

    def write_tx(self, work: Callable[[Tx], T], *, relaxed: bool = False) -> T:
        """`write` for work that needs no ORM (the sale, its print job's progress): the same
        transaction, checks, start event, witness and error messages, on the driver's own
        connection (pos/ledger/tx.py) — a Session's machinery cost more than the sale's SQL.

        Committed durably, unless `relaxed`: then without waiting for the disk, for print-job
        progress only (pos/ledger/tx.py says why that is safe). A relaxed transaction must
        append nothing chained (its head would reach the witness while the commit itself could
        still be lost); it never carries the pending start event.

        A PostgreSQL connection found dropped by the server before the commit was sent (it
        was not pinged: `database.trusting_recent_connections`) held nothing: the pool is
        emptied and the work runs again on a new connection, as the ping would have done.
        """
        if self.problem is not None:
            raise LedgerError(self.stopped())
        faults = self._faults
        for attempt in range(_RECONNECTS + 1):
            committing = False
            tx: Tx | None = None
            try:
                tx = self.connections.tx()
                try:
                    tx.info["pos_check"] = self._check_append
                    try:
                        tx.start(relaxed=relaxed)
                        result = work(tx)
                        if relaxed:
                            _refuse_relaxed_heads(tx.info)
                        else:
                            self._start_event(tx)
                        committing = True
                        tx.commit()
                    except BaseException:
                        with contextlib.suppress(*self._driver_errors):
                            tx.rollback()
                        raise
                finally:
                    tx.close()
                self._committed(tx.info)
                return result
            except (LedgerError, ValidationError):
                raise
            except faults as exc:
                if tx is not None and tx.lost and not committing and attempt < _RECONNECTS:
                    self.engine.dispose(close=False)  # its other connections died with it
                    continue
                raise self._fault(exc, committing) from None
        raise AssertionError("unreachable")

    @property
    def _driver_errors(self) -> tuple[type[Exception], ...]:
        """The database driver's own errors (raised by statements run on a Tx)."""
        dbapi = self.engine.dialect.dbapi
        return (dbapi.Error,) if dbapi is not None else ()

    @property
    def _faults(self) -> tuple[type[Exception], ...]:
        """Every database error a write turns into the clerk's message."""
        return (SQLAlchemyError, *self._driver_errors)

    def _committed(self, info: dict[str, Any]) -> None:
        """After a commit: the start event is written, the new heads are witnessed."""
        if info.pop("pos_started", False):
            self.start_detail = None
        self._witnessed(witness.JOURNAL, info.pop("pos_head", None))
        self._witnessed(witness.EVENTS, info.pop("pos_event_head", None))

    def _fault(self, exc: Exception, committing: bool) -> LedgerError:
        """The clerk's message for a database fault in a write."""
        orig = getattr(exc, "orig", None) or exc
        message = str(orig).splitlines()[0][:200] if str(orig) else ""
        if "period is closed" in message:
            return DayClosedError(_("This period is already closed (Z)."))
        dbapi = self.engine.dialect.dbapi
        if isinstance(exc, IntegrityError) or (
                dbapi is not None and isinstance(orig, dbapi.IntegrityError)):
            return LedgerError(_("The ledger refused the entry: {reason}", reason=message))
        if committing and self.engine.dialect.name != "sqlite":
            # The connection died during COMMIT: the server may or may not have kept it.
            # (SQLite's commit is local: a failed one is rolled back, nothing was saved.)
            return LedgerError(_("The ledger did not confirm the save ({reason}): look it "
                                 "up in the history before doing it again.", reason=message))
        return LedgerError(_("The ledger is not reachable; nothing was saved ({reason}).",
                             reason=message))

    def _start_event(self, where: Session | Tx) -> None:
        """This process's start event, in its first transaction that appends a chained row
        (after the work: the event lock is always taken last, as every write does)."""
        detail = self.start_detail
        info = where.info
        if detail is None or ("pos_head" not in info and "pos_event_head" not in info):
            return
        self.event(where, "start", detail)
        info["pos_started"] = True

    def append(self, s: Session | Tx, **fields: Any) -> JournalEntry:
        """The next entry of this terminal's chain, dated by the clock (past its guard)."""
        return journal.append_entry(
            s, self.key, series=self.series, now=self.clock(), tz=self.tz,
            max_ahead=timedelta(days=self.settings.cash.max_clock_jump_days), **fields)

    def event(self, s: Session | Tx, kind: str, detail: str = "") -> Any:
        """A chained event inside the caller's transaction."""
        return journal.append_event(s, self.key, series=self.series, kind=kind, detail=detail,
                                    now=self.clock())

    def log_event(self, kind: str, detail: str = "") -> None:
        """Add to the chained event log in its own transaction; never fails a sale."""
        try:
            self.write(lambda s: self.event(s, kind, detail))
        except LedgerError:
            pass

    # -- the clock -----------------------------------------------------------------------

    def clock_problem(self) -> journal.ClockSuspect | None:
        """Why the clock cannot be trusted for a new entry now, if it cannot."""
        with self.reader() as s:
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

    def today(self) -> date:
        """The shop-local date a sale made now gets."""
        return self.clock().astimezone(self.tz).date()

    def local(self, utc_text: str) -> datetime:
        """A stored UTC time on the shop's clock."""
        return journal.parse_utc(utc_text).astimezone(self.tz)

    def local_moment(self, moment: datetime) -> str:
        """A moment as the shop reads it: the time, and the date when it is not today."""
        local = moment.astimezone(self.tz)
        if local.date() == self.today():
            return local.strftime("%H:%M:%S")
        return local.strftime("%Y-%m-%d %H:%M:%S")

    def entry(self, row: JournalEntry) -> Entry:
        """A ledger row as the value that leaves the services."""
        return Entry.of(row, self.local(row.created_at))


# -- tickets ------------------------------------------------------------------------------------

def find_row(s: Session, ticket: str) -> JournalEntry:
    """The journal row of a ticket as typed, or the clerk's error if there is none."""
    ticket = normalise_ticket(ticket)
    row = s.exec(select(JournalEntry).where(JournalEntry.ticket == ticket)).first()
    if row is None:
        raise ValidationError("ticket", N_("Ticket {ticket} does not exist."), ticket=ticket)
    return row


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


def key_files(key_path: Path) -> list[Path]:
    """The key and everything named after it that guards the ledger (witnesses, heads)."""
    return [key_path, *witness.witness_files(key_path).values(),
            *key_path.parent.glob(f"{key_path.name}.*.head")]


def own_head(conn: Where, series: str, kind: str) -> tuple[int, str] | None:
    row = tx_of(conn).one(_HEAD_SQL[kind], {"series": series})
    return (int(row[0]), str(row[1])) if row is not None else None


def own_heads(conn: Where, series: str) -> dict[str, tuple[int, str] | None]:
    """The newest journal and event entry of a terminal: (seq, hash) or None."""
    return {kind: own_head(conn, series, kind) for kind in (witness.JOURNAL, witness.EVENTS)}


def hash_at(conn: Where, series: str, kind: str, seq: int) -> str | None:
    row = tx_of(conn).one(_HASH_AT_SQL[kind], {"series": series, "seq": seq})
    return str(row[0]) if row is not None else None


def head_name(series: str, kind: str, seq: int) -> str:
    return journal.ticket_number(series, seq) if kind == witness.JOURNAL else f"event {series}#{seq}"


def compare_heads(conn: Where, series: str, state: witness.WitnessState) -> str | None:
    """Why the ledger does not hold the witnessed heads (rolled back, cut or forked), or None."""
    for kind in (witness.JOURNAL, witness.EVENTS):
        head = state.head(kind)
        if head is None or head.seq == 0:
            continue
        found = hash_at(conn, series, kind, head.seq)
        name = head_name(series, kind, head.seq)
        if found is None:
            newest = own_head(conn, series, kind)
            last = head_name(series, kind, newest[0]) if newest else _("nothing")
            return _("the witness records {name}, but the ledger ends at {last}: the database "
                     "was replaced by an older copy, or its newest entries were deleted.",
                     name=name, last=last)
        if found != head.hash:
            return _("{name} differs from the one the witness recorded when it was written: "
                     "the chain was rewritten or forked from an older copy.", name=name)
    return None


def witness_gone(status: str, path: object) -> str:
    messages = {
        "missing": N_("the witness {path} is missing (deleted?): the newest entries cannot be "
                      "checked against a rollback."),
        "empty": N_("the witness {path} is empty (zero length): the newest entries cannot be "
                    "checked against a rollback."),
        "zeroed": N_("the witness {path} holds only zeros: the newest entries cannot be "
                     "checked against a rollback."),
    }
    return _(messages.get(status, messages["missing"]), path=path)


def read_with_legacy(path: Path, key_path: Path, key: bytes, series: str, *,
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


def db_reason(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]


def _refuse_relaxed_heads(info: dict[str, Any]) -> None:
    if "pos_head" in info or "pos_event_head" in info:
        raise RuntimeError("a relaxed transaction appended a chained row")
