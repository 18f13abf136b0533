"""The chain's statements on the driver's connection (pos/ledger/tx.py, Terminal.write_tx).

Real SQLite files through a real Shop, and a real PostgreSQL server where one is available:
the same transaction rules as the Session path — all or nothing, durable unless relaxed, a
relaxed connection durable again for the next writer, the clerk's message for a fault.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.domain.results import ClerkView
from pos.ledger import journal
from pos.ledger.errors import LedgerError
from pos.ledger.tx import Connections, Tx, _pg
from tests.selling import sell_beside_print_state


JUAN = ClerkView("Juan", "clerk")


def _rows(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def _ledger(shop: Any) -> Path:
    return Path(shop.settings.ledger_url.removeprefix("sqlite:///"))


# -- parameters and times ---------------------------------------------------------------------

def test_postgres_parameters_are_rewritten_once_and_casts_kept() -> None:
    assert _pg("SELECT :a, x::text FROM t WHERE b = :b_2 AND c LIKE '5%'") == (
        "SELECT %(a)s, x::text FROM t WHERE b = %(b_2)s AND c LIKE '5%%'")
    assert _pg("SELECT :a") is _pg("SELECT :a")  # built once


def test_postgres_parameters_are_not_read_inside_quotes() -> None:
    """SQLite reads no parameter inside a literal or a quoted name: neither does the rewrite
    (a `:name` there was turned into a psycopg placeholder, a KeyError or a changed text)."""
    assert _pg("SELECT ' :b', 'x'':c', \"col :d\", :a") == (
        "SELECT ' :b', 'x'':c', \"col :d\", %(a)s")


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9998, 12, 31)))
def test_parse_utc_reads_what_utc_now_text_writes(moment: datetime) -> None:
    aware = moment.replace(tzinfo=timezone.utc)
    stored = journal.utc_now_text(aware)
    assert journal.parse_utc(stored) == aware
    assert journal.parse_utc(stored) == datetime.strptime(
        stored, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


@pytest.mark.parametrize("text", [
    "2026-11-25T15:30:00.1+0500",  # 27 characters, but an offset: not the stored form
    "2026-11-25 15:30:00.123456Z", "2026-11-25T15:30:00,123456Z", "2026-11-25T15:30:00.123456",
    "2026-11-25T25:30:00.123456Z", "2026-02-30T10:00:00.000000Z", "",
    "2026-W48-3T15:30:00.123456Z",  # an ISO week date: read by fromisoformat, not stored
])
def test_parse_utc_refuses_anything_but_the_stored_form(text: str) -> None:
    with pytest.raises(ValueError):
        journal.parse_utc(text)


# -- write_tx on SQLite -----------------------------------------------------------------------

def test_a_failing_write_tx_keeps_nothing(shop: Any) -> None:
    terminal = shop.terminal
    path = _ledger(shop)
    before = (_rows(path, "journal_entry"), _rows(path, "event_log"), dict(terminal.known))

    def work(tx: Tx) -> None:
        terminal.append(tx, kind="pay_in", clerk="Rosa", amount_cents=100)
        journal.append_event(tx, terminal.key, series=terminal.series, kind="note")
        raise RuntimeError("the work failed half-way")

    with pytest.raises(RuntimeError):
        terminal.write_tx(work)
    assert (_rows(path, "journal_entry"), _rows(path, "event_log"),
            dict(terminal.known)) == before
    shop.verify()


def test_a_relaxed_write_tx_leaves_its_connection_durable(shop: Any) -> None:
    terminal = shop.terminal
    seen: list[int] = []
    terminal.write_tx(lambda tx: seen.append(tx.one("PRAGMA synchronous")[0]), relaxed=True)
    terminal.write_tx(lambda tx: seen.append(tx.one("PRAGMA synchronous")[0]))
    assert seen == [1, 2]  # NORMAL for the print state, FULL again for the next sale


# -- the connection kept between write transactions (Connections) -----------------------------

def _driver(terminal: Any, relaxed: bool = False) -> Any:
    found: list[Any] = []
    terminal.write_tx(lambda tx: found.append(tx.driver), relaxed=relaxed)
    return found[0]


def test_write_tx_keeps_one_durable_connection_between_transactions(shop: Any) -> None:
    """A sale and its print outcome run on the same connection, taken from the pool once; it
    is durable whenever it is not inside a relaxed transaction, and no Session gets it."""
    terminal = shop.terminal
    kept = _driver(terminal)
    assert _driver(terminal, relaxed=True) is kept
    assert _driver(terminal) is kept
    seen: list[int] = []
    terminal.write_tx(lambda tx: seen.append(tx.one("PRAGMA synchronous")[0]))
    assert seen == [2]
    with terminal.session() as s:  # the pool's connections are the others
        assert s.connection().connection.driver_connection is not kept
    sale = shop.sell(JUAN, shop.build_draft(operator="claro", phone="987654321", amount="20",
                                            method="cash", tendered="20", id_spec="dni:12345678"))
    assert sale.print_outcome is not None and sale.print_outcome.printed
    assert _driver(terminal) is kept
    assert kept.execute("PRAGMA synchronous").fetchone()[0] == 2 and not kept.in_transaction


def test_a_failed_write_tx_leaves_the_kept_connection_clean(shop: Any) -> None:
    terminal = shop.terminal
    kept = _driver(terminal)
    path = _ledger(shop)
    before = _rows(path, "print_job")

    def work(tx: Tx) -> None:
        tx.run("INSERT INTO print_job (series, ticket, kind, status, attempts, created_at) "
               "VALUES ('R001', 'R001-00000099', 'sale', 'queued', 0, 'x')")
        raise RuntimeError("half-way")

    for relaxed in (False, True):
        with pytest.raises(RuntimeError):
            terminal.write_tx(work, relaxed=relaxed)
        assert not kept.in_transaction and kept.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert _rows(path, "print_job") == before
    assert _driver(terminal) is kept


@pytest.mark.parametrize("relaxed", [False, True])
def test_a_connection_left_inside_a_transaction_is_never_kept(shop: Any, relaxed: bool) -> None:
    """Only a transaction that ended (committed or rolled back) leaves its connection kept; one
    still open goes back to the pool, whose reset rolls it back — or, relaxed, is closed:
    never handed out relaxed."""
    connections = Connections(shop.engine)
    path = _ledger(shop)
    before = _rows(path, "print_job")
    tx = connections.tx()
    tx.start(relaxed=relaxed)
    tx.run("INSERT INTO print_job (series, ticket, kind, status, attempts, created_at) "
           "VALUES ('R001', 'R001-00000099', 'sale', 'queued', 0, 'x')")
    driver = tx.driver
    tx.close()
    assert connections._idle is None  # not kept
    assert _rows(path, "print_job") == before
    if relaxed:
        with pytest.raises(sqlite3.ProgrammingError):  # closed
            driver.execute("SELECT 1")
    else:
        assert driver.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert not driver.in_transaction
    connections.close()


def test_a_disposed_engine_retires_the_kept_connection(shop: Any) -> None:
    """`engine.dispose()` means new connections from there on: the kept one is closed, not
    used again; closing the shop closes it too."""
    terminal = shop.terminal
    kept = _driver(terminal)
    shop.engine.dispose()
    fresh = _driver(terminal)
    assert fresh is not kept
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        kept.execute("SELECT 1")
    shop.close()
    with pytest.raises(sqlite3.ProgrammingError):
        fresh.execute("SELECT 1")


def test_threads_writing_at_once_share_the_kept_connection_safely(shop: Any) -> None:
    """Two threads (the sale screen and the print worker) write at the same time: each gets
    a connection of its own, at most one is kept, the chain stays gapless."""
    import threading

    draft = shop.build_draft(operator="claro", phone="987654321", amount="20", method="cash",
                             tendered="20", id_spec="dni:12345678")
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def seller() -> None:
        try:
            start.wait()
            for _ in range(15):
                sale = shop.sell(JUAN, draft)
                assert sale.print_outcome is not None and sale.print_outcome.printed
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=seller) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert shop.verify().entries == _rows(_ledger(shop), "journal_entry") >= 30


def test_no_chained_commit_runs_relaxed_while_print_state_is_written_at_once(
        shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sale screen sells while the print worker writes relaxed print state on the same
    terminal, as fast as it can: every commit that appends to a chain (a sale) is made at
    synchronous=FULL, whichever connection (kept or the pool's) it ran on. The level is read
    inside each transaction, just before its real COMMIT."""
    levels: list[tuple[bool, bool, int]] = []
    real_commit = Tx.commit

    def commit(self: Tx) -> None:
        chained = "pos_head" in self.info or "pos_event_head" in self.info
        levels.append((chained, self._relaxed, self.one("PRAGMA synchronous")[0]))
        real_commit(self)

    monkeypatch.setattr(Tx, "commit", commit)
    draft = shop.build_draft(operator="claro", phone="987654321", amount="20", method="cash",
                             tendered="20", id_spec="dni:12345678")
    errors = sell_beside_print_state(shop, JUAN, draft, 20)
    assert errors == []
    assert sum(1 for chained, _, _ in levels if chained) >= 20
    assert {level for _, relaxed, level in levels if relaxed} == {1}  # NORMAL, the print state
    assert {level for _, relaxed, level in levels if not relaxed} == {2}  # FULL, every other


def test_a_relaxed_write_tx_may_not_append_to_a_chain(shop: Any) -> None:
    terminal = shop.terminal
    path = _ledger(shop)
    before = _rows(path, "journal_entry")
    with pytest.raises(RuntimeError, match="relaxed"):
        terminal.write_tx(lambda tx: terminal.append(tx, kind="pay_in", clerk="Rosa",
                                                     amount_cents=100), relaxed=True)
    assert _rows(path, "journal_entry") == before


def test_a_database_fault_in_write_tx_is_the_clerks_message(shop: Any) -> None:
    terminal = shop.terminal
    with pytest.raises(LedgerError) as caught:
        terminal.write_tx(lambda tx: tx.run("INSERT INTO print_job (id) VALUES (NULL)"))
    assert "Traceback" not in str(caught.value)
    assert "libro" in str(caught.value) or "ledger" in str(caught.value)


def test_write_tx_and_session_writes_make_one_chain(shop: Any) -> None:
    """Sales (write_tx) between pay-ins and a shift (Session writes): one chain that verifies,
    its heads witnessed, in sequence."""
    clerk = JUAN
    for n in range(3):
        draft = shop.build_draft(operator="claro", phone="987654321", amount="10",
                                 method="cash", id_spec="dni:12345678", tendered="10")
        shop.sell(clerk, draft, request_id=f"mix-{n}", print_now=False)
        shop.pay_in(clerk, Decimal("1.00"), "sencillo", print_now=False)
    result = shop.verify()
    assert result.entries >= 7
    conn = sqlite3.connect(_ledger(shop))
    try:
        seqs = [s for (s,) in conn.execute(
            "SELECT seq FROM journal_entry WHERE series = 'R001' ORDER BY seq")]
    finally:
        conn.close()
    assert seqs == list(range(1, len(seqs) + 1))
    assert shop.terminal.known["J"][0] == seqs[-1]


def test_the_clock_guard_holds_on_the_sale_path(shop: Any, clock: Any) -> None:
    clerk = JUAN
    draft = shop.build_draft(operator="claro", phone="987654321", amount="10", method="cash",
                             id_spec="dni:12345678", tendered="10")
    shop.sell(clerk, draft, request_id="before", print_now=False)
    path = _ledger(shop)
    before = _rows(path, "journal_entry")
    clock.now = clock() - timedelta(hours=2)  # the PC's clock was put back
    with pytest.raises(journal.ClockSuspect):
        shop.sell(clerk, draft, request_id="after", print_now=False)
    assert _rows(path, "journal_entry") == before


# -- PostgreSQL ---------------------------------------------------------------------------

@pytest.mark.postgres
def test_write_tx_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    from tests.ledger.terminal_worker import CLERK, PIN, open_shop, prepare

    prepare(pg_url, tmp_path)
    shop = open_shop(pg_url, "R010", tmp_path)
    try:
        terminal = shop.terminal
        clerk = shop.login(CLERK, PIN)
        if shop.current_shift() is None:
            shop.open_shift(clerk, Decimal(0), print_now=False)
        seen: list[str] = []
        terminal.write_tx(lambda tx: seen.append(tx.one("SHOW synchronous_commit")[0]),
                          relaxed=True)
        terminal.write_tx(lambda tx: seen.append(tx.one("SHOW synchronous_commit")[0]))
        assert seen == ["off", "on"]
        draft = shop.build_draft(operator="claro", phone="987654321", amount="20",
                                 method="cash", tendered="50")
        sale = shop.sell(clerk, draft, request_id="pg-tx-1")
        again = shop.sell(clerk, draft, request_id="pg-tx-1")
        assert again.duplicate and again.ticket == sale.ticket
        assert sale.print_outcome is not None and sale.print_outcome.printed
        with pytest.raises(LedgerError):
            terminal.write_tx(lambda tx: tx.run("INSERT INTO print_job (id) VALUES (NULL)"))
        # Statement text reaches the server as written, with or without parameters.
        assert terminal.write_tx(lambda tx: tx.one("SELECT '100%', ' :b'")) == ("100%", " :b")
        assert terminal.write_tx(lambda tx: tx.one("SELECT '5%' || :a, 'x:y'", {"a": "!"})) == (
            "5%!", "x:y")
        shop.verify()
    finally:
        shop.close()


def test_a_relaxed_write_tx_that_cannot_begin_leaves_its_connection_durable(shop: Any) -> None:
    """The ledger is locked by another writer: the relaxed transaction fails to begin (after
    its busy wait), and the connection it had switched to NORMAL goes back to the pool FULL."""
    terminal = shop.terminal
    terminal.write_tx(lambda tx: tx.one("PRAGMA busy_timeout = 50"))  # this pooled connection
    other = sqlite3.connect(_ledger(shop), isolation_level=None, timeout=0.1)
    try:
        other.execute("BEGIN IMMEDIATE")  # holds the write lock
        with pytest.raises(LedgerError):
            terminal.write_tx(lambda tx: None, relaxed=True)
    finally:
        other.execute("ROLLBACK")
        other.close()
    seen: list[int] = []
    terminal.write_tx(lambda tx: seen.append(tx.one("PRAGMA synchronous")[0]))
    terminal.write_tx(lambda tx: tx.one("PRAGMA busy_timeout = 10000"))
    assert seen == [2]
