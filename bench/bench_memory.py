"""Memory over a day of sales: MiB of resident memory per 100 sales, against a minimal
Textual app doing the same screen work in the same run.

Each side is a fresh `python -c` process run headless (Textual's test driver, 80×24).
Ours: a real shop in a temporary folder (ledger, key, file printer), Rosa logged in, a
shift open, then SALES fast cash sales typed through Pilot (operator, phone, preset, DNI,
Enter ×3, Esc back to the sale screen). The baseline: a minimal app with a Footer that
pushes and pops two modal screens (each with its Footer) per "sale", as a sale does. Both
measure resident memory (/proc/self/statm) after WARM_UP rounds and after the last one,
after a full garbage collection; the figure is the growth per 100 rounds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SALES = int(os.environ.get("POS_BENCH_MEMORY_SALES", "300"))
WARM_UP = 100  # Textual's bounded caches (1,024 style caches) fill first
GOAL_MIB = 1.0  # per 100 sales above the minimal app's own growth
ROOT = Path(__file__).resolve().parents[1]

COMMON = r"""
import gc, json, os, sys
SALES, WARM_UP = int(sys.argv[1]), int(sys.argv[2])

def rss_mib():
    gc.collect()
    pages = int(open("/proc/self/statm").read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
"""

BASELINE = COMMON + r"""
import asyncio
from textual.app import App
from textual.screen import ModalScreen
from textual.widgets import Footer, Label

class Modal(ModalScreen):
    BINDINGS = [("escape", "app.pop_screen", "Back")]
    def compose(self):
        yield Label("modal " * 40)
        yield Footer(compact=True)

class Minimal(App):
    BINDINGS = [("ctrl+n", "noop", "New"), ("ctrl+t", "noop", "History")]
    def compose(self):
        # No Footer on the base screen: Textual's own leaks a watcher per key per
        # recompose (the leak this benchmark is about; ~28 MiB/100 rounds here).
        yield Label("hola")
    def action_noop(self):
        pass

async def main():
    app = Minimal()
    marks = {}
    async with app.run_test(size=(80, 24)) as pilot:
        for n in range(1, SALES + 1):
            for _ in range(2):
                await app.push_screen(Modal())
                await pilot.pause()
                app.pop_screen()
                await pilot.pause()
            if n in (WARM_UP, SALES):
                marks[n] = rss_mib()
    print(json.dumps(marks))

asyncio.run(main())
"""

OURS = COMMON + r"""
import asyncio
from decimal import Decimal
from pathlib import Path
folder = Path(sys.argv[3])
from pos.config import load_settings
from pos.i18n import set_locale
from pos.services import Shop
from pos.tui.app import PosApp
from tests.tui.conftest import burst, login

set_locale("es_PE")
SALE = ["1", *"987654321", "f2", *"45678912", "enter", "enter", "enter"]

async def main():
    shop = Shop.open(load_settings(str(folder / "config.toml")))
    rosa = shop.add_clerk("Rosa", "manager", "1234")
    shop.add_clerk("Juan", "clerk", "5678", by=rosa)
    shop.open_shift(rosa, Decimal("100"), print_now=False)
    from pos.tui.screens.confirm import ConfirmScreen
    ConfirmScreen.ARM_SECONDS = 0.0  # Pilot types faster than the anti-bounce delay
    app = PosApp(shop.settings, shop=shop)
    marks = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        for n in range(1, SALES + 1):
            await burst(pilot, SALE)
            await burst(pilot, ["escape"])
            if n in (WARM_UP, SALES):
                marks[n] = rss_mib()
    shop.close()
    print(json.dumps(marks))

asyncio.run(main())
"""


def _child(script: str, *args: str) -> float:
    """MiB of growth per 100 rounds after the warm-up, as the child measured it."""
    done = subprocess.run([sys.executable, "-c", script, str(SALES), str(WARM_UP), *args],
                          cwd=ROOT, capture_output=True, text=True, check=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    marks = json.loads(done.stdout.strip().splitlines()[-1])
    grown = marks[str(SALES)] - marks[str(WARM_UP)]
    return grown / (SALES - WARM_UP) * 100


def run() -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="pos-bench-memory-"))
    try:
        config = (ROOT / "config.toml").read_text(encoding="utf-8")
        (folder / "config.toml").write_text(config, encoding="utf-8")
        baseline = _child(BASELINE)
        measured = _child(OURS, str(folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "figure": f"memory growth per 100 sales ({SALES} sales, after {WARM_UP})",
        "goal": f"<= baseline + {GOAL_MIB:g} MiB",
        "baseline": round(baseline, 2),
        "measured": round(measured, 2),
        "unit": "MiB/100 sales (baseline: minimal app, 2 modals a round)",
        "ratio": round(measured - baseline, 2),
    }


if __name__ == "__main__":
    print(run())
