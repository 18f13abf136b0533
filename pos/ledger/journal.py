"""The append-only journal: gapless per-terminal sequence, chained HMAC-SHA256, verification."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, text
from sqlmodel import Session, SQLModel, col, select

from pos.domain.text import check_free_text
from pos.domain.ticket import ticket_number  # the one rule; `journal.ticket_number` still works
from pos.i18n import _
from pos.ledger.errors import ChainBroken, LedgerError
from pos.ledger.models import GENESIS, EventEntry, JournalEntry
from pos.ledger.tx import Tx, Where, tx_of

Row = TypeVar("Row", JournalEntry, EventEntry)


def utc_now_text(now: datetime | None = None) -> str:
    """An aware time as the ledger's UTC text, microsecond precision."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    if moment.year < 1000:  # strftime's %Y pads or not, as the C library does
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # The same text as that strftime, without its format parsing (~10 µs, three times a sale):
    # tests/ledger/test_time_text.py compares both over any moment.
    return "%d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
        moment.microsecond)


def parse_utc(value: str) -> datetime:
    """The ledger's UTC text back to an aware datetime."""
    # The stored form by the C parser (strptime cost ~10 µs, three times per sale); any
    # other text goes through the strict format, which refuses it as before.
    # Every separator checked: fromisoformat alone also reads other ISO forms (week dates).
    if (len(value) == 27 and value[4] == value[7] == "-" and value[10] == "T"
            and value[13] == value[16] == ":" and value[19] == "." and value[26] == "Z"
            and value[20:26].isdigit()):
        try:
            return datetime.fromisoformat(value[:26]).replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


# Columns added to a chained table after the first release: hashed only when set, so an
# entry written before the column existed still verifies (its canonical bytes are unchanged).
OPTIONAL_FIELDS: frozenset[str] = frozenset({"period"})


def canonical(row: SQLModel | dict[str, Any]) -> bytes:
    """The bytes the HMAC covers: every column but `id` and `hash`, as sorted compact JSON.

    A column in OPTIONAL_FIELDS is left out while it is None.
    """
    if isinstance(row, dict):
        items = [(name, value) for name, value in row.items() if name not in ("id", "hash")]
    else:
        items = [(name, getattr(row, name)) for name in type(row).model_fields
                 if name not in ("id", "hash")]
    values = {name: value for name, value in items
              if value is not None or name not in OPTIONAL_FIELDS}
    return _CANONICAL(values).encode()


# json.dumps(..., sort_keys=True, ensure_ascii=False, separators=(",", ":")) builds this encoder
# anew at every call; the same one, built once.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def entry_hash(key: bytes, row: SQLModel | dict[str, Any]) -> str:
    """HMAC-SHA256 over the canonical fields, which include the previous entry's hash."""
    return hmac.new(key, canonical(row), hashlib.sha256).hexdigest()


def _column_defaults(model: type[SQLModel]) -> dict[str, Any]:
    """Every hashed column with its default, so a dict row hashes like the stored row."""
    return {name: (None if info.is_required() else info.default)
            for name, info in model.model_fields.items() if name not in ("id", "hash")}


_JOURNAL_DEFAULTS = _column_defaults(JournalEntry)
_JOURNAL_COLUMNS = frozenset(_JOURNAL_DEFAULTS)
_EVENT_COLUMNS = tuple(n for n in EventEntry.model_fields if n != "id")
# The chain's statements as SQL text on the driver's cursor (pos/ledger/tx.py): built once,
# they cost ~5 µs each where SQLAlchemy's statement machinery cost ~25 µs.
_HEAD = (
    "SELECT seq, hash, created_at, (SELECT count(*) FROM journal_entry"
    " WHERE series = :series AND kind = 'z')"
    " FROM journal_entry WHERE series = :series ORDER BY seq DESC LIMIT 1")
_INSERT_ENTRY = (
    f"INSERT INTO journal_entry ({', '.join((*_JOURNAL_DEFAULTS, 'hash'))})"
    f" VALUES ({', '.join(':' + name for name in (*_JOURNAL_DEFAULTS, 'hash'))})")
_EVENT_HEAD = ("SELECT seq, hash FROM event_log WHERE series = :series"
               " ORDER BY seq DESC LIMIT 1")
_INSERT_EVENT = (f"INSERT INTO event_log ({', '.join(_EVENT_COLUMNS)})"
                 f" VALUES ({', '.join(':' + name for name in _EVENT_COLUMNS)})")
_CLOCK_CONFIRMED = ("SELECT id FROM event_log WHERE series = :series"
                    " AND kind = 'clock_confirmed' AND detail = :detail LIMIT 1")


def lock_series(where: Session | Tx, lock_name: str) -> None:
    """Serialise appends to one chain. SQLite already holds the write lock (BEGIN IMMEDIATE)."""
    tx = tx_of(where)
    if not tx.postgres:
        return
    held = tx.info.setdefault("pos_locks", set())  # one transaction
    if lock_name in held:
        return
    tx.one("SELECT pg_advisory_xact_lock(hashtext(:name))", {"name": lock_name})
    held.add(lock_name)


def business_date(now: datetime, tz: ZoneInfo) -> str:
    """The shop-local calendar date of a moment: the only date an entry ever gets."""
    return now.astimezone(tz).date().isoformat()


def current_period(session: Session, series: str) -> int:
    """The number of the terminal's open period: one more than its Zs so far."""
    count = session.exec(select(func.count()).select_from(JournalEntry).where(
        JournalEntry.series == series, JournalEntry.kind == "z")).one()
    return int(count) + 1


# -- the clock guard -------------------------------------------------------------------------

CLOCK_SLACK = timedelta(minutes=5)  # an NTP step or a clerk fixing the minutes is not a fault


class ClockSuspect(LedgerError):
    """The clock reads before this terminal's newest entry, or too far after it."""

    def __init__(self, now: datetime, newest: datetime, seq: int, ahead: bool,
                 tz: ZoneInfo | None = None) -> None:
        self.now, self.newest, self.seq, self.ahead = now, newest, seq, ahead
        shown = (lambda moment: moment.astimezone(tz)) if tz is not None else (lambda m: m)
        super().__init__(_("The clock reads {now} but this terminal's newest entry is of "
                           "{newest}: {what}. Fix the PC's date and time, or a manager confirms "
                           "the date (pos clock confirm).",
                           now=shown(now).strftime("%Y-%m-%d %H:%M"),
                           newest=shown(newest).strftime("%Y-%m-%d %H:%M"),
                           what=_("the clock is far ahead") if ahead
                           else _("the clock is behind")))


def clock_confirmation(seq: int) -> str:
    """The event detail that confirms the clock for the chain as it stands at `seq`."""
    return f"clock confirmed at entry #{seq}"


def check_clock(where: Session | Tx, series: str, now: datetime, newest_seq: int,
                newest_text: str, max_ahead: timedelta | None,
                tz: ZoneInfo | None = None) -> None:
    """Refuse a clock behind the newest entry or more than `max_ahead` past it, unless a
    manager confirmed the clock since that entry (a chained event naming its sequence)."""
    newest = parse_utc(newest_text)
    behind = now < newest - CLOCK_SLACK
    ahead = max_ahead is not None and now > newest + max_ahead
    if not (behind or ahead):
        return
    confirmed = tx_of(where).one(_CLOCK_CONFIRMED, {"series": series,
                                                    "detail": clock_confirmation(newest_seq)})
    if confirmed is None:
        raise ClockSuspect(now.astimezone(timezone.utc), newest, newest_seq, ahead, tz)


def _last(session: Session, model: type[Row], series: str) -> Row | None:
    return session.exec(
        select(model).where(model.series == series).order_by(col(model.seq).desc()).limit(1)
    ).first()


def append_entry(
    where: Session | Tx,
    key: bytes,
    *,
    series: str,
    kind: str,
    now: datetime,
    tz: ZoneInfo,
    max_ahead: timedelta | None = None,
    **fields: Any,
) -> JournalEntry:
    """Add the next entry of `series` inside the caller's transaction and return it.

    Its date is the shop-local date of `now`; `now` must pass the clock guard."""
    tx = tx_of(where)
    lock_series(tx, f"journal:{series}")
    # One round trip for the chain head and the period.
    head = tx.one(_HEAD, {"series": series})
    if head is None:
        seq, prev_hash, zs = 1, GENESIS, 0
    else:
        seq, prev_hash, zs = head[0] + 1, head[1], int(head[3])
        check_clock(tx, series, now, head[0], head[2], max_ahead, tz)
    check = tx.info.get("pos_check")  # the terminal compares the head with its witness
    if check is not None:
        check(tx, series, "J", seq - 1, prev_hash)
    unknown = fields.keys() - _JOURNAL_COLUMNS
    if unknown or "business_date" in fields or "period" in fields:
        raise TypeError(f"not journal columns the caller may set: {sorted(fields)}")
    # The one door every typed text passes: no full card number is ever stored.
    check_free_text(fields)
    values = _JOURNAL_DEFAULTS | fields | {
        "series": series,
        "seq": seq,
        "ticket": ticket_number(series, seq),
        "kind": kind,
        "created_at": utc_now_text(now),
        "business_date": business_date(now, tz),
        "period": zs + 1,  # a Z closes the period it ends
        "prev_hash": prev_hash,
    }
    values["hash"] = entry_hash(key, values)
    tx.run(_INSERT_ENTRY, values)
    # The terminal records the new head outside the database once the transaction commits.
    tx.info["pos_head"] = (series, seq, values["hash"])
    return JournalEntry.model_construct(**values)


def append_event(where: Session | Tx, key: bytes, *, series: str, kind: str, detail: str = "",
                 now: datetime | None = None) -> EventEntry:
    """Add a chained event-log entry inside the caller's transaction."""
    tx = tx_of(where)
    lock_series(tx, f"event:{series}")
    last = tx.one(_EVENT_HEAD, {"series": series})
    seq, prev_hash = (last[0] + 1, last[1]) if last is not None else (1, GENESIS)
    check = tx.info.get("pos_check")
    if check is not None:
        check(tx, series, "E", seq - 1, prev_hash)
    values: dict[str, Any] = {"series": series, "seq": seq, "created_at": utc_now_text(now),
                              "kind": kind, "detail": detail[:500], "prev_hash": prev_hash}
    values["hash"] = entry_hash(key, values)
    tx.run(_INSERT_EVENT, values)
    tx.info["pos_event_head"] = (series, seq, values["hash"])
    return EventEntry.model_construct(**values)


def chain_code(entry_hash: str) -> str:
    """The short code a Z slip prints for its entry (`A1B2-C3D4-E5F6`), checked by verify."""
    head = entry_hash[:12].upper()
    return f"{head[:4]}-{head[4:8]}-{head[8:12]}"


def parse_chain_code(text: str) -> str | None:
    """A typed chain code in its printed form, or None if it is not one."""
    raw = "".join((text or "").split()).replace("-", "").upper()
    if len(raw) != 12 or not all(c in "0123456789ABCDEF" for c in raw):
        return None
    return chain_code(raw.lower())


def canonical_json(data: dict[str, Any]) -> str:
    """Figures stored in an entry's `data` column, in one stable form."""
    return _CANONICAL(data)


@dataclass
class VerifyResult:
    """What `verify` checked."""

    entries: int = 0
    events: int = 0
    heads: dict[str, str] = field(default_factory=dict)  # series -> last hash
    unchecked: list[str] = field(default_factory=list)  # witnesses missing, empty or zeroed
    notes: list[str] = field(default_factory=list)  # accepted rollbacks, torn last lines


# -- verification from plain tuples -----------------------------------------------------------
# Verify reads rows as tuples (Core, streamed in batches) and encodes them itself: hydrating a
# million ORM objects and reading their instrumented attributes was a third of its time. The
# bytes must stay exactly canonical()'s: tests/ledger/test_verify_encoding.py compares both.

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # built once
_ENCODE_TEXT = json.encoder.encode_basestring  # what that encoder does to a str
_BATCH = 5000


@dataclass(frozen=True)
class _ChainShape:
    """How a chained table is read for verification: hashed columns in sorted order, then hash."""

    table: str
    hashed: tuple[str, ...]  # sorted: a dict built in this order encodes like sort_keys=True
    optional: tuple[int, ...]  # positions in `hashed` left out while None (OPTIONAL_FIELDS)
    series: int
    seq: int
    prev_hash: int
    ticket: int | None  # journal only
    labels: tuple[str, ...]  # '"name":' for each hashed column, in order

    @classmethod
    def of(cls, model: type[SQLModel]) -> _ChainShape:
        hashed = tuple(sorted(n for n in model.model_fields if n not in ("id", "hash")))
        return cls(table=str(model.__tablename__), hashed=hashed,
                   optional=tuple(i for i, n in enumerate(hashed) if n in OPTIONAL_FIELDS),
                   series=hashed.index("series"), seq=hashed.index("seq"),
                   prev_hash=hashed.index("prev_hash"),
                   ticket=hashed.index("ticket") if "ticket" in hashed else None,
                   labels=tuple(_ENCODE_TEXT(name) + ":" for name in hashed))

    def select(self) -> str:
        columns = ", ".join(f'"{name}"' for name in (*self.hashed, "hash"))
        return f"SELECT {columns} FROM {self.table} ORDER BY series, seq"


JOURNAL_SHAPE = _ChainShape.of(JournalEntry)
EVENT_SHAPE = _ChainShape.of(EventEntry)


def canonical_tuple(shape: _ChainShape, values: tuple[Any, ...] | Any) -> bytes:
    """canonical() of a row given as its hashed values in `shape.hashed` order (any trailing
    values, such as the stored hash, are ignored).

    Built piece by piece with json's own string escaper: the same bytes as json.dumps of the
    sorted dict (text and integers, what the columns hold; anything else goes through the same
    JSON encoder), without building a dict per row.
    """
    parts: list[str] = []
    append = parts.append
    optional = shape.optional
    for i, (label, value) in enumerate(zip(shape.labels, values)):
        if value is None:
            if i not in optional:
                append(label + "null")
        elif type(value) is str:
            append(label + _ENCODE_TEXT(value))
        elif type(value) is int:
            append(label + int.__repr__(value))
        else:  # a float or bytes in a tampered file: whatever canonical() would make of it
            append(label + _ENCODE(value))
    return ("{" + ",".join(parts) + "}").encode()


def _walk(batches: Iterable[Iterable[Any]], shape: _ChainShape, key: bytes,
          progress: Callable[[int], None] | None) -> tuple[int, dict[str, str]]:
    """Check each chain of a table read in (series, seq) order; raise at the first break."""
    count = 0
    heads: dict[str, str] = {}
    expected_seq: dict[str, int] = {}
    encode = canonical_tuple
    i_series, i_seq, i_prev, i_ticket = shape.series, shape.seq, shape.prev_hash, shape.ticket
    n = len(shape.hashed)
    digest, compare = hmac.digest, hmac.compare_digest
    for batch in batches:
        for row in batch:
            series, found = row[i_series], row[i_seq]
            seq = expected_seq.get(series, 1)
            name = row[i_ticket] if i_ticket is not None else f"event {series}#{found}"
            if found != seq:
                # Name the missing entry too: a deleted ticket is what the manager looks for.
                missing = ticket_number(series, seq) if i_ticket is not None else f"#{seq}"
                what = (_("entry {missing} is missing before it", missing=missing)
                        if found > seq else _("sequence out of order"))
                raise ChainBroken(name, _("{what} (expected #{seq}, found #{found})", what=what,
                                          seq=seq, found=found))
            if i_ticket is not None and row[i_ticket] != ticket_number(series, found):
                # The ticket column itself is suspect here: name the entry by its position.
                raise ChainBroken(ticket_number(series, found),
                                  _("ticket number {ticket} does not match its sequence",
                                    ticket=row[i_ticket]))
            if row[i_prev] != heads.get(series, GENESIS):
                raise ChainBroken(name, _("previous-hash link broken (an entry was changed, "
                                          "removed or reordered)"))
            stored = row[n]
            if not isinstance(stored, str) or not compare(
                    stored, digest(key, encode(shape, row), "sha256").hex()):
                raise ChainBroken(name, _("contents do not match the entry's signature "
                                          "(edited or forged)"))
            heads[series] = stored
            expected_seq[series] = seq + 1
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(count)
    return count, heads


def _walk_table(session: Session, shape: _ChainShape, key: bytes,
                progress: Callable[[int], None] | None) -> tuple[int, dict[str, str]]:
    """Read the table as tuples, streamed in batches (a server-side cursor on PostgreSQL)."""
    conn = session.connection().execution_options(stream_results=True, yield_per=_BATCH)
    result = conn.execute(text(shape.select()))
    try:
        return _walk(result.partitions(), shape, key, progress)
    finally:
        result.close()  # also when a break stops the walk half-way


def verify(session: Session, key: bytes,
           progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Walk every chain; raise `ChainBroken` naming the first entry where one breaks."""
    entries, heads = _walk_table(session, JOURNAL_SHAPE, key, progress)
    n_events, _heads = _walk_table(session, EVENT_SHAPE, key, None)
    return VerifyResult(entries=entries, events=n_events, heads=heads)


def newest_row(where: Where, shape: _ChainShape,
               series: str) -> tuple[Any, ...] | None:
    """The newest row of `series` in a chained table (else the table's newest row), as a tuple
    in `shape.hashed` order with its stored hash last: what the start-up key check reads."""
    columns = ", ".join(f'"{name}"' for name in (*shape.hashed, "hash"))
    tx = tx_of(where)
    return (tx.one(f"SELECT {columns} FROM {shape.table} WHERE series = :series"
                   " ORDER BY seq DESC LIMIT 1", {"series": series})
            or tx.one(f"SELECT {columns} FROM {shape.table} ORDER BY id DESC LIMIT 1"))


def signed_by(key: bytes, shape: _ChainShape, row: tuple[Any, ...]) -> bool:
    """Whether `key` signed a row read by `newest_row` (its canonical bytes, as verify has
    them: tests/ledger/test_verify_encoding.py)."""
    stored = row[len(shape.hashed)]
    expected = hmac.digest(key, canonical_tuple(shape, row), "sha256").hex()
    return isinstance(stored, str) and hmac.compare_digest(stored, expected)


# -- the idempotency lookup on the sell path ------------------------------------------------

_ENTRY_COLUMNS = tuple(JournalEntry.model_fields)
# The unique index on request_id answers it; the first print job rides along (ix_print_job_ticket).
_BY_REQUEST = (
    "SELECT " + ", ".join(f"e.{name}" for name in _ENTRY_COLUMNS)
    + ", (SELECT min(j.id) FROM print_job j WHERE j.ticket = e.ticket)"
    " FROM journal_entry e WHERE e.request_id = :request_id")


@dataclass(frozen=True)
class RequestDone:
    """What an idempotency key already produced: its entry and its first print job (0: none)."""

    entry: JournalEntry  # built from the row, not loaded into the session
    job_id: int


def find_by_request_id(where: Where, request_id: str) -> RequestDone | None:
    """The entry a request id already produced, by one indexed query without the ORM.

    Called inside the write transaction: taken under the terminal's lock, so two submits of
    one draft cannot both append. The request id is unique across the whole ledger, so every
    terminal's entries are searched, as before.
    """
    row = tx_of(where).one(_BY_REQUEST, {"request_id": request_id})
    if row is None:
        return None
    values = dict(zip(_ENTRY_COLUMNS, row))
    return RequestDone(JournalEntry.model_construct(**values), int(row[-1] or 0))


def chain_head(session: Session, series: str) -> JournalEntry | None:
    """The last entry of a terminal's chain."""
    return _last(session, JournalEntry, series)
