"""A sale as the clerk makes it, against a bare SQLite INSERT + COMMIT, a raw fsync'd append,
and the same SQL by hand.

The sale is what the TUI does for one top-up (pos/tui/screens/confirm.py and receipt.py):
`Shop.build_draft`, `Shop.sell(..., request_id=<new uuid>, print_now=False, hold_print=True)`,
the preview (`Shop.job_bytes`) and the print worker's `Shop.print_job` — the receipt sent to a file printer
and its outcome recorded in the print queue. Nothing is left out: no hook is patched.

Baselines, in the same process and the same temporary folder:
- bare: one INSERT of a row of the same size into a table with the journal's columns (the
  ledger's own CREATE TABLE, without its secondary indexes and triggers) and its COMMIT, with
  the ledger's pragmas (WAL, synchronous=FULL): the unit is the disk's fsync;
- append: `os.write` of as many bytes as the stored row, then `os.fsync`;
- by hand: the SQL this sale needs and nothing else (bench/hand_sale.py). In a second shop's
  ledger, made by the app (the same schema, indexes, triggers, an open shift), one clerk's
  sale is made while every statement the app sends is recorded with its parameters (checked
  against SQLite's own trace: nothing the app sent is missed); the timed step sends exactly
  those statements, in the same transactions and with the same pragmas, on a plain sqlite3
  connection with no pos code — BEGIN IMMEDIATE, the request-id look-up, the shift check, the
  chain head, the entry (the captured row, with a fresh seq, ticket, request id and hash),
  the print job (the receipt's bytes, claimed), the durable COMMIT; the receipt appended to a
  file (open, write, close, as the file printer does); then the outcome's relaxed transaction
  (synchronous=NORMAL, BEGIN IMMEDIATE, UPDATE, COMMIT, synchronous=FULL). Captured, not
  written down: when the app's statements change, the floor follows. (The capture wraps
  `Tx.checkout` during that one untimed sale only; the timed sale runs unpatched.)

The four are interleaved one by one (the order rotating), so a disk hiccup hits them alike.
Medians and 95th percentiles. Rows:
- the sale against bare: the goal, at most 2x (issue 12);
- the sale against append: for scale;
- by hand against bare: the floor under that goal — what the database and the disk cost for
  the statements a sale needs (two commits, one of them durable, the journal's indexes and
  trigger, the look-ups), before any of our Python runs. A goal below it cannot be met by
  making our code faster, only by sending other SQL;
- the sale against by hand: the app's own cost over the SQL it needs (the ORM-free services,
  the receipt's rendering, the HMACs, the checks): what making our code faster can win.

`python -m bench.bench_sell [runs]` prints the figures; `run()` returns the table rows.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import add_staff, open_shop
from bench.hand_sale import SqliteReplay, capture

RUNS = 300
WARMUP = 20
GOAL = 2.0
FLOOR = "(the floor under the sale's goal)"

CONFIG = """
[shop]
name = "Bodega Doña Rosa"
ruc = "10456789019"
address = "Jr. Huallaga 123, Lima"
series = "R001"
[ledger]
url = "sqlite:///ledger.db"
key_file = "ledger.key"
[printer]
kind = "file"
path = "printer.bin"
width = 48
"""


def _shop(folder: Path, name: str = "shop") -> Any:
    from decimal import Decimal

    from pos.services import ClerkView

    (folder / name).mkdir()
    shop = open_shop(folder / name, CONFIG)
    add_staff(shop)
    shop.open_shift(ClerkView("Juan", "clerk"), Decimal(0), print_now=False)
    return shop


def _clerk_sale(shop: Any) -> Callable[[], None]:
    """One top-up the way the TUI makes it, printed."""
    from pos.services import ClerkView

    clerk = ClerkView("Juan", "clerk")

    def step() -> None:
        draft = shop.build_draft(operator="claro", phone="987 654 321", amount="20",
                                 method="cash", id_spec="dni:12345678", tendered="50")
        sale = shop.sell(clerk, draft, request_id=uuid.uuid4().hex, print_now=False,
                         hold_print=True)  # the receipt screen's print worker prints it next
        shop.job_bytes(sale.job_id)  # the receipt screen's preview
        outcome = shop.print_job(sale.job_id)  # the print worker
        if not outcome.printed:
            raise RuntimeError(f"the receipt did not print: {outcome}")

    return step


def _last_row(shop: Any) -> tuple[str, tuple[Any, ...]]:
    """The ledger's CREATE TABLE for the journal and its newest row (id left out)."""
    path = shop.settings.ledger_url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)
    try:
        create = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'journal_entry'"
                              ).fetchone()[0]
        cur = conn.execute("SELECT * FROM journal_entry ORDER BY id DESC LIMIT 1")
        names = [d[0] for d in cur.description]
        row = cur.fetchone()
    finally:
        conn.close()
    return create, tuple(v for n, v in zip(names, row) if n != "id")


def _bare(folder: Path, create: str, row: tuple[Any, ...], names: list[str]) -> Callable[[], None]:
    """One INSERT of a row of the sale's size and its COMMIT, with the ledger's pragmas."""
    conn = sqlite3.connect(folder / "bare.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(create)
    seq_at, ticket_at, request_at = (names.index("seq"), names.index("ticket"),
                                     names.index("request_id"))
    sql = (f"INSERT INTO journal_entry ({', '.join(names)}) "
           f"VALUES ({', '.join('?' * len(names))})")
    counter = iter(range(1, 10**9))

    def step() -> None:
        seq = next(counter)
        values = list(row)
        values[seq_at], values[ticket_at] = seq, f"R001-{seq:08d}"
        values[request_at] = uuid.uuid4().hex
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(sql, values)
        conn.execute("COMMIT")

    return step


def _append(folder: Path, size: int) -> Callable[[], None]:
    """A raw append of `size` bytes to a file and its fsync."""
    fd = os.open(folder / "append.bin", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    line = b"x" * (size - 1) + b"\n"

    def step() -> None:
        os.write(fd, line)
        os.fsync(fd)

    return step


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _by_hand(folder: Path) -> SqliteReplay:
    """The same SQL by hand: a second shop's ledger, made by the app (schema, indexes,
    triggers, an open shift), where one clerk's sale is captured; then replayed there."""
    shop = _shop(folder, "hand")
    try:
        captured = capture(shop, _clerk_sale(shop))
    finally:
        shop.close()
    return SqliteReplay(folder / "hand" / "ledger.db", folder / "hand" / "printer.bin",
                        captured)


def run(runs: int = RUNS, warmup: int = WARMUP) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="bench-sell-") as tmp:
        folder = Path(tmp)
        shop = _shop(folder)
        hand = None
        try:
            sale = _clerk_sale(shop)
            sale()
            create, row = _last_row(shop)
            names = [n for n in _column_names(create)]
            size = sum(len(str(v).encode()) for v in row if v is not None)
            hand = _by_hand(folder)
            steps: dict[str, Callable[[], None]] = {
                "bare": _bare(folder, create, row, names),
                "append": _append(folder, size),
                "sale": sale,
                "hand": hand,
            }
            for step in steps.values():
                for _ in range(warmup):
                    step()
            times: dict[str, list[float]] = {name: [] for name in steps}
            order = list(steps)
            for i in range(runs):
                turn = i % len(order)
                for name in order[turn:] + order[:turn]:  # rotate who goes first
                    start = time.perf_counter()
                    steps[name]()
                    times[name].append((time.perf_counter() - start) * 1000)
            hand.check()  # every replayed sale was committed, with its outcome
        finally:
            shop.close()
            if hand is not None:
                hand.close()
    med = {name: statistics.median(values) for name, values in times.items()}
    p95 = {name: _p95(values) for name, values in times.items()}
    figure = "sale as the clerk makes it (TUI: request id, preview, printed to a file)"
    by_hand = "the same SQL by hand"
    own = "the app's own cost over the SQL it needs"
    return [
        _row(f"{figure}, median", f"<= {GOAL:g}x", med, "bare", "sale",
             "ms (baseline: bare SQLite INSERT+COMMIT of a row that size)")
        | {"runs": runs, "row_bytes": size},
        _row(f"{figure}, p95", f"<= {GOAL:g}x", p95, "bare", "sale",
             "ms (baseline: bare INSERT+COMMIT, p95)"),
        _row("the same sale against a raw fsync'd append of the row's size, median",
             "(for scale)", med, "append", "sale", "ms (baseline: os.write + os.fsync)"),
        _row(f"{by_hand} (the sale's statements, captured from the app, replayed on plain "
             "sqlite3; the receipt written to a file), median", FLOOR, med, "bare", "hand",
             "ms (baseline: bare SQLite INSERT+COMMIT)"),
        _row(f"{by_hand}, p95", FLOOR, p95, "bare", "hand",
             "ms (baseline: bare INSERT+COMMIT, p95)"),
        _row(f"{own}: the sale against {by_hand}, median", "(for scale)", med, "hand", "sale",
             f"ms (baseline: {by_hand})"),
        _row(f"{own}, p95", "(for scale)", p95, "hand", "sale", f"ms (baseline: {by_hand}, p95)"),
    ]


def _row(figure: str, goal: str, ms: dict[str, float], baseline: str, measured: str,
         unit: str) -> dict[str, Any]:
    return {"figure": figure, "goal": goal, "baseline": round(ms[baseline], 3),
            "measured": round(ms[measured], 3), "ratio": round(ms[measured] / ms[baseline], 2),
            "unit": unit}


def _column_names(create: str) -> list[str]:
    """Column names of a CREATE TABLE, in order, without `id` (constraints skipped)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(create)
        return [r[1] for r in conn.execute("PRAGMA table_info(journal_entry)") if r[1] != "id"]
    finally:
        conn.close()


def main() -> None:
    rows = run(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS)
    for row in rows:
        print(row)
    ratio, floor = rows[0]["ratio"], rows[3]["ratio"]
    print("goal met" if ratio <= GOAL else f"goal NOT met ({ratio}x > {GOAL:g}x)",
          f"- the same SQL by hand: {floor}x")


if __name__ == "__main__":
    main()
