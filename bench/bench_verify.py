"""`Shop.verify` (what `pos verify` runs) on N journal entries, against a plain loop.

The ledger is a real one: created by Shop.open (migrations, key file), then N sale entries of
terminal R001 written straight into journal_entry with their real chain (entry_hash, the
function sales are signed with) — selling them one by one would take hours. The shop that
verifies is terminal R009 of the same ledger, as on a second PC.

Baseline, the floor: a plain loop that reads the same rows with sqlite3 (ORDER BY series,
seq), builds the same canonical JSON (json.dumps, sorted keys) and its HMAC-SHA256 with
hmac.new, and checks the sequence and the previous-hash link. The app's figure includes what
the plain loop does not (witnesses, clerks, the print queue's MACs): it is what users wait for,
minus the process start-up (bench_cli measures that). Interleaved, ROUNDS each; medians.

Goal (issue 12): at most 1.3x the floor, and under 25 s for 1,000,000 entries.

    python -m bench.bench_verify                   # 100,000 entries
    python -m bench.bench_verify --entries 1000000 # the full figure (several minutes)
    python -m bench verify --entries 1000000
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import open_shop

ENTRIES = int(os.environ.get("POS_BENCH_ENTRIES", "100000"))
ROUNDS = 3
GOAL = 1.3
LIMIT_1M_S = 25.0

CONFIG = """
[shop]
name = "Bodega Doña Rosa"
ruc = "10456789019"
series = "R009"
[ledger]
url = "sqlite:///ledger.db"
key_file = "ledger.key"
[printer]
kind = "none"
"""


def _build(folder: Path, entries: int) -> bytes:
    """A ledger with `entries` chained sales of R001; returns its key."""
    from pos.ledger.journal import GENESIS, entry_hash, ticket_number
    from pos.ledger.models import JournalEntry

    shop = open_shop(folder, CONFIG)
    key = shop.key
    shop.close()
    names = [n for n in JournalEntry.model_fields if n != "id"]
    base = {n: None for n in names} | {
        "kind": "sale", "clerk": "Juan", "operator": "claro", "method": "cash",
        "id_type": "dni", "id_masked": "DNI *****678", "id_digest": "ab" * 32, "period": 1}
    conn = sqlite3.connect(folder / "ledger.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")  # building the fixture, not measuring
    sql = f"INSERT INTO journal_entry ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    prev = GENESIS
    conn.execute("BEGIN")
    batch: list[tuple[Any, ...]] = []
    for seq in range(1, entries + 1):
        amount = 500 + (seq % 50) * 100
        second = seq % 86400
        row = base | {
            "series": "R001", "seq": seq, "ticket": ticket_number("R001", seq),
            "created_at": f"2026-11-25T{second // 3600:02d}:{second // 60 % 60:02d}:"
                          f"{second % 60:02d}.{seq % 1000000:06d}Z",
            "business_date": "2026-11-25", "phone": f"9{seq % 100000000:08d}",
            "amount_cents": amount, "tendered_cents": amount + 500, "change_cents": 500,
            "request_id": f"req-{seq}", "prev_hash": prev}
        row["hash"] = entry_hash(key, row)
        prev = row["hash"]
        batch.append(tuple(row[n] for n in names))
        if len(batch) == 10000:
            conn.executemany(sql, batch)
            batch.clear()
    conn.executemany(sql, batch)
    conn.execute("COMMIT")
    conn.close()
    return key


def _floor(path: Path, key: bytes) -> int:
    """The plain loop: sqlite3 rows, canonical JSON, HMAC, sequence and link checks."""
    from pos.ledger.journal import GENESIS, OPTIONAL_FIELDS

    conn = sqlite3.connect(path)
    count = 0
    try:
        for table in ("journal_entry", "event_log"):
            cur = conn.execute(f"SELECT * FROM {table} ORDER BY series, seq")
            names = [d[0] for d in cur.description]
            heads: dict[str, str] = {}
            expected: dict[str, int] = {}
            for row in cur:
                values = {n: v for n, v in zip(names, row) if n not in ("id", "hash")
                          and (v is not None or n not in OPTIONAL_FIELDS)}
                series, seq = values["series"], values["seq"]
                if seq != expected.get(series, 1) or values["prev_hash"] != heads.get(series,
                                                                                     GENESIS):
                    raise RuntimeError(f"chain broken at {series}#{seq}")
                data = json.dumps(values, sort_keys=True, ensure_ascii=False,
                                  separators=(",", ":")).encode()
                digest = hmac.new(key, data, hashlib.sha256).hexdigest()
                stored = row[names.index("hash")]
                if not hmac.compare_digest(digest, stored):
                    raise RuntimeError(f"bad hash at {series}#{seq}")
                heads[series], expected[series] = stored, seq + 1
                count += table == "journal_entry"
    finally:
        conn.close()
    return count


def run(entries: int = ENTRIES, rounds: int = ROUNDS) -> list[dict[str, Any]]:
    folder = Path(tempfile.mkdtemp(prefix="pos-bench-verify-"))
    try:
        key = _build(folder, entries)
        shop = open_shop(folder)
        try:
            app_s, floor_s = [], []
            for _ in range(rounds):
                start = time.perf_counter()
                result = shop.verify()
                app_s.append(time.perf_counter() - start)
                if result.entries != entries:
                    raise RuntimeError(f"verified {result.entries} of {entries}")
                start = time.perf_counter()
                if _floor(folder / "ledger.db", key) != entries:
                    raise RuntimeError("the floor did not read every entry")
                floor_s.append(time.perf_counter() - start)
        finally:
            shop.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    app, floor = statistics.median(app_s), statistics.median(floor_s)
    rows: list[dict[str, Any]] = [
        {"figure": f"verify, {entries:,} entries (Shop.verify: chains, witnesses, clerks, "
                   "print queue)",
         "goal": f"<= {GOAL:g}x", "baseline": round(floor, 2), "measured": round(app, 2),
         "ratio": round(app / floor, 2),
         "unit": "s (baseline: plain sqlite3 loop, same JSON + HMAC)", "rounds": rounds},
    ]
    if entries >= 1_000_000:
        per_million = app * 1_000_000 / entries
        rows.append({"figure": "verify, 1,000,000 entries, time", "goal": f"< {LIMIT_1M_S:g} s",
                     "baseline": "", "measured": round(per_million, 1), "ratio": "",
                     "unit": "s"})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_verify")
    parser.add_argument("--entries", type=int, default=ENTRIES)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    for row in run(args.entries, args.rounds):
        print(row)


if __name__ == "__main__":
    main()
