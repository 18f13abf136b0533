"""Crash suite on PostgreSQL: SIGKILL the seller, stop the server, kill the connection mid-sale.

A sale is wholly in or wholly out; the clerk gets a clear message, never a ticket that was not
kept; the journal stays gapless and its chains verify.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import open_test_shift

from tests.faults.crash import SEED, Seller, check_ledger, kill_after, write_config
from tests.selling import sell_beside_print_state

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROUNDS = 12


def dbname_of(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def test_sigkill_never_loses_a_reported_sale(pg_url: str, tmp_path: Path) -> None:
    from pos.config import load_settings

    rng = random.Random(SEED + 1)
    config = write_config(tmp_path, url=pg_url)
    settings = load_settings(config)
    for round_no in range(ROUNDS):
        context = f"seed {SEED}, round {round_no}"
        if round_no == 0:  # the database is empty: kill during migration or first clerk
            seller = kill_after(config, rng, (0.3, 1.2), "# opening")
        else:
            seller = kill_after(config, rng, (0.05, 0.4), tickets=1)
        assert seller.proc.returncode == -9, seller.stderr
        assert "Traceback" not in seller.stderr, seller.stderr
        check_ledger(settings, seller.tickets, context)


def test_server_stopped_while_selling(pg_server: Any, pg_url: str, tmp_path: Path) -> None:
    """The server dies under a selling clerk: a clear error, and every reported sale survives."""
    from pos.config import load_settings

    if not pg_server.can_restart:
        pytest.skip("an external server (POS_TEST_PG_URL) cannot be stopped by the tests")
    config = write_config(tmp_path, url=pg_url)
    seller = Seller(config, seed=SEED)
    try:
        assert seller.wait_for(tickets=5), seller.stderr
        time.sleep(random.Random(SEED).uniform(0.0, 0.2))
        pg_server.stop()
        code = seller.finish(timeout=60)
    finally:
        seller.kill()
        pg_server.start()
    assert code == 3, f"exit {code}: {seller.stderr}"
    assert "Traceback" not in seller.stderr, seller.stderr
    assert seller.stderr.startswith("ledger error: "), seller.stderr
    assert len(seller.stderr.strip().splitlines()) == 1, seller.stderr
    check_ledger(load_settings(config), seller.tickets, "server stopped")


@pytest.fixture
def pg_shop(pg_url: str, make_settings: Callable[..., Any]) -> Iterator[Any]:
    """An open Shop on the test database, with clerk Juan (5678) and his shift open
    (R001-00000001, its slip queued)."""
    from pos.i18n import set_locale
    from pos.services import Shop

    set_locale("en")
    shop = Shop.open(make_settings(ledger={"url": pg_url}))
    shop.add_clerk("Juan", "clerk", "5678", by=shop.add_clerk("Rosa", "manager", "1234"))
    open_test_shift(shop)
    yield shop
    shop.close()


def _sell(shop: Any, phone: str = "987654321") -> Any:
    draft = shop.build_draft(operator="claro", phone=phone, amount="10", method="cash",
                             id_spec="dni:12345678")
    return shop.sell(shop.login("Juan", "5678"), draft, print_now=True)


def _ledger(shop: Any) -> tuple[list[int], set[str]]:
    from sqlmodel import Session, select

    from pos.ledger.models import JournalEntry, PrintJob

    with Session(shop.engine) as s:
        seqs = list(s.exec(select(JournalEntry.seq).order_by(JournalEntry.seq)).all())
        jobs = set(s.exec(select(PrintJob.ticket)).all())
    return seqs, jobs


def test_backend_killed_between_sales(pg_server: Any, pg_url: str, pg_shop: Any) -> None:
    """A connection cut while idle: the next sale reconnects, or fails clearly; never a gap."""
    from pos.ledger.errors import LedgerError

    assert _sell(pg_shop).ticket == "R001-00000002"
    for _ in range(3):
        assert pg_server.terminate_backends(dbname_of(pg_url)) >= 1
        try:
            _sell(pg_shop)
        except LedgerError as exc:
            assert "not reachable" in str(exc) or "cannot" in str(exc), str(exc)
    last = _sell(pg_shop)
    seqs, jobs = _ledger(pg_shop)
    assert seqs == list(range(1, len(seqs) + 1))
    assert last.ticket == f"R001-{seqs[-1]:08d}"
    assert {f"R001-{n:08d}" for n in seqs} == jobs
    pg_shop.verify()


@pytest.mark.parametrize("cut", ["terminate", "stop"])
def test_connection_dies_inside_a_sale(cut: str, pg_server: Any, pg_url: str, pg_shop: Any,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry is written but the connection dies before commit: nothing of it is kept."""
    from pos.ledger import journal
    from pos.ledger.errors import LedgerError

    if cut == "stop" and not pg_server.can_restart:
        pytest.skip("an external server (POS_TEST_PG_URL) cannot be stopped by the tests")
    first = _sell(pg_shop)
    original = journal.append_entry

    def append_then_cut(*args: Any, **kwargs: Any) -> Any:
        entry = original(*args, **kwargs)
        if cut == "terminate":
            pg_server.terminate_backends(dbname_of(pg_url))
        else:
            pg_server.stop()
        return entry

    monkeypatch.setattr(journal, "append_entry", append_then_cut)
    try:
        with pytest.raises(LedgerError) as failed:
            _sell(pg_shop, phone="912345678")
    finally:
        monkeypatch.setattr(journal, "append_entry", original)
        pg_server.start()
    message = str(failed.value)
    assert "R001-00000003" not in message
    assert "Traceback" not in message and len(message) < 400
    seqs, jobs = _ledger(pg_shop)
    assert seqs == [1, 2], "a half-written sale was kept"
    assert jobs == {"R001-00000001", first.ticket}, \
        "a receipt was queued for a sale that was not kept"
    assert _sell(pg_shop).ticket == "R001-00000003"
    pg_shop.verify()


def test_server_dies_after_commit_before_printing(pg_server: Any, pg_url: str, pg_shop: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The sale is kept: the clerk gets its ticket and its receipt, not an error.

    The receipt's bytes and its claim were in the sale's one durable commit (issue 12), so it
    prints although the server died; its outcome cannot be recorded, so the job keeps its
    durable claim ('sending'): once stale it is 'unconfirmed', a COPIA, never a second original.
    """
    from sqlmodel import select

    from pos.ledger.models import PrintJob
    from pos.services.printing import Printing

    if not pg_server.can_restart:
        pytest.skip("an external server (POS_TEST_PG_URL) cannot be stopped by the tests")
    original = Printing._send

    def stop_then_send(self: Any, *args: Any, **kwargs: Any) -> Any:
        pg_server.stop()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Printing, "_send", stop_then_send)
    try:
        result = _sell(pg_shop)
    finally:
        monkeypatch.setattr(Printing, "_send", original)
        pg_server.start()
    assert result.ticket == "R001-00000002"
    assert result.print_outcome is not None and result.print_outcome.printed
    seqs, jobs = _ledger(pg_shop)
    assert seqs == [1, 2] and jobs == {"R001-00000001", "R001-00000002"}
    with pg_shop._reader() as s:
        job = s.exec(select(PrintJob).where(PrintJob.ticket == result.ticket)).one()
    assert job.status == "sending" and job.claim and job.data is not None
    assert pg_shop.reprint(result.ticket).printed


def test_a_sale_right_after_the_server_dropped_its_connections(
        pg_server: Any, pg_url: str, pg_shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sale path does not ping a connection it used a moment ago (issue 12: two round
    trips per sale); when the server dropped it meanwhile, the sale runs again on a new
    connection before anything was committed: one sale, no error, no gap."""
    import psycopg

    from pos.domain.results import ClerkView

    juan = ClerkView("Juan", "clerk")
    draft = pg_shop.build_draft(operator="claro", phone="987654321", amount="10",
                                method="cash", id_spec="dni:12345678")
    pg_shop.sell(juan, draft, request_id="before-cut")
    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def traced(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(query))
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", traced)
    pg_shop.sell(juan, draft, request_id="warm")  # sold and printed
    monkeypatch.setattr(psycopg.Cursor, "execute", execute)
    assert any(q.startswith("INSERT INTO journal_entry") for q in sent), sent
    assert not [q for q in sent if q.strip() == "SELECT 1"], sent  # no ping

    assert pg_server.terminate_backends(dbname_of(pg_url)) >= 1
    sale = pg_shop.sell(juan, draft, request_id="after-cut")
    assert sale.ticket == "R001-00000004" and not sale.duplicate
    assert sale.print_outcome is not None and sale.print_outcome.printed
    seqs, jobs = _ledger(pg_shop)
    assert seqs == [1, 2, 3, 4]
    assert {f"R001-{n:08d}" for n in seqs} == jobs
    pg_shop.verify()


def test_a_sale_after_its_kept_connection_idled_and_was_dropped(
        pg_server: Any, pg_url: str, pg_shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The connection the terminal keeps between its writes is pinged once it has been idle
    (`IDLE_PING`, here 0 s: always), as the pool's checkout would: the server dropped it, the
    ping finds it dead, the sale runs on a new connection at once (nothing to retry)."""
    import psycopg

    import pos.ledger.tx as tx_module
    from pos.domain.results import ClerkView

    juan = ClerkView("Juan", "clerk")
    draft = pg_shop.build_draft(operator="claro", phone="987654321", amount="10",
                                method="cash", id_spec="dni:12345678")
    pg_shop.sell(juan, draft, request_id="kept-1")
    monkeypatch.setattr(tx_module, "IDLE_PING", 0.0)
    assert pg_server.terminate_backends(dbname_of(pg_url)) >= 1
    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def traced(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(query).strip())
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", traced)
    sale = pg_shop.sell(juan, draft, request_id="kept-2")
    monkeypatch.setattr(psycopg.Cursor, "execute", execute)
    assert "SELECT 1" in sent
    # The dead connection was found by the ping, before the sale's first statement.
    assert sent.index("SELECT 1") < min(i for i, q in enumerate(sent)
                                        if q.startswith("INSERT INTO journal_entry"))
    assert not sale.duplicate and sale.print_outcome is not None and sale.print_outcome.printed
    seqs, jobs = _ledger(pg_shop)
    assert seqs == [1, 2, 3]
    assert {f"R001-{n:08d}" for n in seqs} == jobs
    pg_shop.verify()


def test_no_sale_commits_without_waiting_for_the_disk_while_print_state_is_written(
        pg_shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The print worker's relaxed writes (SET LOCAL synchronous_commit = off) on the terminal's
    kept connection never reach a sale: read inside each transaction, just before its COMMIT,
    every chained commit says `on`, while sales and print state are written at once."""
    from pos.domain.results import ClerkView
    from pos.ledger.tx import Tx

    levels: list[tuple[bool, str]] = []
    real_commit = Tx.commit

    def commit(self: Tx) -> None:
        chained = "pos_head" in self.info or "pos_event_head" in self.info
        found = self.one("SELECT current_setting('synchronous_commit')")
        assert found is not None
        levels.append((chained, found[0]))
        real_commit(self)

    monkeypatch.setattr(Tx, "commit", commit)
    draft = pg_shop.build_draft(operator="claro", phone="987654321", amount="10",
                                method="cash", id_spec="dni:12345678")
    errors = sell_beside_print_state(pg_shop, ClerkView("Juan", "clerk"), draft, 15, "mixed")
    assert errors == []
    chained = [level for is_chained, level in levels if is_chained]
    assert len(chained) >= 15 and set(chained) == {"on"}
    assert "off" in {level for is_chained, level in levels if not is_chained}  # print state
    pg_shop.verify()


class AnswerCutter:
    """A loopback TCP proxy in front of the server. Armed, it lets the next COMMIT through,
    then swallows the server's answer and closes the client's connection: the sale is kept,
    but the terminal cannot know it (the connection died during its commit)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.armed = False
        self.cuts = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            commit_sent = threading.Event()
            threading.Thread(target=self._up, args=(client, server, commit_sent),
                             daemon=True).start()
            threading.Thread(target=self._down, args=(server, client, commit_sent),
                             daemon=True).start()

    def _up(self, client: socket.socket, server: socket.socket,
            commit_sent: threading.Event) -> None:
        try:
            while chunk := client.recv(65536):
                if self.armed and b"COMMIT" in chunk:
                    self.armed = False
                    commit_sent.set()
                server.sendall(chunk)
        except OSError:
            pass

    def _down(self, server: socket.socket, client: socket.socket,
              commit_sent: threading.Event) -> None:
        try:
            while chunk := server.recv(65536):
                if commit_sent.is_set():  # the server's answer to the COMMIT: never delivered
                    self.cuts += 1
                    client.shutdown(socket.SHUT_RDWR)
                    client.close()
                    server.close()
                    return
                client.sendall(chunk)
        except OSError:
            pass


def test_connection_dies_during_the_commit_of_a_sale(
        pg_url: str, make_settings: Callable[..., Any]) -> None:
    """The server kept the sale, but its answer to COMMIT never arrived: the clerk is told to
    look it up, the sale is NOT run again on a new connection (it would be sold twice), and
    submitting the same draft again finds it (request id)."""
    from pos.domain.results import ClerkView
    from pos.i18n import set_locale
    from pos.ledger.errors import LedgerError
    from pos.services import Shop

    parts = urlsplit(pg_url)
    proxy = AnswerCutter(parts.hostname or "127.0.0.1", parts.port or 5432)
    url = urlunsplit(parts._replace(netloc=f"{parts.netloc.rsplit(':', 1)[0]}:{proxy.port}"))
    set_locale("en")
    shop = Shop.open(make_settings(ledger={"url": url}))
    try:
        shop.add_clerk("Juan", "clerk", "5678", by=shop.add_clerk("Rosa", "manager", "1234"))
        open_test_shift(shop)
        juan = ClerkView("Juan", "clerk")
        draft = shop.build_draft(operator="claro", phone="987654321", amount="10",
                                 method="cash", id_spec="dni:12345678")
        shop.sell(juan, draft, request_id="warm", print_now=False)  # a pooled connection
        proxy.armed = True
        with pytest.raises(LedgerError, match="did not confirm the save") as failed:
            shop.sell(juan, draft, request_id="cut", print_now=True)
        assert proxy.cuts == 1
        assert "Traceback" not in str(failed.value)
        seqs, jobs = _ledger(shop)
        assert seqs == [1, 2, 3], "the sale was run again after its commit was sent"
        again = shop.sell(juan, draft, request_id="cut", print_now=False)
        assert again.duplicate and again.ticket == "R001-00000003"
        assert shop.sell(juan, draft, request_id="next", print_now=False).ticket == (
            "R001-00000004")
        seqs, jobs = _ledger(shop)
        assert seqs == [1, 2, 3, 4] and jobs == {f"R001-{n:08d}" for n in seqs}
        shop.verify()
    finally:
        shop.close()
        proxy.close()
