"""One durable commit per sale, and nothing written by a process that only reads (issue 12).

The commits are counted from what SQLite itself runs: every connection of the shop's engine
gets a `sqlite3` trace callback, which sees each statement as SQLite executes it (the
`PRAGMA synchronous` switches, BEGIN, COMMIT). A COMMIT at `synchronous=FULL` is a durable
commit (an fdatasync of the WAL); one at `NORMAL` is a relaxed one (no sync in WAL mode).
Where strace is installed, a real `pos sell` process is also traced: its syncs of the WAL.

Read-only commands run in fresh processes against a shop folder while the test holds its own
connection open (so no process is the last to close and checkpoints the WAL): the ledger's
row counts, `PRAGMA data_version` and the bytes of the database and WAL files are unchanged.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from pos.ledger.models import EventEntry, PrintJob
from pos.services import ClerkView, Shop
from receipts import decode
from tests.cli_shop import JUAN, real_pos, staffed_shop
from tests.conftest import ensure_shift



class Commits:
    """Every COMMIT that writes, on the shop's connections, with the safety level it ran at."""

    def __init__(self, shop: Shop) -> None:
        self.log: list[tuple[int, str]] = []
        self.level: dict[int, str] = {}
        self.commits: list[str] = []
        self.conns: dict[int, Any] = {}
        self.changes_at_begin: dict[int, int] = {}
        shop.engine.dispose()  # new connections from here on: each gets the trace below

        def traced(dbapi_conn: Any, _record: Any) -> None:
            key = id(dbapi_conn)
            self.level[key] = "FULL"  # what the connect hook sets (pos.ledger.database)
            self.conns[key] = dbapi_conn
            dbapi_conn.set_trace_callback(lambda sql, key=key: self._seen(key, sql))

        event.listen(shop.engine, "connect", traced)

    def _seen(self, key: int, sql: str) -> None:
        words = sql.strip().upper().replace(" ", "")
        changes = self.conns[key].total_changes
        if words.startswith("PRAGMASYNCHRONOUS="):
            self.level[key] = words.split("=", 1)[1].rstrip(";")
        elif words.startswith("BEGIN"):
            self.changes_at_begin[key] = changes
        elif words.startswith("COMMIT") and changes > self.changes_at_begin.get(key, changes):
            # A COMMIT of a transaction that changed rows: it writes WAL frames (and, at
            # FULL, syncs them). One that changed nothing writes and syncs nothing.
            self.commits.append(self.level[key])

    def take(self) -> dict[str, int]:
        """Durable and relaxed commits since the last call."""
        counts = {"durable": sum(1 for lvl in self.commits if lvl in ("FULL", "2", "EXTRA", "3")),
                  "relaxed": sum(1 for lvl in self.commits if lvl in ("NORMAL", "1"))}
        assert counts["durable"] + counts["relaxed"] == len(self.commits), self.commits
        self.commits.clear()
        return counts


def _draft(shop: Shop) -> Any:
    return shop.build_draft(operator="claro", phone="987654321", amount="20", method="cash",
                            id_spec="dni:12345678", tendered="50")


def _job(shop: Shop, job_id: int) -> PrintJob:
    with shop._reader() as s:
        job = s.get(PrintJob, job_id)
        assert job is not None
        return job


@pytest.fixture
def counted(shop: Shop) -> Iterator[tuple[Shop, Commits, ClerkView]]:
    clerk = shop.login("Juan", "5678")
    ensure_shift(shop)
    yield shop, Commits(shop), clerk


def test_a_printed_sale_is_one_durable_commit(counted: Any, printed: Any,
                                              tmp_path: Path) -> None:
    shop, commits, clerk = counted
    draft = _draft(shop)
    result = shop.sell(clerk, draft, request_id=uuid.uuid4().hex)  # as `pos sell` does
    # The entry, its job (bytes and claim) in one durable commit; the outcome relaxed.
    assert commits.take() == {"durable": 1, "relaxed": 1}
    assert result.print_outcome.printed and not result.print_outcome.copy
    job = _job(shop, result.job_id)
    assert job.status == "printed" and job.attempts == 1 and job.claim is None
    # Rendered once, in the sale's transaction: the printer got exactly the stored bytes.
    path = tmp_path / "out" / "printer.bin"
    assert job.data is not None and path.read_bytes() == job.data
    [receipt] = printed()
    assert receipt.barcodes == (result.ticket,) and "COPIA" not in receipt.text


def test_the_apps_sale_preview_and_print_worker(counted: Any, tmp_path: Path) -> None:
    """What the TUI does: sell (held for its print worker), preview, print."""
    shop, commits, clerk = counted
    result = shop.sell(clerk, _draft(shop), request_id=uuid.uuid4().hex, print_now=False,
                       hold_print=True)
    assert commits.take() == {"durable": 1, "relaxed": 0}
    job = _job(shop, result.job_id)
    assert job.status == "sending" and job.claim and job.data is not None  # claimed in it
    preview = shop.job_bytes(result.job_id)
    assert preview == job.data and commits.take() == {"durable": 0, "relaxed": 0}
    outcome = shop.print_job(result.job_id)
    assert outcome.printed and commits.take() == {"durable": 0, "relaxed": 1}
    assert (tmp_path / "out" / "printer.bin").read_bytes() == preview
    assert _job(shop, result.job_id).status == "printed"


def test_a_retry_from_the_queue_keeps_a_durable_claim(counted: Any) -> None:
    shop, commits, clerk = counted
    result = shop.sell(clerk, _draft(shop), print_now=False)
    assert commits.take() == {"durable": 1, "relaxed": 0}
    job = _job(shop, result.job_id)
    assert job.status == "pending" and job.data is not None  # rendered in the sale's commit
    outcome = shop.print_job(result.job_id)
    assert outcome.printed
    assert commits.take() == {"durable": 1, "relaxed": 1}  # the claim, then the outcome


def test_void_and_reprint_are_one_durable_commit_each(counted: Any, printed: Any) -> None:
    shop, commits, clerk = counted
    sale = shop.sell(clerk, _draft(shop))
    commits.take()
    rosa = shop.login("Rosa", "1234", manager=True)
    commits.take()
    void = shop.void(sale.ticket, "wrong number", rosa)
    assert void.print_outcome.printed
    assert commits.take() == {"durable": 1, "relaxed": 1}
    copy = shop.reprint(sale.ticket)
    assert copy.printed
    assert commits.take() == {"durable": 1, "relaxed": 1}
    assert ["COPIA" in r.text for r in printed()] == [False, False, True]


def test_a_crash_before_printing_leaves_a_copy_never_a_second_original(
        make_settings: Any, clock: Any, tmp_path: Path) -> None:
    from tests.conftest import new_shop

    settings = make_settings()
    shop = new_shop(settings, clock)
    ensure_shift(shop)
    result = shop.sell(shop.login("Juan", "5678"), _draft(shop), print_now=False,
                       hold_print=True)
    shop.close()  # the process dies before its print worker ran: the claim is durable
    again = Shop.open(settings, clock=clock)
    try:
        assert _job(again, result.job_id).status == "sending"
        assert again.print_job(result.job_id).skipped  # another process's claim
        clock.now = clock.now + timedelta(minutes=10)  # the claim goes stale
        [waiting] = [j for j in again.print_queue() if j.id == result.job_id]
        assert waiting.status == "unconfirmed"
        outcome = again.print_job(result.job_id)
        assert outcome.printed and outcome.copy
        [receipt] = decode((tmp_path / "out" / "printer.bin").read_bytes())
        assert "COPIA" in receipt.text and receipt.barcodes == (result.ticket,)
    finally:
        again.close()


def test_opening_and_reading_write_nothing_the_first_write_carries_start(
        make_settings: Any, clock: Any) -> None:
    from tests.conftest import new_shop

    settings = make_settings()
    first = new_shop(settings, clock)
    ensure_shift(first)
    first.close()
    shop = Shop.open(settings, clock=clock)
    try:
        commits = Commits(shop)
        clerk = shop.login("Juan", "5678")
        shop.history()
        shop.print_queue()
        shop.verify()
        shop.clerks()
        assert commits.take() == {"durable": 0, "relaxed": 0}
        with shop._reader() as s:
            before = len(s.exec(select(EventEntry)).all())
        shop.sell(clerk, _draft(shop), request_id=uuid.uuid4().hex)
        assert commits.take() == {"durable": 1, "relaxed": 1}  # the start event rode in it
        with shop._reader() as s:
            events = s.exec(select(EventEntry).order_by(EventEntry.id)).all()
        assert [e.kind for e in events[before:]] == ["start"]
        shop.sell(clerk, _draft(shop), request_id=uuid.uuid4().hex)
        with shop._reader() as s:
            assert len(s.exec(select(EventEntry)).all()) == before + 1  # once per process
        assert shop.verify().events == before + 1
    finally:
        shop.close()


# -- real processes ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shop_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite shop with two clerks, an open shift and one printed sale."""
    return staffed_shop(tmp_path_factory.mktemp("shop"), sale=True)


def _pos(folder: Path, *args: str, env: dict[str, str] | None = None,
         wrap: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return real_pos(folder, "--config", str(folder / "config.toml"), *args, env=env, wrap=wrap)


def _state(conn: sqlite3.Connection, folder: Path) -> tuple[Any, ...]:
    counts = tuple(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                   for table in ("journal_entry", "event_log", "print_job", "clerk"))
    # An empty WAL and no WAL are the same ledger (the last connection to close removes an
    # empty one); any frame written shows in the WAL's bytes.
    files = tuple(hashlib.sha256(p.read_bytes()).hexdigest()
                  if p.exists() and p.stat().st_size else None
                  for p in (folder / "ledger.db", folder / "ledger.db-wal"))
    return counts, conn.execute("PRAGMA data_version").fetchone()[0], files


READ_ONLY = [
    ("history",),
    ("verify",),
    ("report", "x", "--no-print"),
    ("print-queue",),
    ("print-queue", "--all"),
    ("clerk", "list"),
    ("receipt-text", "receipts-out/printer.bin"),
]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_read_only_commands_write_nothing(shop_dir: Path, args: tuple[str, ...]) -> None:
    conn = sqlite3.connect(shop_dir / "ledger.db")  # held open: nobody checkpoints on close
    try:
        before = _state(conn, shop_dir)
        proc = _pos(shop_dir, *args, env=JUAN)
        assert proc.returncode == 0, proc.stderr
        assert _state(conn, shop_dir) == before
    finally:
        conn.close()


def test_export_writes_only_the_managers_authorisation(shop_dir: Path, tmp_path: Path) -> None:
    """An export of customer data records who authorised it and what was exported (chained
    events, the process's start event in the first one's transaction), and nothing else."""
    conn = sqlite3.connect(shop_dir / "ledger.db")
    try:
        (counts, _version, _files) = _state(conn, shop_dir)
        with conn:
            newest = conn.execute("SELECT max(id) FROM event_log").fetchone()[0]
        proc = _pos(shop_dir, "export", "--date", "2026-11-25", "--output",
                    str(tmp_path / "day.csv"), "--manager", "Rosa",
                    env={"POS_MANAGER_PIN": "1234"})
        assert proc.returncode == 0, proc.stderr
        (after, _version, _files) = _state(conn, shop_dir)
        kinds = [k for (k,) in conn.execute("SELECT kind FROM event_log WHERE id > ? ORDER BY id",
                                            (newest,))]
        assert kinds == ["authorised", "start", "export"]
        assert after == (counts[0], counts[1] + 3, counts[2], counts[3])
    finally:
        conn.close()


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_pos_sell_process_syncs_the_ledger_once(shop_dir: Path, tmp_path: Path) -> None:
    """A whole `pos sell` (start event, sale, printed receipt): one sync of the WAL."""
    conn = sqlite3.connect(shop_dir / "ledger.db")
    conn.execute("SELECT count(*) FROM journal_entry").fetchone()  # the WAL stays open
    trace = tmp_path / "strace.txt"
    sell = ("sell", "--clerk", "Juan", "--operator", "claro", "--phone", "987654321",
            "--amount", "10", "--pay", "cash")
    try:
        # A first write into an empty WAL also syncs the WAL's new header (SQLite, at FULL):
        # a shop that is selling has frames in its WAL already, like after this sale.
        assert _pos(shop_dir, *sell, env=JUAN).returncode == 0
        proc = _pos(shop_dir, *sell, env=JUAN,
                    wrap=["strace", "-f", "-y", "-e", "trace=fsync,fdatasync", "-o", str(trace)])
        if proc.returncode != 0 and "ptrace" in proc.stderr:
            pytest.skip("ptrace is not permitted here")
        assert proc.returncode == 0, proc.stderr
    finally:
        conn.close()
    syncs = [line for line in trace.read_text().splitlines()
             if "sync(" in line and "ledger.db" in line]
    assert len(syncs) == 1 and "ledger.db-wal" in syncs[0], syncs
