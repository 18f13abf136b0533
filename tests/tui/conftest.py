"""TUI fixtures: the app on a real shop (tests/conftest.py `shop`), driven by Textual's Pilot."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

SIZE = (80, 24)

# "1" Claro, 9 phone digits (auto-advance), F2 = S/ 10 preset, 8 DNI digits (auto-advance),
# Enter = exact cash, Enter = confirm.
FAST_CASH_SALE = ["1", *"987654321", "f2", *"45678912", "enter", "enter", "enter"]


def cash_sale(operator_key: str, phone: str, amount: str, dni: str = "45678912") -> list[str]:
    """The keys of a typed cash sale: operator, phone, amount, DNI, exact cash, confirm."""
    return [operator_key, *phone, "enter", *amount, "enter", *dni, "enter", "enter", "enter"]


@pytest.fixture(autouse=True)
def spanish() -> Iterator[None]:
    from pos.i18n import set_locale

    set_locale("es_PE")
    yield
    set_locale("es_PE")


@pytest.fixture(autouse=True)
def confirm_armed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pilot types faster than any clerk: the confirm screen's anti-bounce delay is tested on
    its own (tests/tui/test_races.py) and off elsewhere."""
    from pos.tui.screens.confirm import ConfirmScreen

    monkeypatch.setattr(ConfirmScreen, "ARM_SECONDS", 0.0)


@pytest.fixture
def open_shop(bare_shop: Any) -> Any:
    """The shop with Rosa's shift open, S/ 100 in the drawer (its slip queued, not printed)."""
    from decimal import Decimal

    rosa = next(c for c in bare_shop.clerks() if c.name == "Rosa")
    bare_shop.open_shift(rosa, Decimal("100"), print_now=False)
    return bare_shop


@pytest.fixture
def make_app() -> Callable[..., Any]:
    """The app with an injected, already open Shop (its clock is the fixed test clock)."""
    from pos.tui.app import PosApp

    def factory(shop: Any, **kwargs: Any) -> Any:
        return PosApp(shop.settings, shop=shop, **kwargs)

    return factory


async def settle(pilot: Any, rounds: int = 4) -> None:
    """Let thread workers finish and their results reach the screen."""
    from textual.worker import WorkerCancelled, WorkerState

    busy = (WorkerState.PENDING, WorkerState.RUNNING)
    for n in range(rounds + 40):
        # At least `rounds`, then on while a worker (e.g. the print after a sale, started by
        # the result of another) is still going: a loaded machine must not make tests flaky.
        if n >= rounds and not any(w.state in busy for w in pilot.app.workers):
            break
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # a worker of a screen that has just been replaced
            pass
        await pilot.pause()


async def login(pilot: Any, pin: str = "1234", name_index: int = 1) -> None:
    """Pick a clerk (0 Juan, 1 Rosa: names are sorted) and type the PIN."""
    await settle(pilot)
    names = pilot.app.screen.query_one("#clerks")
    names.highlighted = name_index
    await pilot.press(*pin, "enter")
    await settle(pilot)


async def press(pilot: Any, *keys: str) -> None:
    """Press `keys` (Pilot waits for the app after each), then let the workers finish."""
    await pilot.press(*keys)
    await settle(pilot)


@contextlib.asynccontextmanager
async def signed_in(app: Any, pin: str = "1234", name_index: int = 1) -> AsyncIterator[Any]:
    """The app running at SIZE with a clerk logged in (Rosa unless told): yields the pilot."""
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, pin=pin, name_index=name_index)
        yield pilot


async def burst(pilot: Any, keys: list[str] | str) -> None:
    """All `keys` sent at once, as a laggy remote terminal, a scanner or a macro delivers
    them: queued in the driver together, with no pause for the app to catch up (Pilot's
    own `press` waits for the app to go idle after each key)."""
    from textual import events

    app = pilot.app
    for key in keys:
        char = {"enter": "\r", "escape": "\x1b", "backspace": "\x7f"}.get(key)
        if char is None and len(key) == 1:
            char = key
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)
    await settle(pilot)


def screen_text(app: Any) -> str:
    """Everything the current screen shows, as plain text."""
    from textual.widgets import Static

    parts = []
    for widget in app.screen.query(Static):
        try:
            parts.append(str(widget.render()))
        except Exception:  # noqa: BLE001, S110 - a widget without text
            pass
    return "\n".join(parts)


def pilot_test(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run an async Pilot test on its own event loop (no pytest-asyncio in this suite)."""
    import asyncio
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(fn(*args, **kwargs))

    return wrapper
