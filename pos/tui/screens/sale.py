"""The sale screen: operator → phone → amount → ID → payment, all from the keyboard.

Keys typed go into the current field (`SaleForm`); Enter moves on, Escape goes back,
F1–F9 are the current field's choices (amount presets, document type, payment method),
Ctrl+N starts over. The phone is always shown large and grouped for the customer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Digits, Footer, Static

from pos.i18n import _
from pos.tui import keymap
from pos.tui.sale_form import ORDER, Row, SaleForm
from pos.tui.widgets import Banner, TopBar

if TYPE_CHECKING:
    from pos.services import ClerkView

LABEL_WIDTH = 13


class FieldRow(Static):
    """One field: label and value; under the current one its keys; under a wrong one why."""

    def show_row(self, row: Row) -> None:
        self.display = True
        self.set_class(row.current, "-current")
        self.set_class(bool(row.error), "-invalid")
        self.set_class(row.done, "-done")
        text = Text()
        marker = "▶ " if row.current else "  "
        text.append(marker + row.label.ljust(LABEL_WIDTH - 2), style="bold" if row.current
                    else "")
        text.append(row.value or ("…" if row.current else ""), style="bold")
        if row.hint:
            text.append("\n" + " " * LABEL_WIDTH + row.hint, style="dim")
        if row.error:
            text.append("\n" + " " * LABEL_WIDTH + "✖ " + row.error)
        self.update(text)


class SaleScreen(Screen[None]):
    AUTO_FOCUS = None

    def __init__(self, clerk: ClerkView) -> None:
        super().__init__()
        self.clerk = clerk
        self.form = SaleForm(self.app.shop)  # type: ignore[attr-defined]
        keymap.bind(self, keymap.SALE)

    def compose(self) -> ComposeResult:
        yield TopBar(_("Sale"), id="topbar")
        yield Banner(id="sale-banner")
        with Vertical(id="sale-form"):
            for name in ORDER:
                yield FieldRow(id=f"row-{name}", classes="field-row")
                if name == "phone":
                    yield Digits("", id="phone-big")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.redraw()

    # -- drawing -------------------------------------------------------------------------

    def redraw(self) -> None:
        rows = {row.name: row for row in self.form.rows()}
        for name in ORDER:
            widget = self.query_one(f"#row-{name}", FieldRow)
            if name in rows:
                widget.show_row(rows[name])
            else:
                widget.display = False
        self.query_one("#phone-big", Digits).update(rows["phone"].value or " ")

    def refresh_header(self) -> None:
        self.query_one(TopBar).refresh_text()

    def start_over(self, clerk: ClerkView | None = None) -> None:
        """A new, empty sale (Ctrl+N, after a sale, or another clerk logged in)."""
        if clerk is not None:
            self.clerk = clerk
        self.form.reset()
        self.query_one(Banner).clear()
        self.refresh_header()
        self.redraw()

    def start_with(self, key: str) -> None:
        """A new sale whose first key was typed on the receipt screen (the operator)."""
        self.start_over()
        self.form.type(key)
        self.redraw()

    # -- keys ----------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        if event.key == "backspace":
            self.form.backspace()
        elif event.key == "space":
            pass  # "987 654 321" typed with spaces: the grouping is ours
        elif event.is_printable and event.character and len(event.character) == 1:
            self.form.type(event.character)
        else:
            return
        event.stop()
        event.prevent_default()
        self.redraw()

    def action_next(self) -> None:
        if self.form.enter():
            self.redraw()
            self.open_confirm()
            return
        self.redraw()

    def action_back(self) -> None:
        self.form.back()
        self.redraw()

    def action_choose(self, n: int) -> None:
        self.form.choose(n)
        self.redraw()

    def open_confirm(self) -> None:
        from pos.tui.screens.confirm import ConfirmScreen

        try:
            draft = self.form.draft()
        except Exception as exc:  # noqa: BLE001 - shown under the field by the form
            self.form._fail(exc)
            self.redraw()
            return
        self.app.push_screen(ConfirmScreen(draft, self.clerk, self.form.request_id))

    def sold(self) -> None:
        """The confirm screen committed the sale: clear the form for the next one."""
        self.form.reset()
        self.redraw()
