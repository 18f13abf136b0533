"""Export and Z of one day of 2,000 sales: in a 10,000-entry ledger and a 1,000,000-entry one.

Goals: each under 1 s in the big ledger, and within 1.5x of the small one (the cost follows
the day, not the ledger). The ledgers are SQLite files built once — real migrations and
triggers, correctly chained rows written with executemany — and cached under
$POS_BENCH_CACHE (default: <tmp>/recarga-pos-bench); the Z runs on a fresh copy each time.

`python -m bench.bench_dayclose` prints the figures; `run()` returns them as a list of dicts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

DAY_SALES = 2000
SIZES = {"small": 10_000, "big": 1_000_000}
BENCH_DAY = date(2026, 11, 25)
GOAL_SECONDS = 1.0
GOAL_RATIO = 1.5
VERSION = "v1"
GENESIS = "0" * 64


def cache_dir() -> Path:
    folder = Path(os.environ.get("POS_BENCH_CACHE")
                  or Path(tempfile.gettempdir()) / "recarga-pos-bench")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def settings_for(folder: Path) -> Any:
    from pos.config import parse_settings

    return parse_settings({
        "shop": {"name": "Bodega Doña Rosa", "ruc": "10456789019", "series": "R001"},
        "ledger": {"url": "sqlite:///ledger.db", "key_file": "ledger.key"},
        "printer": {"kind": "none"},
    }, str(folder / "config.toml"), folder)


def _fields() -> list[str]:
    from pos.ledger.models import JournalEntry

    return [name for name in JournalEntry.model_fields if name != "id"]


def _sale(seq: int, day: date, i: int, n: int) -> dict[str, Any]:
    seconds = 14 * 3600 + (9 * 3600 * i) // n  # 09:00..18:00 in Lima
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
        seconds=seconds, microseconds=i)
    amount = (5 + i % 20) * 100
    row: dict[str, Any] = {
        "kind": "sale", "created_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "business_date": day.isoformat(), "clerk": "Ana" if i % 2 else "Luis",
        "operator": ("claro", "movistar", "entel", "bitel")[i % 4], "phone": "987654321",
        "amount_cents": amount, "method": ("cash", "cash", "card", "yape")[i % 4],
    }
    if row["method"] == "cash":
        row |= {"tendered_cents": amount + 500, "change_cents": 500}
    elif row["method"] == "card":
        row |= {"card_brand": "visa", "card_last4": "4242", "card_auth": "A1B2C3"}
    else:
        row["op_number"] = f"{10000000 + seq}"
    return row


def _z(day: date, totals: dict[str, int], z_number: int, grand: int) -> dict[str, Any]:
    moment = datetime(day.year, day.month, day.day, 23, 59, tzinfo=UTC)
    data = {"z_number": z_number, "grand_total": grand, "day_total": totals["day"],
            "sales_count": DAY_SALES, "sales_total": totals["day"], "voids_count": 0,
            "voids_total": 0, "float": 0, "cash_received": totals["received"],
            "change_given": totals["change"], "cash_voids": 0,
            "expected": totals["received"] - totals["change"], "counted": None,
            "difference": None}
    return {"kind": "z", "created_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "business_date": day.isoformat(), "clerk": "Rosa", "amount_cents": totals["day"],
            "data": json.dumps(data, sort_keys=True, separators=(",", ":"))}


def build(path: Path, entries: int) -> None:
    """A ledger of about `entries` entries: closed past days of 2,000 sales, then the bench day."""
    from pos.ledger.journal import OPTIONAL_FIELDS, canonical
    from pos.ledger.models import JournalEntry
    from pos.services import Shop

    folder = path.parent
    shop = Shop.open(settings_for(folder))  # migrations, triggers, key
    shop.add_clerk("Rosa", "manager", "1234")
    key = shop.key
    shop.close()
    fields = _fields()
    past_days = max(0, (entries - DAY_SALES) // (DAY_SALES + 1))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    insert = (f"INSERT INTO journal_entry ({', '.join(fields)}) "
              f"VALUES ({', '.join('?' * len(fields))})")
    seq, prev, grand = 0, GENESIS, 0
    checked = False

    def chain(row: dict[str, Any]) -> tuple[Any, ...]:
        nonlocal seq, prev, checked
        seq += 1
        full = {name: None for name in fields} | row | {
            "series": "R001", "seq": seq, "ticket": f"R001-{seq:08d}", "prev_hash": prev}
        full.pop("hash")
        # What canonical() signs: OPTIONAL_FIELDS (period) left out while None.
        message = json.dumps({k: v for k, v in full.items()
                              if v is not None or k not in OPTIONAL_FIELDS},
                             sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        full["hash"] = hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
        if not checked:  # our shortcut must sign exactly what the journal signs
            assert full["hash"] == hmac.new(key, canonical(JournalEntry(**full)),
                                            hashlib.sha256).hexdigest()
            checked = True
        prev = full["hash"]
        return tuple(full[name] for name in fields)

    for d in range(past_days + 1):
        day = BENCH_DAY - timedelta(days=past_days - d)
        totals = {"day": 0, "received": 0, "change": 0}
        rows = []
        for i in range(DAY_SALES):
            sale = _sale(seq + 1, day, i, DAY_SALES)
            totals["day"] += sale["amount_cents"]
            totals["received"] += sale.get("tendered_cents") or 0
            totals["change"] += sale.get("change_cents") or 0
            rows.append(chain(sale))
        if day != BENCH_DAY:
            grand += totals["day"]
            rows.append(chain(_z(day, totals, d + 1, grand)))
        conn.executemany(insert, rows)
        conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


def ledger(name: str) -> Path:
    """The cached ledger folder for one size, built on first use."""
    folder = cache_dir() / f"{name}-{SIZES[name]}-{VERSION}"
    done = folder / "built"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        started = time.perf_counter()
        build(folder / "ledger.db", SIZES[name])
        done.write_text(f"{time.perf_counter() - started:.1f}s\n")
    return folder


def _clock() -> datetime:
    return datetime(BENCH_DAY.year, BENCH_DAY.month, BENCH_DAY.day, 23, 30, tzinfo=UTC)


def export_times(names: tuple[str, ...], repeats: int = 7) -> dict[str, float]:
    """Best-of export time (read-only) per ledger, the ledgers taking turns so that a busy
    moment of the machine hits both alike."""
    from pos.services import Shop

    shops = {name: Shop.open(settings_for(ledger(name)), clock=_clock) for name in names}
    out = Path(tempfile.mkdtemp(prefix="pos-bench-export-"))
    best = dict.fromkeys(names, float("inf"))
    try:
        for name, shop in shops.items():  # warm-up, and the row count check
            assert shop.export(BENCH_DAY, BENCH_DAY, "csv", out / "day.csv",
                               force=True) == DAY_SALES
        for _ in range(repeats):
            for name, shop in shops.items():
                seconds = _timed(lambda: shop.export(BENCH_DAY, BENCH_DAY, "csv",
                                                     out / "day.csv", force=True))
                best[name] = min(best[name], seconds)
    finally:
        for shop in shops.values():
            shop.close()
        shutil.rmtree(out, ignore_errors=True)
    return best


def z_time(name: str) -> float:
    """One Z on a fresh copy of the ledger (a Z changes it)."""

    from pos.services import Shop

    source = ledger(name)
    work = Path(tempfile.mkdtemp(prefix="pos-bench-z-"))
    try:
        # The witness too: a terminal whose witness is gone stops (and rightly so).
        for item in ["ledger.db", "ledger.key", *(w.name for w in source.glob("*.witness"))]:
            shutil.copyfile(source / item, work / item)
        shop = Shop.open(settings_for(work), clock=_clock)
        try:
            manager = shop.login("Rosa", "1234", manager=True)
            from receipts.escpos_loader import escpos_printer

            escpos_printer()  # a one-time import, not the Z's cost
            result: list[Any] = []
            # No shift is open in the built ledger: the Z takes no count (shifts count it).
            z = _timed(lambda: result.append(shop.close_day(manager, print_now=False)))
            report = result[0]
            assert report.sales_count == DAY_SALES and report.business_date == BENCH_DAY
        finally:
            shop.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return z


def measure(name: str) -> dict[str, float]:
    """Export and Z of the bench day in one ledger."""
    return {"export": export_times((name,))[name], "z": z_time(name)}


def _timed(step: Any) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def run() -> list[dict[str, Any]]:
    exports = export_times(("small", "big"))
    small = {"export": exports["small"], "z": min(z_time("small") for _ in range(3))}
    big = {"export": exports["big"], "z": min(z_time("big") for _ in range(3))}
    rows = []
    for what, label in (("export", "export (csv) of one day, 2,000 sales"),
                        ("z", "Z of one day, 2,000 sales")):
        ratio = big[what] / small[what] if small[what] else float("inf")
        rows.append({
            "figure": f"{label}: 1M-entry ledger vs 10k",
            "goal": f"< {GOAL_SECONDS:.0f} s and <= {GOAL_RATIO}x",
            "baseline": round(small[what] * 1000, 1),
            "measured": round(big[what] * 1000, 1),
            "ratio": round(ratio, 2),
            "unit": "ms",
        })
    return rows


if __name__ == "__main__":  # pragma: no cover
    for row in run():
        print(row)
