"""Aggregate sales/s of 4 terminal processes selling at once into one PostgreSQL ledger.

Goal: at least 300 sales/s in total. Baseline: one process doing a bare INSERT + COMMIT of a
journal-sized row, on the same server. The server is a throwaway one started like the test
suite does (tests/pgserver.py), but with fsync ON: a benchmark must pay for durable commits.
Uses $POS_TEST_PG_URL instead when set.

`python -m bench.bench_pg_terminals` prints the figures; `run()` returns them as a dict.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TERMINALS = 4
SALES = 1000
BARE_ROWS = 2000
GOAL = 300.0


@contextmanager
def server() -> Iterator[Any]:
    """A PostgreSQL server: $POS_TEST_PG_URL, or our own throwaway cluster (durable commits)."""
    from tests.pgserver import LocalCluster, PgServer, find_pg_bindir

    external = os.environ.get("POS_TEST_PG_URL", "").strip()
    if external:
        yield PgServer.from_url(external)
        return

    class DurableCluster(LocalCluster):
        def _options(self) -> str:
            return super()._options().replace(" -F", "").replace(
                " -c fsync=off -c full_page_writes=off", "")

    cluster = DurableCluster(find_pg_bindir(), "bench")
    try:
        cluster.initdb()
        cluster.start()
        yield PgServer.local(cluster)
    finally:
        cluster.destroy()


@contextmanager
def database(pg: Any) -> Iterator[str]:
    import psycopg
    from psycopg import sql

    name = f"pos_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg.admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield pg.url(name)
    finally:
        with psycopg.connect(pg.admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


def bare_rate(pg: Any, dbname_url: str, rows: int = BARE_ROWS) -> float:
    """Single-process INSERT + COMMIT per row of a journal-sized row: rows/s."""
    import psycopg

    dsn = dbname_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TABLE bare (id serial PRIMARY KEY, series text, seq int, "
                     "ticket text UNIQUE, payload text, hash text, UNIQUE (series, seq))")
        conn.commit()
        started = time.perf_counter()
        for i in range(rows):
            conn.execute("INSERT INTO bare (series, seq, ticket, payload, hash) "
                         "VALUES (%s, %s, %s, %s, %s)",
                         ("B001", i, f"B001-{i:08d}", "x" * 200, "f" * 64))
            conn.commit()
        return rows / (time.perf_counter() - started)


def run(sales: int = SALES) -> dict[str, Any]:
    from tests.ledger.terminal_worker import run_terminals

    with server() as pg:
        with database(pg) as url:
            baseline = bare_rate(pg, url)
        with database(pg) as url, tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            results = run_terminals(url, Path(folder), TERMINALS, sales)
            errors = [error for *_rest, error in results if error]
            if errors:
                raise RuntimeError("; ".join(errors))
            # Aggregate: all sales over the slowest terminal's selling time (they start together).
            wall = max(seconds for _s, _n, seconds, _e in results)
            measured = TERMINALS * sales / wall
            from tests.ledger.terminal_worker import open_shop

            shop = open_shop(url, "R001", folder)
            try:
                checked = shop.verify()
            finally:
                shop.close()
            assert checked.entries == TERMINALS * sales, checked
            _total = time.perf_counter() - started
    return {
        "figure": f"PostgreSQL: {TERMINALS} terminal processes x {sales} sales, aggregate",
        "goal": f">= {GOAL:.0f}/s",
        "baseline": round(baseline, 1),
        "measured": round(measured, 1),
        "ratio": round(measured / baseline, 2),
        "unit": "sales/s (baseline: bare INSERT+COMMIT/s, 1 process)",
    }


if __name__ == "__main__":  # pragma: no cover
    print(run())
