"""Crash suite on a real SQLite file: SIGKILL a selling process at random moments.

After every kill: every ticket the process reported is in the ledger, the sequence is
gapless, the chains verify, the file passes `PRAGMA integrity_check`, and every sale can
still be reprinted. Seeded (POS_FAULT_SEED) and bounded in time.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.crash import ROOT, SEED, check_ledger, kill_after, write_config

ROUNDS = 24
FRESH_ROUNDS = {0, 6, 12, 18}  # kill during start-up / migration of a brand-new ledger
EARLY_ROUNDS = {3, 15}  # kill right after start-up, before or at the first sale
CLI_VERIFY_ROUNDS = {5, ROUNDS - 1}
BUDGET_S = 120  # the whole test; ~35 s on a 2-core machine


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def cli_verify(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pos.cli", "--config", str(config), "verify"],
                          check=False, cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_sigkill_never_loses_a_reported_sale(tmp_path: Path) -> None:
    from pos.config import load_settings

    rng = random.Random(SEED)
    shared = write_config(tmp_path / "shop")
    start = time.monotonic()
    total_reported = 0
    for round_no in range(ROUNDS):
        assert time.monotonic() - start < BUDGET_S, f"over budget at round {round_no}"
        fresh = round_no in FRESH_ROUNDS
        config = write_config(tmp_path / f"fresh{round_no}") if fresh else shared
        context = f"seed {SEED}, round {round_no}"
        if fresh:  # killed in imports, migration, key or first clerk
            seller = kill_after(config, rng, (0.0, 1.2), "# opening")
        elif round_no in EARLY_ROUNDS:
            seller = kill_after(config, rng, (0.0, 0.05), "# ready")
        else:
            seller = kill_after(config, rng, (0.05, 0.4), tickets=1)
        assert seller.proc.returncode == -9, (
            f"the seller ended by itself ({seller.proc.returncode}): {seller.stderr}")
        assert "Traceback" not in seller.stderr, seller.stderr
        reported = seller.tickets
        total_reported += len(reported)

        db = config.parent / "ledger.db"
        if db.exists():
            assert integrity(db) == "ok", context
        settings = load_settings(config)
        check_ledger(settings, reported, context)
        if round_no in CLI_VERIFY_ROUNDS:
            done = cli_verify(config)
            assert done.returncode == 0, done.stderr
            assert "Traceback" not in done.stdout + done.stderr
    assert total_reported >= 40, "the kills came too early to test much"
