"""Shared fixtures: sample settings, an open shop on a real SQLite file, a file printer."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["tests.pgserver"]

CONFIGS = Path(__file__).parent / "configs"
FIXED_NOW = datetime(2026, 11, 25, 15, 30, 0, tzinfo=timezone.utc)  # 10:30 in Lima

BASE_CONFIG: dict[str, Any] = {
    "shop": {"name": "Bodega Doña Rosa", "ruc": "10456789019",
             "address": "Jr. Huallaga 123, Lima", "series": "R001"},
    "ledger": {"url": "sqlite:///ledger.db", "key_file": "ledger.key"},
    "printer": {"kind": "file", "path": "out/printer.bin", "width": 48},
    "security": {"failure_delay": 0},  # lockout tests make many wrong PINs
}


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge two TOML-like dicts (extra wins)."""
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def toml_value(value: Any) -> str:
    """One TOML value: a string, a boolean, a number or a list of them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value)


def toml_text(data: dict[str, Any]) -> str:
    """TOML-like `data` (tables of values; a table inside a table is `[a.b]`) as TOML text."""
    lines: list[str] = []

    def table(name: str, values: dict[str, Any]) -> None:
        plain = {k: v for k, v in values.items() if not isinstance(v, dict)}
        if plain or not values:
            lines.append(f"[{name}]")
            lines.extend(f"{k} = {toml_value(v)}" for k, v in plain.items())
        for k, v in values.items():
            if isinstance(v, dict):
                table(f"{name}.{k}", v)

    for name, values in data.items():
        table(name, values)
    return "\n".join(lines) + "\n"


def config_file(folder: Path, **sections: dict[str, Any]) -> Path:
    """folder/config.toml (the folder made if missing): BASE_CONFIG, keyword sections override."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(toml_text(merge(BASE_CONFIG, sections)), encoding="utf-8")
    return path


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Any]:
    """Settings for a shop living in tmp_path; keyword sections override BASE_CONFIG."""
    from pos.config import parse_settings

    def factory(**sections: dict[str, Any]) -> Any:
        return parse_settings(merge(BASE_CONFIG, sections), str(tmp_path / "config.toml"),
                              tmp_path)

    return factory


class Clock:
    """A settable clock for business-date tests."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def pytest_configure(config: pytest.Config) -> None:
    """Each test process (xdist workers too) waits with a sleep that works on this machine
    (tests/wallclock.py: libfaketime without a faked monotonic clock refuses time.sleep)."""
    from tests.wallclock import sleep_that_works

    sleep_that_works()


@pytest.fixture(autouse=True, scope="session")
def _frozen_wall_clock() -> Iterator[Any]:
    """No test reads the real clock: the wall clock starts at FIXED_NOW and ticks from there,
    for the whole session (module-scoped fixtures included).

    Monotonic clocks (asyncio, timeouts) are left alone. Helper processes that share a
    ledger with the test follow the same clock (`tests/wallclock.py`).
    """
    import os

    import time_machine

    from tests.wallclock import ENV, offset_to

    os.environ[ENV] = offset_to(FIXED_NOW)
    with time_machine.travel(FIXED_NOW, tick=True) as traveller:
        yield traveller
    os.environ.pop(ENV, None)


@pytest.fixture(autouse=True)
def _test_starts_at_fixed_now(_frozen_wall_clock: Any) -> None:
    """Every test starts at FIXED_NOW: a test that reads the time of day (a lockout's end,
    a child process's sale time) never depends on how long the suite has run before it."""
    import os

    from tests.wallclock import ENV, offset_to

    _frozen_wall_clock.move_to(FIXED_NOW)
    os.environ[ENV] = offset_to(FIXED_NOW)


@pytest.fixture(autouse=True)
def _test_starts_in_spanish() -> None:
    """The shop's default language for every test: one that switched to English (a config with
    `locale = "en"`) does not leak into the next test of its worker."""
    from pos.i18n import set_locale

    set_locale("es_PE")


@pytest.fixture
def wall_clock() -> Iterator[Any]:
    """The wall clock for one test to move (`wall_clock.move_to(...)`); undone after it."""
    from datetime import datetime as wall

    import time_machine

    with time_machine.travel(wall.now(timezone.utc), tick=True) as traveller:
        yield traveller


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def shop(make_settings: Callable[..., Any], clock: Clock) -> Iterator[Any]:
    """An open Shop on a real SQLite file, with manager Rosa (1234) and clerk Juan (5678),
    and Juan's shift open with an empty drawer (R001-00000001): sales need an open shift."""
    opened = new_shop(make_settings(), clock)
    open_test_shift(opened)
    yield opened
    opened.close()


@pytest.fixture
def bare_shop(make_settings: Callable[..., Any], clock: Clock) -> Iterator[Any]:
    """Like `shop`, with no shift open."""
    opened = new_shop(make_settings(), clock)
    yield opened
    opened.close()


def new_shop(settings: Any, clock: Clock) -> Any:
    from pos.i18n import set_locale
    from pos.services import Shop

    set_locale("es_PE")
    opened = Shop.open(settings, clock=clock)
    rosa = opened.add_clerk("Rosa", "manager", "1234")
    opened.add_clerk("Juan", "clerk", "5678", by=rosa)
    return opened


def ensure_shift(shop: Any, clerk: str = "Juan") -> None:
    """Sales need an open shift: open one (slip not printed) unless one is open."""
    if shop.current_shift() is None:
        open_test_shift(shop, clerk)


def open_quiet_shift(shop: Any, clerk: str = "Juan") -> Any:
    """For printing tests: a shift opened before the test, its slip already out of the queue
    (as if printed at the start of the day), so the queue holds only what the test does."""
    from sqlalchemy import text

    shift = open_test_shift(shop, clerk)
    with shop.engine.begin() as conn:
        conn.execute(text("DELETE FROM print_job WHERE ticket = :t"), {"t": shift.ticket})
    return shift


def open_test_shift(shop: Any, clerk: str = "Juan", float_amount: str = "0") -> Any:
    """Open a shift the way a clerk does, its slip queued but not printed."""
    from decimal import Decimal

    from pos.services import ClerkView

    return shop.open_shift(ClerkView(clerk, "clerk"), Decimal(float_amount), print_now=False)


@pytest.fixture
def printed(tmp_path: Path) -> Callable[[], list[Any]]:
    """Decode everything the file printer received so far."""
    from receipts import decode

    def read() -> list[Any]:
        path = tmp_path / "out" / "printer.bin"
        return decode(path.read_bytes()) if path.exists() else []

    return read
