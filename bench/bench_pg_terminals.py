"""PostgreSQL: N terminal processes making the clerk's sale, against the same SQL by hand.

The app: each process is a terminal (its own series and file printer, the shared database and
key file) doing what the TUI does for a sale — build_draft, sell with a request id, the
preview (job_bytes) and print_job (send to the file printer, record the outcome; the job was
claimed in the sale's own commit, `hold_print=True`, as the app's print worker has it).
By hand: the same statements the app sends for that sale (as its Tx runs them, pos/ledger/tx.py:
the terminal's advisory lock, the request-id lookup, the shift lookup, the chain head, the
entry with its HMAC, the print job with its bytes and claim, all in one durable commit; the
send; the outcome, committed with `synchronous_commit = off`; the preview reads nothing, it
shows the bytes the process just committed), written with psycopg and no ORM, from as many
processes.
Aggregate sales/s = all sales over the slowest process's selling time (they start together).

Goal (issue 12): the app at least 0.7x the hand-written SQL with 4 processes; also the
earlier absolute goal, at least 300 sales/s with 4 processes.

The server is a throwaway one started like the test suite does (tests/pgserver.py), but with
fsync ON: a benchmark must pay for durable commits. Uses $POS_TEST_PG_URL instead when set.

`python -m bench.bench_pg_terminals [sales]` prints the figures; `run()` returns the rows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
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
            amount = 5 + i % 20
            draft = shop.build_draft(operator="claro", phone="987 654 321", amount=str(amount),
                                     method="cash", tendered=str(amount + 5))
            sale = shop.sell(clerk, draft, request_id=uuid.uuid4().hex, print_now=False,
                             hold_print=True)
            shop.job_bytes(sale.job_id)
            if not shop.print_job(sale.job_id).printed:
                raise RuntimeError(f"{sale.ticket} did not print")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        shop.close()
        results.put((series, count, elapsed, None, cpu))


ENTRY_COLUMNS = [
    "series", "seq", "ticket", "kind", "created_at", "business_date", "clerk", "operator",
    "phone", "amount_cents", "method", "tendered_cents", "change_cents", "card_brand",
    "card_last4", "card_auth", "op_number", "id_type", "id_masked", "id_digest", "id_number",
    "ref_ticket", "reason", "request_id", "data", "period", "prev_hash", "hash"]


def hand_terminal(url: str, series: str, base_dir: str, count: int, barrier: Any,
                  results: Any) -> None:
    """The same SQL as app_terminal's sale, by hand with psycopg."""
    import psycopg

    with reporting_failure(series, barrier, results):
        key = bytes.fromhex((Path(base_dir) / "ledger.key").read_text().strip())
        receipt = b"\x1b@" + b"x" * 1070  # the size of a rendered sale receipt
        printer = os.open(Path(base_dir) / f"{series}.bin",
                          os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))
        insert_entry = (f"INSERT INTO journal_entry ({', '.join(ENTRY_COLUMNS)}) VALUES "
                        f"({', '.join(['%s'] * len(ENTRY_COLUMNS))})")
        barrier.wait(timeout=120)
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(count):
            now = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
            request_id = uuid.uuid4().hex
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"journal:{series}",))
                conn.execute("SELECT *, (SELECT min(j.id) FROM print_job j WHERE j.ticket = "
                             "e.ticket) FROM journal_entry e WHERE e.request_id = %s",
                             (request_id,)).fetchall()
                conn.execute("SELECT (SELECT max(seq) FROM journal_entry WHERE series = %(s)s "
                             "AND kind = 'shift_open'), (SELECT max(seq) FROM journal_entry "
                             "WHERE series = %(s)s AND kind = 'shift_close')",
                             {"s": series}).fetchone()
                head = conn.execute(
                    "SELECT seq, hash, created_at, (SELECT count(*) FROM journal_entry WHERE "
                    "series = %(s)s AND kind = 'z') FROM journal_entry WHERE series = %(s)s "
                    "ORDER BY seq DESC LIMIT 1", {"s": series}).fetchone()
                seq, prev = (head[0] + 1, head[1]) if head else (1, "0" * 64)
                amount = (5 + i % 20) * 100
                row: dict[str, Any] = dict.fromkeys(ENTRY_COLUMNS) | {
                    "series": series, "seq": seq, "ticket": f"{series}-{seq:08d}",
                    "kind": "sale", "created_at": now, "business_date": now[:10],
                    "clerk": "Ana", "operator": "claro", "phone": "987654321",
                    "amount_cents": amount, "method": "cash", "tendered_cents": amount + 500,
                    "change_cents": 500, "request_id": request_id,
                    "period": 1 + (head[3] if head else 0), "prev_hash": prev}
                del row["hash"]
                row["hash"] = hmac.new(key, json.dumps(
                    row, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(),
                    hashlib.sha256).hexdigest()
                conn.execute(insert_entry, [row[c] for c in ENTRY_COLUMNS])
                # The receipt's bytes (MAC'd) and this process's claim, in the same commit.
                mac = hmac.new(key, b"sale" + receipt, hashlib.sha256).hexdigest()
                claim = uuid.uuid4().hex
                job = conn.execute(
                    "INSERT INTO print_job (series, ticket, kind, data, status, attempts, mac, "
                    "claim, claimed_at, last_error, created_at) VALUES (%s, %s, 'sale', %s, "
                    "'sending', 1, %s, %s, %s, NULL, %s) RETURNING id",
                    (series, row["ticket"], receipt, mac, claim, now, now)).fetchone()[0]
            # The preview shows the bytes this process just committed: no read.
            os.write(printer, receipt)
            with conn.transaction():  # the outcome, without waiting for the disk
                conn.execute("SET LOCAL synchronous_commit = off")
                conn.execute("UPDATE print_job SET status = 'printed', claim = NULL, "
                             "last_error = NULL, printed_at = %s WHERE id = %s AND "
                             "claim = %s AND status = 'sending'", (now, job, claim))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        conn.close()
        os.close(printer)
        results.put((series, count, elapsed, None, cpu))


def _prepare(url: str, folder: Path) -> None:
    """Migrate, create the shared key and the clerk, before the terminals start."""
    shop = _open_shop(url, "R000", folder)
    try:
        shop.add_clerk("Ana", "manager", "2468")
    finally:
        shop.close()


def _rate(pg: Any, worker: Callable[..., None], terminals: int,
          sales: int) -> tuple[float, float]:
    """Aggregate sales/s of `terminals` processes running `worker` on a fresh database, and
    the CPU time one sale cost inside those processes (ms; the server's is not counted)."""
    import multiprocessing

    with database(pg) as url, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _prepare(url, folder)
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
