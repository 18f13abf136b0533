"""TUI fixtures: the app on a real shop (tests/conftest.py `shop`), driven by Textual's Pilot."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

SIZE = (80, 24)


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
