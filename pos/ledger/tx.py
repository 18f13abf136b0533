"""One write transaction's statements on the database driver's own connection (DB-API).

The chain's statements (the head, the append, the request-id and shift look-ups, the print
job's insert and its claim) run on every sale. Through SQLAlchemy's statement machinery each
cost ~25 µs of Python and a Session's begin/commit ~0.15 ms, several times the statement
itself; on the driver's cursor they cost ~5 µs. So they are written here once, as SQL text
with `:name` parameters (SQLite's own style, rewritten once to `%(name)s` for psycopg), and run
on a `Tx`:

- `Connections.tx()` then `start()`: a transaction of its own (the sale, the print outcome:
  `Terminal.write_tx`), on the connection the terminal keeps between its writes instead of
  the pool's checkout and reset each time (~0.1 ms a sale);
- `tx_of(session)`: the same statements inside a Session's transaction (a void, a Z, a shift),
  on the driver connection under it — one implementation of the chain for every writer.

A Tx never hides a driver error: the terminal turns `sqlite3.Error` / `psycopg.Error` into the
clerk's message (`Terminal.write`), as it does SQLAlchemy's.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session

from pos.ledger.database import IDLE_PING, ping, trusting_recent_connections

# A quoted literal or identifier (kept as written: SQLite reads no parameter inside one), or a
# `:name` parameter outside them (not a `::type` cast).
_NAMED = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*")|(?<![:\w]):([A-Za-z_]\w*)""")
_PG_TEXT: dict[str, str] = {}  # statement as written -> psycopg's paramstyle, built once each

# -- relaxed durability: state whose loss after a power cut is harmless ------------------------
# A print job's progress (claimed, printed, failed, unconfirmed) is rewritten after the sale's
# own durable commit. If a power cut loses such a rewrite, the ledger is as it was before it
# (a prefix of the commits: SQLite's WAL and PostgreSQL's WAL both replay in order and a later
# durable commit makes every earlier one durable too), so the job reads "sending" and, once its
# claim is stale, "unconfirmed": it is printed again only as a COPIA, never a second original.
DURABLE_SQLITE = "FULL"
# NORMAL, not OFF: in WAL mode a NORMAL commit does not wait for the disk either, but its
# automatic checkpoints still sync the WAL and the database file. With OFF a checkpoint could
# mark frames as copied before the database file holds them, and a later writer restarting the
# WAL would overwrite the only durable copy of earlier, durable sales.
RELAXED_SQLITE = "NORMAL"


def _pg(statement: str) -> str:
    text = _PG_TEXT.get(statement)
    if text is None:
        # Every % doubled, in literals too: psycopg reads the whole text for its placeholders.
        text = _PG_TEXT[statement] = _NAMED.sub(_pg_part, statement.replace("%", "%%"))
    return text


def _pg_part(found: re.Match[str]) -> str:
    quoted, name = found.groups()
    return quoted if quoted is not None else f"%({name})s"


class Tx:
    """The driver connection of one open write transaction, and its bookkeeping (`info`:
    the new chain heads, the locks held, the witness check) shared with its Session if any."""

    __slots__ = ("driver", "postgres", "info", "lost", "_pooled", "_relaxed", "_keeper")

    def __init__(self, driver: Any, dialect: str, info: dict[str, Any],
                 pooled: Any = None, *, keeper: Connections | None = None) -> None:
        self.driver = driver
        self.postgres = dialect == "postgresql"
        self.info = info
        self._pooled = pooled  # the pool's wrapper, when this Tx owns its connection
        self._relaxed = False  # the connection commits without waiting for the disk
        self._keeper = keeper  # who keeps the connection for the next transaction, if anyone
        self.lost = False  # the server dropped the connection (found when it was given back)

    # -- statements --------------------------------------------------------------------

    def _cursor(self, statement: str, params: dict[str, Any] | None) -> Any:
        if self.postgres:
            cur = self.driver.cursor()
            # Always parameters, if none: psycopg leaves a text without them as it is, and
            # the doubled % of `_pg` would reach the server.
            cur.execute(_pg(statement), params if params is not None else {})
            return cur
        return self.driver.execute(statement, params or {})

    def one(self, statement: str, params: dict[str, Any] | None = None) -> tuple[Any, ...] | None:
        """The first row of a query, or None."""
        cur = self._cursor(statement, params)
        try:
            return cur.fetchone()  # type: ignore[no-any-return]
        finally:
            cur.close()

    def run(self, statement: str, params: dict[str, Any] | None = None) -> int:
        """Execute a statement; the number of rows it changed."""
        cur = self._cursor(statement, params)
        try:
            return int(cur.rowcount or 0)
        finally:
            cur.close()

    # -- a transaction of its own (Connections.tx) --------------------------------------

    def start(self, *, relaxed: bool = False) -> None:
        """Begin the write transaction: SQLite takes the write lock up front (BEGIN IMMEDIATE,
        as every write of the Session path does). `relaxed` commits without waiting for the
        disk — SQLite `synchronous=NORMAL` in WAL mode until `close`, PostgreSQL `SET LOCAL
        synchronous_commit = off` — only for state whose loss is harmless (see above)."""
        if self.postgres:
            if relaxed:
                self.run("SET LOCAL synchronous_commit = off")
            return
        if relaxed:  # SQLite refuses to change it inside a transaction
            self._relaxed = True  # from here on, close() makes the connection durable again
            self.driver.execute(f"PRAGMA synchronous={RELAXED_SQLITE}")
        self.driver.execute("BEGIN IMMEDIATE")  # may wait for, then fail on, a busy lock

    def commit(self) -> None:
        if self.postgres:
            self.driver.commit()
        else:
            self.driver.execute("COMMIT")

    def rollback(self) -> None:
        if self.postgres:
            self.driver.rollback()
        elif self.driver.in_transaction:
            self.driver.execute("ROLLBACK")

    def close(self) -> None:
        """Make the connection durable again and hand it to its keeper for the next
        transaction, or give it back to the pool (a dropped one is discarded)."""
        pooled, self._pooled = self._pooled, None
        if pooled is None:
            return
        driver = self.driver
        # (invalidate() closes the driver connection and hands the pool its slot back.)
        if self.postgres and (driver.closed or getattr(driver, "broken", False)):
            # The server went away: discard the connection quietly (the pool's reset would
            # only fail on it), as a Session does on a disconnect.
            self.lost = True
            pooled.invalidate()
            return
        idle = self._idle()
        if self._relaxed:
            if not idle:  # its rollback failed: closing the connection rolls it back
                pooled.invalidate()
                return
            try:
                driver.execute(f"PRAGMA synchronous={DURABLE_SQLITE}")
                self._relaxed = False
            except BaseException:
                pooled.invalidate()  # never hand a relaxed connection out again
                raise
        if idle and self._keeper is not None and self._keeper.keep(pooled):
            return
        pooled.close()  # the pool's reset rolls back what is still open

    def _idle(self) -> bool:
        """Outside any transaction: what the pool's reset on return would leave."""
        if self.postgres:
            return int(self.driver.info.transaction_status) == 0  # psycopg: IDLE
        return not self.driver.in_transaction


class Connections:
    """The connection a terminal keeps between its own write transactions (`write_tx`), so
    that a sale and its print outcome do not each pay the pool's checkout and reset.

    One connection, for both the durable and the relaxed transactions: switching it between
    the two costs less than a second connection, which would have to find out about the
    other's commit (its page cache) on every transaction. It is kept only after a transaction
    that ended cleanly (committed or rolled back), and always durable (`Tx.close`). A
    PostgreSQL connection idle for `IDLE_PING` seconds or more is pinged before it is used
    again, as the pool would on a checkout. After `engine.dispose()` (new connections from
    there on) a kept one is closed, not used; `close()` gives it back to the pool.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.postgres = self.dialect == "postgresql"
        self._idle: tuple[Any, float] | None = None  # (the pool's wrapper, when kept)
        self._lock = threading.Lock()

    def tx(self) -> Tx:
        """A connection for a write transaction of its own (`start` it, `close` it)."""
        with self._lock:
            kept, self._idle = self._idle, None
        if kept is not None:
            pooled, since = kept
            if _pool_of(pooled) is not self.engine.pool:  # disposed: retired with its pool
                pooled.invalidate()
            elif not self.postgres or time.monotonic() - since < IDLE_PING or _alive(pooled):
                return Tx(pooled.driver_connection, self.dialect, {}, pooled, keeper=self)
        with trusting_recent_connections():
            pooled = self.engine.raw_connection()
        return Tx(pooled.driver_connection, self.dialect, {}, pooled, keeper=self)

    def keep(self, pooled: Any) -> bool:
        """Keep a durable, idle connection; False if one is kept already (another thread's)."""
        with self._lock:
            if self._idle is not None or _pool_of(pooled) is not self.engine.pool:
                return False
            self._idle = (pooled, time.monotonic())
            return True

    def close(self) -> None:
        """Give the kept connection back to the pool."""
        with self._lock:
            kept, self._idle = self._idle, None
        if kept is not None:
            pooled = kept[0]
            if _pool_of(pooled) is not self.engine.pool:
                pooled.invalidate()
            else:
                pooled.close()


def _pool_of(pooled: Any) -> Any:
    """The pool a checked-out connection came from."""
    return pooled._pool  # noqa: SLF001 - SQLAlchemy's fairy keeps it there, no public name


def _alive(pooled: Any) -> bool:
    """Ping a kept PostgreSQL connection that was idle a while; discard it if dead."""
    try:
        ping(pooled.driver_connection)
        return True
    except DisconnectionError:
        pooled.invalidate()
        return False


# An open transaction, as the ledger's functions take it: a Session's, a Connection's, a Tx.
Where = Session | Connection | Tx


def tx_of(where: Where) -> Tx:
    """The Tx of a Session's (or a Connection's) open transaction; a Tx as it is.

    The Session's pending objects are flushed first, so the raw statements see them.
    """
    if isinstance(where, Tx):
        return where
    if isinstance(where, Session):
        if where.new or where.dirty or where.deleted:
            where.flush()
        found = where.info.get("pos_tx")
        conn = where.connection()  # begins the transaction (BEGIN IMMEDIATE on SQLite)
        if found is not None and found.driver is conn.connection.driver_connection:
            return found  # type: ignore[no-any-return]
        tx = Tx(conn.connection.driver_connection, conn.dialect.name, where.info)
        where.info["pos_tx"] = tx
        return tx
    return Tx(where.connection.driver_connection, where.dialect.name, where.info)
