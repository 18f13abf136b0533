"""PostgreSQL: N terminal processes making the clerk's sale, against the same SQL by hand.

The app: each process is a terminal (its own series and file printer, the shared database and
key file) doing what the TUI does for a sale — build_draft, sell with a request id, the
preview (job_bytes) and print_job (send to the file printer, record the outcome; the job was
claimed in the sale's own commit, `hold_print=True`, as the app's print worker has it).
By hand: the same statements the app sends for that sale (bench/hand_sale.py: captured from
one such sale of the app's, before the terminals start — the terminal's advisory lock, the
request-id look-up, the shift check, the chain head, the entry, the print job with its bytes
and claim, the durable commit; the outcome, committed with `SET LOCAL synchronous_commit =
off`), sent with psycopg and no ORM from as many processes, each on its own terminal's chain;
with the Python any correct sale needs (the entry's HMAC over its canonical JSON, the job's
MAC) and the receipt appended to a file between the two transactions; the preview reads
nothing, it shows the bytes the process just committed.
Aggregate sales/s = all sales over the slowest process's selling time (they start together).

Goal (issue 12): the app at least 0.7x the hand-written SQL with 4 processes; also the
earlier absolute goal, at least 300 sales/s with 4 processes.

The server is a throwaway one started like the test suite does (tests/pgserver.py), but with
fsync ON: a benchmark must pay for durable commits. Uses $POS_TEST_PG_URL instead when set.

`python -m bench.bench_pg_terminals [sales]` prints the figures; `run()` returns the rows.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.ledger.terminal_worker import reporting_failure

TERMINALS = (1, 4)
SALES = 500
GOAL = 0.7
GOAL_RATE = 300.0
CAPTURED = "captured.pickle"  # the app's statements for one sale (bench/hand_sale.py)


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


def _terminal_config(url: str, series: str, folder: Path) -> dict[str, Any]:
    return {
        "shop": {"name": "Bodega Doña Rosa", "ruc": "10456789019", "series": series,
                 "require_id": False},
        "ledger": {"url": url, "key_file": "ledger.key"},
        "printer": {"kind": "file", "path": str(folder / f"{series}.bin")},
    }


def _open_shop(url: str, series: str, folder: Path) -> Any:
    from pos.config import parse_settings
    from pos.services import Shop

    return Shop.open(parse_settings(_terminal_config(url, series, folder),
                                    str(folder / f"{series}.toml"), folder))


def clerk_sale(shop: Any, clerk: Any, amount: int) -> None:
    """One top-up the way the TUI makes it: a request id, the preview, printed."""
    draft = shop.build_draft(operator="claro", phone="987 654 321", amount=str(amount),
                             method="cash", tendered=str(amount + 5))
    sale = shop.sell(clerk, draft, request_id=uuid.uuid4().hex, print_now=False,
                     hold_print=True)
    shop.job_bytes(sale.job_id)
    if not shop.print_job(sale.job_id).printed:
        raise RuntimeError(f"{sale.ticket} did not print")


def app_terminal(url: str, series: str, base_dir: str, count: int, barrier: Any,
                 results: Any) -> None:
    """One terminal process selling `count` top-ups the way the clerk does."""
    from decimal import Decimal

    from tests.wallclock import follow

    follow()
    with reporting_failure(series, barrier, results):
        folder = Path(base_dir)
        shop = _open_shop(url, series, folder)
        clerk = shop.login("Ana", "2468")
        if shop.current_shift() is None:
            shop.open_shift(clerk, Decimal(0), print_now=False)
        barrier.wait(timeout=120)
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(count):
            clerk_sale(shop, clerk, 5 + i % 20)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        shop.close()
        results.put((series, count, elapsed, None, cpu))


def hand_terminal(url: str, series: str, base_dir: str, count: int, barrier: Any,
                  results: Any) -> None:
    """The same SQL as app_terminal's sale, by hand with psycopg: the statements the app sent
    for one such sale, captured (`_prepare`), replayed on this terminal's own chain."""
    import psycopg

    from bench.hand_sale import Replay, psycopg_execute

    with reporting_failure(series, barrier, results):
        folder = Path(base_dir)
        captured = pickle.loads((folder / CAPTURED).read_bytes())
        key = bytes.fromhex((folder / "ledger.key").read_text().strip())
        conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))
        sale = Replay(captured, psycopg_execute(conn), folder / f"{series}.bin", series=series,
                      key=key)
        barrier.wait(timeout=120)
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            sale()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        printed = conn.execute("SELECT count(*) FROM print_job WHERE series = %s AND "
                               "status = 'printed'", (series,)).fetchone()
        conn.close()
        if printed is None or printed[0] != count:
            raise RuntimeError(f"{count} sales replayed, {printed} printed")
        results.put((series, count, elapsed, None, cpu))


def _prepare(url: str, folder: Path, capture: bool) -> None:
    """Migrate, create the shared key and the clerk, before the terminals start; to `capture`,
    make one clerk's sale on terminal R000 and keep the statements the app sent for it."""
    from decimal import Decimal

    from bench.hand_sale import capture as capture_sale

    shop = _open_shop(url, "R000", folder)
    try:
        shop.add_clerk("Ana", "manager", "2468")
        if capture:
            clerk = shop.login("Ana", "2468")
            shop.open_shift(clerk, Decimal(0), print_now=False)
            captured = capture_sale(shop, lambda: clerk_sale(shop, clerk, 5))
            (folder / CAPTURED).write_bytes(pickle.dumps(captured))
    finally:
        shop.close()


def _rate(pg: Any, worker: Callable[..., None], terminals: int,
          sales: int) -> tuple[float, float]:
    """Aggregate sales/s of `terminals` processes running `worker` on a fresh database, and
    the CPU time one sale cost inside those processes (ms; the server's is not counted)."""
    import multiprocessing

    with database(pg) as url, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _prepare(url, folder, capture=worker is hand_terminal)
        ctx = multiprocessing.get_context("spawn")
        barrier = ctx.Barrier(terminals)
        results = ctx.Queue()
        procs = [ctx.Process(target=worker, args=(url, f"R{n:03d}", tmp, sales, barrier,
                                                  results)) for n in range(1, terminals + 1)]
        for proc in procs:
            proc.start()
        out = [results.get(timeout=600) for _ in procs]
        for proc in procs:
            proc.join(timeout=30)
        errors = [row[3] for row in out if row[3]]
        if errors:
            raise RuntimeError("; ".join(errors))
        if worker is app_terminal:  # what was sold must verify
            shop = _open_shop(url, "R000", folder)
            try:
                assert shop.verify().entries == terminals * (sales + 1)  # + each shift open
            finally:
                shop.close()
        cpu_ms = sum(row[4] for row in out) / (terminals * sales) * 1000
        return terminals * sales / max(row[2] for row in out), cpu_ms


def run(sales: int = SALES) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with server() as pg:
        for terminals in TERMINALS:
            hand, hand_cpu = _rate(pg, hand_terminal, terminals, sales)
            app, app_cpu = _rate(pg, app_terminal, terminals, sales)
            rows.append({
                "figure": f"PostgreSQL, {terminals} terminal process{'es' * (terminals > 1)}: "
                          "the clerk's sale (request id, preview, printed), app vs same SQL "
                          "by hand",
                "goal": f">= {GOAL:g}x" if terminals == 4 else "(for scale)",
                "baseline": round(hand, 1), "measured": round(app, 1),
                "ratio": round(app / hand, 2), "unit": "sales/s (baseline: the same SQL by hand)",
            })
            if terminals == 1:  # steadier than throughput on a shared machine
                rows.append({
                    "figure": "PostgreSQL, 1 terminal process: CPU of one sale in the terminal "
                              "process (the server's not counted), app vs same SQL by hand",
                    "goal": "(for scale)", "baseline": round(hand_cpu, 3),
                    "measured": round(app_cpu, 3), "ratio": round(app_cpu / hand_cpu, 2),
                    "unit": "ms CPU/sale (time.process_time)"})
            if terminals == 4:
                rows.append({"figure": "PostgreSQL, 4 terminal processes, aggregate",
                             "goal": f">= {GOAL_RATE:.0f}/s", "baseline": "",
                             "measured": round(app, 1), "ratio": "", "unit": "sales/s"})
    return rows


if __name__ == "__main__":  # pragma: no cover
    import sys

    for row in run(int(sys.argv[1]) if len(sys.argv) > 1 else SALES):
        print(row)
