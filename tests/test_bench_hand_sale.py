"""The benchmark's floor (bench/hand_sale.py): the SQL one sale needs, captured from the app's
own sale and replayed on a plain sqlite3 connection. Checked here so that a change to how the
sale reaches the database breaks this test, not only a benchmark run nobody reads."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.bench_sell import _clerk_sale, _shop
from bench.common import open_shop
from bench.hand_sale import SqliteReplay, capture


def _count(path: Path, sql: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def test_the_replay_is_the_apps_sale_and_verifies(tmp_path: Path) -> None:
    shop = _shop(tmp_path, "hand")
    key = shop.terminal.key
    try:
        captured = capture(shop, _clerk_sale(shop))
    finally:
        shop.close()
    sqls = [sql or "COMMIT" for sql, _params in ((s.sql, s.params) for s in captured.steps)]
    assert sum(sql.startswith("INSERT INTO journal_entry") for sql in sqls) == 1
    assert sum(sql.startswith("INSERT INTO print_job") for sql in sqls) == 1
    assert sqls.count("COMMIT") == 2  # the durable sale, the relaxed outcome
    assert "PRAGMA synchronous=NORMAL" in sqls and "PRAGMA synchronous=FULL" in sqls
    assert captured.receipt.startswith(b"\x1b@")  # the printer got the rendered receipt

    ledger, printer = tmp_path / "hand" / "ledger.db", tmp_path / "hand" / "printer.bin"
    entries = _count(ledger, "SELECT count(*) FROM journal_entry")
    printed = printer.stat().st_size
    replay = SqliteReplay(ledger, printer, captured, key=key)
    try:
        for _ in range(3):
            replay()
        replay.check()  # three more sales, each printed
    finally:
        replay.close()
    assert _count(ledger, "SELECT count(*) FROM journal_entry") == entries + 3
    assert printer.stat().st_size == printed + 3 * len(captured.receipt)
    # With the ledger's key the replayed entries are real sales: the chain verifies.
    reopened = open_shop(tmp_path / "hand")
    try:
        assert reopened.verify().entries == entries + 3
    finally:
        reopened.close()


def test_a_statement_sent_outside_the_capture_is_refused(tmp_path: Path) -> None:
    """The floor must never be less SQL than the app's: a statement the recorder did not see
    (here a Session write during the sale) stops the capture."""
    shop = _shop(tmp_path, "hand")
    sale = _clerk_sale(shop)

    def sale_and_more() -> None:
        sale()
        shop.terminal.log_event("note", "sent through a Session, not a Tx")

    try:
        with pytest.raises(RuntimeError, match="capture missed"):
            capture(shop, sale_and_more)
    finally:
        shop.close()
