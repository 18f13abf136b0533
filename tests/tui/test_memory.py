"""A terminal that runs for weeks: memory stays flat sale after sale (issue 14).

The leak found: the sale screen's long-lived Footer was recomposed about twice a sale and
each FooterKey's `data_bind` left a watcher on it (tests/tui/footer_leak.py reproduces it
with a bare Textual app); Textual's per-instance style cache kept up to 1,024 dead widgets'
rendered lines. `bench/bench_memory.py` reports the same in MiB per 100 sales.
"""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.tui.conftest import SIZE, burst, login, pilot_test
from tests.tui.footer_leak import leak_counts

# The 22-key fast cash sale, confirming Enter included, then Esc back to the sale screen.
SALE = ["1", *"987654321", "f2", *"45678912", "enter", "enter", "enter"]
WARM_UP = 30  # Textual's bounded caches fill during the first sales
SALES = int(os.environ.get("POS_MEMORY_SALES", "200"))


def test_the_footer_leak_reproduced_and_fixed() -> None:
    from textual.widgets import Footer

    from pos.tui.widgets import KeyFooter

    stock = asyncio.run(leak_counts(Footer, 6))
    ours = asyncio.run(leak_counts(KeyFooter, 6))
    assert stock == sorted(stock) and stock[-1] > stock[0] + 5, stock  # grows every round
    assert len(set(ours)) == 1, ours  # flat


def footer_watchers(app: Any) -> int:
    from textual.widgets import Footer

    return sum(len(found) for screen in app.screen_stack for footer in screen.query(Footer)
               for found in getattr(footer, "__watchers", {}).values())


def attached_nodes(app: Any) -> int:
    """Widgets in the app's screens (the stack), the screens included."""
    return sum(1 for screen in app.screen_stack for _ in screen.walk_children(with_self=True))


def detached_screens(app: Any) -> int:
    """Screens still in memory but no longer on the stack. The last dismissed ones may linger
    until the next event (which one depends on how fast the sales went: a confirm screen of 5
    widgets or a receipt screen of 11); a leak keeps one more every sale."""
    from textual.screen import Screen

    stack = {id(screen) for screen in app.screen_stack}
    return sum(1 for o in gc.get_objects() if isinstance(o, Screen) and id(o) not in stack)


async def settled(app: Any, pilot: Any) -> None:
    """The print workers done (on a loaded machine the last receipt's worker can post its
    toast after the count), notifications dismissed (a toast lives for seconds of wall time:
    how many are on screen depends on how fast the sales went, not on a leak), then a full
    collection."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.clear_notifications()
    await pilot.pause()
    gc.collect()


def slope(points: list[tuple[int, int]]) -> float:
    """Least-squares growth per sale."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    num = sum((x - mean_x) * (y - mean_y) for x, y in points)
    den = sum((x - mean_x) ** 2 for x, _ in points)
    return num / den


@pytest.fixture
def fast_settings(tmp_path: Path) -> Iterator[Any]:
    """The shop on a memory-backed folder where there is one (/dev/shm): this test is about
    the app's memory, not the disk's flush time, which dominates a sale on a busy machine."""
    from pos.config import parse_settings
    from tests.conftest import BASE_CONFIG, merge

    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(prefix="pos-memory-", dir=shm if shm.is_dir() else tmp_path))
    try:
        yield parse_settings(merge(BASE_CONFIG, {"printer": {"kind": "none"}}),
                             str(folder / "config.toml"), folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pilot_test
async def test_memory_stays_flat_over_many_sales(fast_settings: Any, clock: Any) -> None:
    """SALES whole sales through Pilot (keys in bursts, as fast as the app takes them): after
    the warm-up, live objects, widgets and footer watchers do not grow with the sales."""
    from pos.services import Shop
    from pos.tui.app import PosApp
    from pos.tui.screens.sale import SaleScreen

    shop = Shop.open(fast_settings, clock=clock)
    try:
        rosa = shop.add_clerk("Rosa", "manager", "1234")
        shop.add_clerk("Juan", "clerk", "5678", by=rosa)
        shop.open_shift(rosa, Decimal("100"))
        app = PosApp(shop.settings, shop=shop)
        objects: list[tuple[int, int]] = []
        async with app.run_test(size=SIZE) as pilot:
            await login(pilot)
            for n in range(1, SALES + 1):
                await burst(pilot, SALE)
                await burst(pilot, ["escape"])
                assert isinstance(app.screen, SaleScreen)
                if n == WARM_UP:
                    await settled(app, pilot)
                    watchers, nodes = footer_watchers(app), attached_nodes(app)
                if n >= WARM_UP and n % 10 == 0:
                    # As at the warm-up and the end: toasts dismissed first (Textual expires a
                    # notification by the wall clock, which a frozen clock never moves).
                    await settled(app, pilot)
                    objects.append((n, len(gc.get_objects())))
            await settled(app, pilot)
            assert footer_watchers(app) == watchers
            assert attached_nodes(app) <= nodes + 5  # a timer may come and go
            assert detached_screens(app) <= 3, detached_screens(app)
        assert len(shop.history(limit=SALES + 10)) == SALES
        # Before the fix: about +3,000 objects (and +24 footer watchers) a sale, steadily.
        growth = slope(objects)
        assert growth < 15, (growth, objects)
    finally:
        shop.close()
