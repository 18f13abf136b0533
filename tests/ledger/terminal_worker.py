"""One terminal process selling into a shared ledger (tests/ledger/test_postgres.py, bench/)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CLERK, PIN = "Ana", "1234"


def terminal_config(url: str, series: str) -> dict[str, Any]:
    """A terminal's config: its own series, the shared database and key file, no printer."""
    return {
        "shop": {"name": "Bodega Doña Rosa", "ruc": "10456789019", "series": series,
                 "require_id": False},
        "ledger": {"url": url, "key_file": "ledger.key"},
        "printer": {"kind": "none"},
    }


def open_shop(url: str, series: str, base_dir: str | Path) -> Any:
    from pos.config import parse_settings
    from pos.services import Shop

    folder = Path(base_dir)
    settings = parse_settings(terminal_config(url, series), str(folder / f"{series}.toml"),
                              folder)
    return Shop.open(settings)


def prepare(url: str, base_dir: str | Path) -> None:
    """Migrate the database, create the shared key and the clerk, before terminals start."""
    shop = open_shop(url, "R000", base_dir)
    try:
        if not shop.has_clerks():
            shop.add_clerk(CLERK, "manager", PIN)
    finally:
        shop.close()


@contextlib.contextmanager
def reporting_failure(series: str, barrier: Any, results: Any) -> Iterator[None]:
    """In a terminal process: a failure goes to the parent as (series, 0, 0.0, error) and frees
    the other terminals waiting at the barrier."""
    try:
        yield
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails
        with contextlib.suppress(Exception):
            barrier.abort()
        results.put((series, 0, 0.0, f"{type(exc).__name__}: {exc}"))


def sell_many(url: str, series: str, base_dir: str, count: int, barrier: Any,
              results: Any) -> None:
    """Sell `count` top-ups as terminal `series`; report (series, sold, seconds, error)."""
    from tests.wallclock import follow

    follow()
    with reporting_failure(series, barrier, results):
        shop = open_shop(url, series, base_dir)
        clerk = shop.login(CLERK, PIN)
        if shop.current_shift() is None:  # sales need an open shift on the terminal
            from decimal import Decimal

            shop.open_shift(clerk, Decimal("0"), print_now=False)
        drafts = [shop.build_draft(operator="claro", phone="987654321", amount=str(amount),
                                   method="cash", tendered=str(amount + 5))
                  for amount in range(5, 25)]
        barrier.wait(timeout=120)
        started = time.perf_counter()
        for i in range(count):
            shop.sell(clerk, drafts[i % len(drafts)], print_now=False)
        elapsed = time.perf_counter() - started
        shop.close()
        results.put((series, count, elapsed, None))


def run_terminals(url: str, base_dir: str | Path, terminals: int, count: int,
                  timeout: float = 300) -> list[tuple[str, int, float, str | None]]:
    """`terminals` processes (R001…) selling `count` each at once; their reports."""
    import multiprocessing

    prepare(url, base_dir)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(terminals)
    results = ctx.Queue()
    procs = [ctx.Process(target=sell_many,
                         args=(url, f"R{n:03d}", str(base_dir), count, barrier, results))
             for n in range(1, terminals + 1)]
    for proc in procs:
        proc.start()
    out = [results.get(timeout=timeout) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    return sorted(out)
