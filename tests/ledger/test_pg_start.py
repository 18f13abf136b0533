"""Several terminals starting at once on a new PostgreSQL database: one migrates, the others
wait for it (an advisory lock), and none fails on a raw constraint error."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pos.ledger.database import HEAD_REVISION

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
TERMINALS = 6


def start_terminal(url: str, series: str, base_dir: str, go: str) -> None:
    """In a child process: wait for the start signal, open the shop, check the chain."""
    from tests.ledger.terminal_worker import open_shop
    from tests.wallclock import follow

    follow()
    deadline = time.monotonic() + 60
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            raise SystemExit("no start signal")
        time.sleep(0.01)
    shop = open_shop(url, series, base_dir)
    try:
        # Opening writes nothing (issue 12): the start event rides in the first chained write.
        shop.log_event("opened", series)
        shop.verify()
    finally:
        shop.close()
    print("started", series)


def test_terminals_start_together_on_a_new_database(pg_url: str, tmp_path: Path) -> None:
    import psycopg

    go = tmp_path / "go"
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    code = ("import sys; from tests.ledger.test_pg_start import start_terminal; "
            "start_terminal(*sys.argv[1:])")
    runs = [subprocess.Popen([sys.executable, "-c", code, pg_url, f"R{n:03d}", str(tmp_path),
                              str(go)], env=env, text=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for n in range(1, TERMINALS + 1)]
    time.sleep(1.5)  # let every child import and wait at the line
    go.touch()
    for n, run in enumerate(runs, 1):
        out, err = run.communicate(timeout=180)
        assert run.returncode == 0, err[-2000:]
        assert out.strip() == f"started R{n:03d}"
    libpq = pg_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(libpq, autocommit=True) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (HEAD_REVISION,)]
        starts = conn.execute("SELECT count(*) FROM event_log WHERE kind = 'start'").fetchone()
    assert starts == (TERMINALS,)
