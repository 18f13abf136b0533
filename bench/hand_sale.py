"""The SQL one sale needs: the app's own statements, captured from the app and replayed by hand.

`capture(shop, sale)` runs `sale()` once, untimed, while it records every statement the shop's
write transactions send on the driver's connection (pos/ledger/tx.py: `Connections.tx` is how
a sale and its print outcome reach the database), with their parameters, in order. On SQLite:
BEGIN IMMEDIATE, the request-id look-up, the shift check, the chain head, the entry, the print
job (its bytes, claimed), COMMIT; then PRAGMA synchronous=NORMAL, BEGIN IMMEDIATE, the
outcome's UPDATE, COMMIT, PRAGMA synchronous=FULL. On PostgreSQL the same, with the terminal's
advisory lock and `SET LOCAL synchronous_commit = off`, the driver's commit() for COMMIT. On
SQLite the connection is also traced (sqlite3's trace callback shows everything SQLite runs,
whoever sent it): a capture that missed a statement the app sent is refused, so the replay is
never less SQL than the app's. Nothing is written down by hand: when the app's statements
change, the replay follows.

`Replay` sends those statements — same text, order, transactions (and, on SQLite, pragmas) —
on a plain driver connection, with fresh identity values so each replay is a new sale (seq,
ticket, request id, hashes, claim, and the job id its INSERT returns), and appends the
receipt's bytes to a file between the two transactions (open, write, close: what the file
printer does). Without a key, the entry's hash is random hex: no pos code and no Python work of
the sale's own, only the database's and the disk's (bench/bench_sell.py's floor). With the
ledger key it also computes what any correct sale must, the entry's HMAC over its canonical
JSON and the job's MAC (bench/bench_pg_terminals.py's "same SQL by hand").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The pragmas a ledger connection runs with (read back from the app's connection).
PRAGMAS = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
GENESIS = "0" * 64  # the previous hash of a chain's first entry
# A parameter as SQLite's statement text has it: the text before the first one is traced as is.
_PARAM = re.compile(r"(?<![:\w]):[A-Za-z_]|\?")
_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC

Statement = tuple[str | None, dict[str, Any]]  # None: the driver's commit() (psycopg)
# What runs one statement on a plain connection: its first row, or None.
Execute = Callable[[str | None, dict[str, Any]], Any]


@dataclass(frozen=True)
class Step:
    """One captured statement, and how the replay makes it a new sale's."""

    sql: str | None
    params: dict[str, Any]
    fresh: tuple[tuple[str, str], ...]  # (parameter, role): a value of the new sale's
    entry: bool  # the journal entry's INSERT (its `hash` is the HMAC of the rest, with a key)
    job: bool  # the print job's INSERT: it returns the job's id, its `mac` covers the bytes
    then_print: bool  # the sale's durable commit: the receipt goes to the printer after it


@dataclass(frozen=True)
class Captured:
    """One sale's statements, as the app sent them."""

    steps: tuple[Step, ...]
    series: str
    seq: int
    hash: str
    receipt: bytes  # the print job's bytes, as the printer got them
    pragmas: dict[str, Any]  # SQLite's, as the app's connection has them


class _Recorder:
    """A Tx's driver connection, noting each statement it is sent."""

    def __init__(self, driver: Any, log: list[Statement]) -> None:
        self._driver = driver
        self._log = log

    def execute(self, statement: str, params: Any = ()) -> Any:  # sqlite3
        self._log.append((statement, dict(params)))
        return self._driver.execute(statement, params)

    def cursor(self) -> Any:  # psycopg
        return _Recorder(self._driver.cursor(), self._log)

    def commit(self) -> None:  # psycopg
        self._log.append((None, {}))
        self._driver.commit()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)


@contextmanager
def _recording(log: list[Statement]) -> Iterator[None]:
    from pos.ledger.tx import Connections

    original = Connections.tx

    def tx(self: Connections) -> Any:
        found = original(self)
        found.driver = _Recorder(found.driver, log)
        return found

    Connections.tx = tx  # type: ignore[method-assign]
    try:
        yield
    finally:
        Connections.tx = original  # type: ignore[method-assign]


@contextmanager
def _tracing(engine: Any, trace: list[str]) -> Iterator[None]:
    """SQLite's trace of every connection the engine hands out meanwhile."""
    from sqlalchemy import event

    traced: list[Any] = []

    def on_checkout(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        dbapi_conn.set_trace_callback(trace.append)
        traced.append(dbapi_conn)

    event.listen(engine, "checkout", on_checkout)
    try:
        yield
    finally:
        event.remove(engine, "checkout", on_checkout)
        for conn in traced:
            conn.set_trace_callback(None)


def _check_complete(trace: list[str], statements: list[Statement]) -> None:
    """Every statement SQLite ran is one the capture recorded, in the same order."""
    done, previous = 0, None
    for text in trace:
        sql = statements[done][0] if done < len(statements) else None
        if sql is not None and text.startswith(_PARAM.split(sql, 1)[0]):
            done += 1
        elif text != previous:  # a trigger's program is traced again under its statement
            raise RuntimeError(f"the sale sent a statement the capture missed: {text[:200]}")
        previous = text
    if done != len(statements):
        raise RuntimeError(f"SQLite's trace lacks {statements[done][0]!r:.200}")


def capture(shop: Any, sale: Callable[[], Any]) -> Captured:
    """Make one sale with `sale()` on `shop` and capture the statements it sent."""
    from sqlalchemy import text

    statements: list[Statement] = []
    trace: list[str] = []
    postgres = shop.engine.dialect.name == "postgresql"
    # The terminal keeps its write connection between transactions: given back first, so the
    # capture's connection is checked out anew and traced (the trace follows the checkout).
    shop.terminal.connections.close()
    with _recording(statements):
        if postgres:
            sale()
        else:
            with _tracing(shop.engine, trace):
                sale()
            _check_complete(trace, statements)
    entry = _only(statements, "INSERT INTO journal_entry")
    job = _only(statements, "INSERT INTO print_job")
    row, job_row = statements[entry][1], statements[job][1]
    if row["ticket"] != f"{row['series']}-{row['seq']:08d}":
        raise RuntimeError(f"unexpected ticket {row['ticket']} for seq {row['seq']}")
    with shop.engine.connect() as conn:
        job_id = conn.execute(text("SELECT id FROM print_job WHERE ticket = :ticket"),
                              {"ticket": row["ticket"]}).scalar_one()
        pragmas = {} if postgres else {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in PRAGMAS}
    # A value of the captured sale's, anywhere, is one the replay makes fresh each time.
    roles = {row["ticket"]: "ticket", row["request_id"]: "request_id", row["hash"]: "hash",
             row["prev_hash"]: "prev_hash", job_row["claim"]: "claim"}
    if None in roles or len(roles) != 5:
        raise RuntimeError("the captured sale lacks a request id, a hash or a claim")
    durable = next(i for i, (sql, _params) in enumerate(statements) if sql in (None, "COMMIT"))
    steps = []
    for i, (sql, params) in enumerate(statements):
        fresh = [(name, roles[value]) for name, value in params.items()
                 if isinstance(value, str) and value in roles]
        fresh += [(name, "seq") for name, value in params.items()
                  if name == "seq" and value == row["seq"]]
        fresh += [(name, "job_id") for name, value in params.items()
                  if i > job and name == "id" and value == job_id]
        steps.append(Step(sql, params, tuple(fresh), i == entry, i == job, i == durable))
    return Captured(tuple(steps), row["series"], row["seq"], row["hash"], job_row["data"],
                    pragmas)


def _only(statements: list[Statement], start: str) -> int:
    found = [i for i, (sql, _params) in enumerate(statements) if sql and sql.startswith(start)]
    if len(found) != 1:
        raise RuntimeError(f"the sale sent {len(found)} statements {start!r}, not 1")
    return found[0]


class Replay:
    """The captured sale's statements, run by `execute` on a plain connection, and its
    receipt appended to `printer`. Call it to make one new sale.

    `series`: sell on another terminal's chain, from its first entry (the captured one's
    series replaced in every text parameter, the advisory lock's name too); by default the
    captured chain continues. `key`: compute the entry's HMAC and the job's MAC (otherwise
    random hex stands for the hash and the captured MAC is sent as it is)."""

    def __init__(self, captured: Captured, execute: Execute, printer: Path, *,
                 series: str | None = None, key: bytes | None = None) -> None:
        self.execute = execute
        self.printer = printer
        self.receipt = captured.receipt
        self.key = key
        self.series = series or captured.series
        self.seq, self.hash = (captured.seq, captured.hash) if series is None else (0, GENESIS)
        self.steps = [step if series is None else Step(
            step.sql, {name: value.replace(captured.series, series) if isinstance(value, str)
                       else value for name, value in step.params.items()},
            step.fresh, step.entry, step.job, step.then_print) for step in captured.steps]
        self.sales = 0

    def __call__(self) -> None:
        seq = self.seq + 1
        values: dict[str, Any] = {
            "seq": seq, "ticket": f"{self.series}-{seq:08d}", "request_id": uuid.uuid4().hex,
            "prev_hash": self.hash, "hash": secrets.token_hex(32),
            "claim": secrets.token_hex(16)}
        execute, key = self.execute, self.key
        for step in self.steps:
            params = step.params
            if step.fresh or (key is not None and (step.entry or step.job)):
                params = params.copy()
                for name, role in step.fresh:
                    params[name] = values[role]
            if key is not None and step.entry:
                params["hash"] = values["hash"] = _entry_hash(key, params)
            if key is not None and step.job:
                params["mac"] = _job_mac(key, params)
            found = execute(step.sql, params)
            if step.job:
                values["job_id"] = found[0]
            if step.then_print:  # as the file printer does it
                fd = os.open(self.printer, _APPEND, 0o644)
                try:
                    os.write(fd, self.receipt)
                finally:
                    os.close(fd)
        self.seq, self.hash = seq, values["hash"]
        self.sales += 1

    @property
    def first_ticket(self) -> str:
        """The ticket of the first sale this replay made."""
        return f"{self.series}-{self.seq - self.sales + 1:08d}"


def _entry_hash(key: bytes, params: dict[str, Any]) -> str:
    row = {name: value for name, value in params.items() if name != "hash"}
    return hmac.new(key, json.dumps(row, sort_keys=True, ensure_ascii=False,
                                    separators=(",", ":")).encode(), hashlib.sha256).hexdigest()


def _job_mac(key: bytes, params: dict[str, Any]) -> str:
    head = f"print_job|{params['series']}|{params['ticket']}|{params['kind']}|".encode()
    return hmac.new(key, head + params["data"], hashlib.sha256).hexdigest()


class SqliteReplay(Replay):
    """The captured sale's statements on a plain sqlite3 connection to `ledger` (the captured
    sale's own: its schema, indexes, triggers and chain), with the app's pragmas."""

    def __init__(self, ledger: Path, printer: Path, captured: Captured, *,
                 key: bytes | None = None) -> None:
        conn = self.conn = sqlite3.connect(ledger, timeout=10, isolation_level=None,
                                           check_same_thread=False)
        for name, value in captured.pragmas.items():
            conn.execute(f"PRAGMA {name}={value}")

        def execute(sql: str | None, params: dict[str, Any]) -> Any:
            cur = conn.execute(sql or "COMMIT", params)
            found = cur.fetchone()
            cur.close()
            return found

        super().__init__(captured, execute, printer, key=key)

    def check(self) -> None:
        """Every replayed sale was committed, with its outcome."""
        (printed,) = self.conn.execute(
            "SELECT count(*) FROM print_job WHERE ticket >= ? AND status = 'printed'",
            (self.first_ticket,)).fetchone()
        if printed != self.sales:
            raise RuntimeError(f"{self.sales} sales replayed, {printed} printed")

    def close(self) -> None:
        self.conn.close()


def psycopg_execute(conn: Any) -> Execute:
    """Run a captured statement on a psycopg connection as the app's Tx does (a cursor, its
    first row, closed; None: commit)."""

    def execute(sql: str | None, params: dict[str, Any]) -> Any:
        if sql is None:
            conn.commit()
            return None
        cur = conn.cursor()
        try:
            cur.execute(sql, params)
            return cur.fetchone() if cur.description is not None else None
        finally:
            cur.close()

    return execute
