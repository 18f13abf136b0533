"""Ledger helpers for the sell path (issue 12): the request-id lookup without the ORM, and
transactions that commit without waiting for the disk (print state only).

Real SQLite files through a real Shop, and a real PostgreSQL server where one is available.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from pos.ledger import journal
from pos.ledger.models import JournalEntry, PrintJob


def _sell(shop: Any, request_id: str | None, phone: str = "987654321") -> Any:
    from pos.services import ClerkView

    draft = shop.build_draft(operator="claro", phone=phone, amount="20", method="cash",
                             id_spec="dni:12345678", tendered="50")
    return shop.sell(ClerkView("Juan", "clerk"), draft, request_id=request_id, print_now=False)


# -- find_by_request_id ----------------------------------------------------------------------

def test_request_lookup_finds_the_entry_and_its_first_job(shop: Any) -> None:
    _sell(shop, None)
    sale = _sell(shop, "tui-7f3a", phone="912345678")
    _sell(shop, "tui-other")
    with Session(shop.engine) as s:
        done = journal.find_by_request_id(s.connection(), "tui-7f3a")
        loaded = s.exec(select(JournalEntry).where(JournalEntry.request_id == "tui-7f3a")).one()
        first_job = s.exec(select(PrintJob.id).where(PrintJob.ticket == loaded.ticket)
                           .order_by(PrintJob.id)).first()
    assert done is not None
    assert done.job_id == first_job == sale.job_id
    # Every column as the ORM reads it, hash included: the entry a replay answers with.
    assert done.entry.model_dump() == loaded.model_dump()
    assert done.entry.ticket == sale.ticket and done.entry.phone == "912345678"


def test_request_lookup_misses(shop: Any) -> None:
    _sell(shop, "tui-1")
    with Session(shop.engine) as s:
        assert journal.find_by_request_id(s.connection(), "tui-2") is None
        assert journal.find_by_request_id(s.connection(), "") is None


def test_request_lookup_of_an_entry_without_a_print_job(shop: Any) -> None:
    sale = _sell(shop, "tui-1")
    with shop.engine.begin() as conn:  # e.g. a queue pruned by hand: the entry still answers
        conn.execute(text("DELETE FROM print_job WHERE ticket = :t"), {"t": sale.ticket})
    with Session(shop.engine) as s:
        done = journal.find_by_request_id(s.connection(), "tui-1")
    assert done is not None and done.job_id == 0 and done.entry.ticket == sale.ticket


# -- relaxed transactions (Terminal.write_tx(..., relaxed=True)) on SQLite --------------------

def _synchronous(session: Session) -> int:
    return int(session.connection().exec_driver_sql("PRAGMA synchronous").scalar_one())


def test_relaxed_transaction_commits_without_full_sync_then_the_next_is_durable(
        shop: Any) -> None:
    sale = _sell(shop, None)
    with Session(shop.engine) as s:
        assert _synchronous(s) == 2  # FULL: every ordinary write waits for the disk
    inside: list[int] = []

    def work(tx: Any) -> None:
        inside.append(tx.one("PRAGMA synchronous")[0])
        tx.run("UPDATE print_job SET status = 'printed' WHERE ticket = :t", {"t": sale.ticket})

    shop.terminal.write_tx(work, relaxed=True)
    assert inside == [1]  # NORMAL in WAL mode: the commit does not fsync
    with Session(shop.engine) as s:
        assert _synchronous(s) == 2  # the pooled connection is durable again
        assert s.exec(select(PrintJob.status).where(PrintJob.ticket == sale.ticket)).one() == \
            "printed"
    # The shop's own writes after it are durable and work as before.
    assert _sell(shop, None).ticket > sale.ticket


def test_relaxed_rolled_back_transaction_restores_durability(shop: Any) -> None:
    def work(tx: Any) -> None:
        tx.run("UPDATE print_job SET attempts = attempts + 1")
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        shop.terminal.write_tx(work, relaxed=True)
    with Session(shop.engine) as s:
        assert _synchronous(s) == 2
        assert s.exec(select(PrintJob.attempts)).all() == [0]


# -- relaxed transactions on PostgreSQL: tests/ledger/test_tx.py::test_write_tx_on_postgresql
# (synchronous_commit is off inside, on in the next transaction).


@pytest.mark.postgres
def test_request_lookup_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    from tests.ledger.terminal_worker import CLERK, PIN, open_shop, prepare

    prepare(pg_url, tmp_path)
    shop = open_shop(pg_url, "R009", tmp_path)
    try:
        from decimal import Decimal

        clerk = shop.login(CLERK, PIN)
        if shop.current_shift() is None:
            shop.open_shift(clerk, Decimal(0), print_now=False)
        draft = shop.build_draft(operator="claro", phone="987654321", amount="20",
                                 method="cash", tendered="50")
        sale = shop.sell(clerk, draft, request_id="pg-req-1", print_now=False)
        with Session(shop.engine) as s:
            done = journal.find_by_request_id(s.connection(), "pg-req-1")
            missing = journal.find_by_request_id(s.connection(), "pg-req-2")
        assert done is not None and missing is None
        assert (done.entry.ticket, done.job_id) == (sale.ticket, sale.job_id)
        assert done.entry.hash == sale.entry.hash
    finally:
        shop.close()
