"""Minimal reproduction of the Footer watcher leak (issue 14), kept beside its test.

Textual's `Footer.compose` yields each `FooterKey` with `data_bind(compact=Footer.compact)`,
which appends a (FooterKey, callback) watcher to the Footer's `compact` watchers. Textual
prunes that list only when `compact` changes; a recompose (every time the screen's bindings
may have changed: a modal pushed or popped over it) removes the old keys but leaves their
watchers, each holding a dead FooterKey. A long-lived screen's Footer grows forever.

    python -m tests.tui.footer_leak         # prints the watcher counts: stock grows, ours flat

`leak_counts` is what tests/tui/test_memory.py asserts.
"""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Footer, Label


def compact_watchers(footer: Footer) -> int:
    return len(getattr(footer, "__watchers", {}).get("compact", []))


class Modal(ModalScreen[None]):
    BINDINGS = [("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Label("modal")


def make_app(footer_class: type[Footer]) -> App[None]:
    class Minimal(App[None]):
        BINDINGS = [("ctrl+n", "noop", "New"), ("ctrl+t", "noop", "History")]

        def compose(self) -> ComposeResult:
            yield Label("base")
            yield footer_class(compact=True)

        def action_noop(self) -> None:
            pass

    return Minimal()


async def leak_counts(footer_class: type[Footer], rounds: int) -> list[int]:
    """Push and pop a modal `rounds` times (what a sale does); the base Footer's watcher
    count after each round."""
    app = make_app(footer_class)
    counts = []
    async with app.run_test(size=(80, 24)) as pilot:
        footer = app.screen.query_one(Footer)
        for _ in range(rounds):
            await app.push_screen(Modal())
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
            await pilot.pause()
            counts.append(compact_watchers(footer))
    return counts


if __name__ == "__main__":
    from pos.tui.widgets import KeyFooter

    print("textual Footer:", asyncio.run(leak_counts(Footer, 10)))
    print("pos KeyFooter: ", asyncio.run(leak_counts(KeyFooter, 10)))
