"""The SQL one sale needs: the app's own statements, captured from the app and replayed by hand.

`capture(shop, sale)` runs `sale()` once, untimed, while it records every statement the shop's
write transactions send on the driver's connection (pos/ledger/tx.py: `Tx.checkout` is the
only way a sale and its print outcome reach the database), with their parameters, in order:
BEGIN IMMEDIATE, the request-id look-up, the shift check, the chain head, the entry, the print
job, COMMIT; the relaxed PRAGMA, the outcome, COMMIT, the durable PRAGMA again. On SQLite the
connection is also traced (sqlite3's trace callback shows everything SQLite runs, whoever sent
it): a capture that missed a statement the app sent is refused, so the replay is never less SQL
than the app's. Nothing is written down by hand here: when the app's statements change, the
replay follows.

`SqliteReplay(...)` sends the same statements, same text, same order, same transactions and
pragmas, on a plain sqlite3 connection, with fresh identity values so each replay is a new
sale (seq, ticket, request id, hashes, claim, and the job id its INSERT returns), and writes
the receipt's bytes to a file between the two transactions (open, append, close: what the file
printer does). No pos code runs in it: what remains is the database's and the disk's work.
"""

from __future__ import annotations

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
# A parameter, as SQLite's text has it: the text before the first one is the same, traced.
_PARAM = re.compile(r"(?<![:\w]):[A-Za-z_]|\?")


@dataclass(frozen=True)
class Captured:
    """One sale's statements and what identifies that sale in them."""

    statements: list[tuple[str, dict[str, Any]]]
    series: str
    seq: int
    hash: str
    receipt: bytes  # the print job's bytes, as the printer got them
    refresh: list[list[tuple[str, str]]]  # per statement: (parameter, role) made fresh
    job_insert: int  # the statement whose RETURNING row is the new job's id
    printed_after: int  # the statement after which the receipt goes to the printer
    pragmas: dict[str, Any]


class _Recorder:
    """The driver connection of a Tx, noting each statement it is sent (sqlite3's API)."""

    def __init__(self, driver: Any, log: list[tuple[str, dict[str, Any]]]) -> None:
        self._driver = driver
        self._log = log

    def execute(self, statement: str, params: Any = ()) -> Any:
        self._log.append((statement, dict(params)))
        return self._driver.execute(statement, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)


@contextmanager
def _recording(log: list[tuple[str, dict[str, Any]]]) -> Iterator[None]:
    from pos.ledger.tx import Tx

    original = Tx.__dict__["checkout"]

    def checkout(cls: type[Tx], engine: Any) -> Tx:
        tx = original.__func__(cls, engine)
        if tx.postgres:
            raise RuntimeError("the capture reads SQLite's driver calls only")
        tx.driver = _Recorder(tx.driver, log)
        return tx

    Tx.checkout = classmethod(checkout)  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        Tx.checkout = original  # type: ignore[method-assign]


@contextmanager
def _tracing(engine: Any, trace: list[str]) -> Iterator[None]:
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


def _check_complete(trace: list[str], statements: list[tuple[str, dict[str, Any]]]) -> None:
    """Every statement SQLite ran is one the capture recorded, in the same order."""
    done, previous = 0, None
    for text in trace:
        if done < len(statements) and text.startswith(
                _PARAM.split(statements[done][0], 1)[0]):
            done += 1
        elif text != previous:  # a trigger's program is traced again under its statement
            raise RuntimeError(f"the sale sent a statement the capture missed: {text[:200]}")
        previous = text
    if done != len(statements):
        raise RuntimeError(f"the trace lacks {statements[done][0][:200]}")


def capture(shop: Any, sale: Callable[[], Any]) -> Captured:
    """Make one sale with `sale()` on `shop`'s SQLite ledger and capture its statements."""
    statements: list[tuple[str, dict[str, Any]]] = []
    trace: list[str] = []
    with _recording(statements), _tracing(shop.engine, trace):
        sale()
    _check_complete(trace, statements)
    entry = _only(statements, "INSERT INTO journal_entry")
    job = _only(statements, "INSERT INTO print_job")
    row, job_row = statements[entry][1], statements[job][1]
    if row["ticket"] != f"{row['series']}-{row['seq']:08d}":
        raise RuntimeError(f"unexpected ticket {row['ticket']} for seq {row['seq']}")
    # A value of the captured sale's, anywhere, is one the replay makes fresh each time.
    roles = {row["ticket"]: "ticket", row["request_id"]: "request_id", row["hash"]: "hash",
             row["prev_hash"]: "prev_hash", job_row["claim"]: "claim"}
    if None in roles or len(roles) != 5:
        raise RuntimeError("the captured sale lacks a request id, a hash or a claim")
    conn = shop.engine.raw_connection()
    try:
        driver = conn.driver_connection
        (job_id,) = driver.execute("SELECT id FROM print_job WHERE ticket = ?",
                                   (row["ticket"],)).fetchone()
        pragmas = {name: driver.execute(f"PRAGMA {name}").fetchone()[0] for name in PRAGMAS}
    finally:
        conn.close()
    refresh = []
    for i, (_statement, params) in enumerate(statements):
        fresh = [(name, roles[value]) for name, value in params.items()
                 if isinstance(value, str) and value in roles]
        fresh += [(name, name) for name, value in params.items()
                  if name == "seq" and value == row["seq"]]
        fresh += [(name, "job_id") for name, value in params.items()
                  if i > job and name == "id" and value == job_id]
        refresh.append(fresh)
    commits = [i for i, (statement, _params) in enumerate(statements) if statement == "COMMIT"]
    return Captured(statements, row["series"], row["seq"], row["hash"], job_row["data"], refresh, job,
                    commits[0], pragmas)


def _only(statements: list[tuple[str, dict[str, Any]]], start: str) -> int:
    found = [i for i, (statement, _params) in enumerate(statements)
             if statement.startswith(start)]
    if len(found) != 1:
        raise RuntimeError(f"the sale sent {len(found)} statements {start!r}, not 1")
    return found[0]


class SqliteReplay:
    """One sale's statements on a plain sqlite3 connection to `ledger` (the captured sale's
    own ledger: its schema, indexes, triggers and chain), and the receipt written to
    `printer`. Call it to make one sale."""

    def __init__(self, ledger: Path, printer: Path, captured: Captured) -> None:
        self.conn = sqlite3.connect(ledger, timeout=10, isolation_level=None,
                                    check_same_thread=False)
        for name, value in captured.pragmas.items():
            self.conn.execute(f"PRAGMA {name}={value}")
        self.plan = [(statement, params, fresh, i == captured.job_insert,
                      i == captured.printed_after)
                     for i, ((statement, params), fresh) in enumerate(
                         zip(captured.statements, captured.refresh))]
        self.printer = printer
        self.receipt = captured.receipt
        self.series = captured.series
        self.seq, self.hash = captured.seq, captured.hash
        self.sales = 0

    def __call__(self) -> None:
        seq = self.seq + 1
        values: dict[str, Any] = {
            "seq": seq, "ticket": f"{self.series}-{seq:08d}", "request_id": uuid.uuid4().hex,
            "prev_hash": self.hash, "hash": secrets.token_hex(32),
            "claim": secrets.token_hex(16)}
        conn = self.conn
        for statement, params, fresh, returns_job, then_print in self.plan:
            if fresh:
                params = params.copy()
                for name, role in fresh:
                    params[name] = values[role]
            cur = conn.execute(statement, params)
            found = cur.fetchone()
            cur.close()
            if returns_job:
                values["job_id"] = found[0]
            if then_print:  # as the file printer does it
                fd = os.open(self.printer, _APPEND, 0o644)
                try:
                    os.write(fd, self.receipt)
                finally:
                    os.close(fd)
        self.seq, self.hash = seq, values["hash"]
        self.sales += 1

    def close(self) -> None:
        """Check that every replayed sale was committed with its outcome, and close."""
        try:
            (printed,) = self.conn.execute(
                "SELECT count(*) FROM print_job WHERE ticket > ? AND status = 'printed'",
                (f"{self.series}-{self.seq - self.sales:08d}",)).fetchone()
            if printed != self.sales:
                raise RuntimeError(f"{self.sales} sales replayed, {printed} printed")
        finally:
            self.conn.close()


_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
