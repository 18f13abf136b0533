"""The same ledger on a real PostgreSQL server (started by tests/pgserver.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from pos.ledger.database import HEAD_REVISION
from pos.ledger.models import JournalEntry
from tests.ledger.terminal_worker import CLERK, PIN, open_shop, prepare, run_terminals

pytestmark = pytest.mark.postgres

TERMINALS, SALES = 4, 500


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def test_migrations_and_guards(pg_url: str, tmp_path: Path) -> None:
    prepare(pg_url, tmp_path)
    shop = open_shop(pg_url, "R001", tmp_path)
    try:
        who = shop.login(CLERK, PIN, manager=True)
        draft = shop.build_draft(operator="claro", phone="987654321", amount="20",
                                 method="cash", tendered="50")
        shop.open_shift(who, Decimal(0), print_now=False)
        sale = shop.sell(who, draft, print_now=False)
        z = shop.close_day(who, Decimal(20), print_now=False)
        assert z.day_total == Decimal("20.00") and z.z_number == 1
        shop.open_shift(who, Decimal(0), print_now=False)
        after = shop.sell(who, draft, print_now=False)
        assert after.entry.business_date == sale.entry.business_date  # the real date
        assert (sale.entry.period, after.entry.period) == (1, 2)
        day = sale.entry.business_date
    finally:
        shop.close()
    with psycopg.connect(_libpq(pg_url), autocommit=True) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD_REVISION,)
        for statement in ("UPDATE journal_entry SET amount_cents = 0",
                          "DELETE FROM journal_entry", "TRUNCATE journal_entry",
                          "UPDATE event_log SET detail = ''"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)
        with pytest.raises(psycopg.errors.RaiseException, match="period is closed"):
            conn.execute(
                "INSERT INTO journal_entry (series, seq, ticket, kind, created_at, "
                "business_date, clerk, amount_cents, prev_hash, hash, period) VALUES "
                "('R001', 99, 'R001-00000099', 'sale', 'x', %s, 'x', 1, 'x', 'x', 1)", (day,))


def test_four_terminal_processes_sell_at_once(pg_url: str, tmp_path: Path) -> None:
    results = run_terminals(pg_url, tmp_path, TERMINALS, SALES, timeout=120)
    assert [error for *_rest, error in results] == [None] * TERMINALS
    series = [f"R{n:03d}" for n in range(1, TERMINALS + 1)]
    shop = open_shop(pg_url, "R001", tmp_path)
    try:
        with Session(shop.engine) as s:
            for name in series:
                seqs = s.exec(select(JournalEntry.seq).where(JournalEntry.series == name,
                                                             JournalEntry.kind == "sale")
                              .order_by(JournalEntry.seq)).all()
                assert list(seqs) == list(range(2, SALES + 2)), name  # 1: the shift
            lock_waits = s.exec(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).one()
        assert lock_waits[0] == 0
        result = shop.verify()
        assert result.entries == TERMINALS * (SALES + 1)
        assert sorted(result.heads) == series
        day = date.fromisoformat(shop.entry("R001-00000002").business_date)
        expected_total = sum(Decimal(5 + i % 20) for i in range(SALES))
        manager = shop.login(CLERK, PIN, manager=True)
        totals = Decimal(0)
        for name in series:
            terminal = open_shop(pg_url, name, tmp_path)
            try:
                z = terminal.close_day(manager, expected_total, print_now=False)
            finally:
                terminal.close()
            assert z.business_date == day and z.sales_count == SALES
            assert z.day_total == expected_total and z.z_number == 1
            assert z.expected_cash == z.counted == expected_total
            totals += z.day_total
        wide = shop.shop_report(day)
        assert wide.sales_count == TERMINALS * SALES and wide.day_total == totals
        assert {n: c for n, c, _t in wide.by_series} == {n: SALES for n in series}
        # each terminal: its shift's open and close around the sales, then its Z
        assert shop.verify().entries == TERMINALS * (SALES + 3)
    finally:
        shop.close()
