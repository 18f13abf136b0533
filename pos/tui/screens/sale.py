"""The sale screen: operator → phone → amount → ID → payment, all from the keyboard.

Keys typed go into the current field (`SaleForm`); Enter moves on, Escape goes back,
F1–F9 are the current field's choices (amount presets, document type, payment method),
Ctrl+N starts over. The phone is always shown large and grouped for the customer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Digits, Static

from pos.i18n import _
from pos.tui import keymap
from pos.tui.base import PosScreen
from pos.tui.sale_form import ORDER, Row, SaleForm
from pos.tui.widgets import Banner, KeyFooter, TopBar, release_render_caches

if TYPE_CHECKING:
    from pos.services import ClerkView

LABEL_WIDTH = 13


def forward(screen: Screen[object], event: events.Key) -> None:
    """Hand a key on to the screen now on top, as the app would have (in order, after the
    keys already queued there)."""
    key = events.Key(event.key, event.character)
    key._set_forwarded()  # the app must not route it again when it bubbles up
    (screen.focused or screen).post_message(key)


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
        for hint in row.hint.splitlines():  # each on its own line: none wraps mid-phrase
            text.append("\n" + " " * LABEL_WIDTH + hint, style="dim")
        if row.error:
            text.append("\n" + " " * LABEL_WIDTH + "✖ " + row.error)
        self.update(text)


class SaleScreen(PosScreen[None]):
    AUTO_FOCUS = None

    def __init__(self, clerk: ClerkView) -> None:
        super().__init__()
        self.clerk = clerk
        self.form = SaleForm(self.pos_app.draft_rules())
        keymap.bind(self, keymap.SALE)

    def compose(self) -> ComposeResult:
        yield TopBar(_("Sale"), id="topbar")
        yield Banner(id="sale-banner")
        with Vertical(id="sale-form"):
            for name in ORDER:
                yield FieldRow(id=f"row-{name}", classes="field-row")
                if name == "phone":
                    yield Digits("", id="phone-big")
        yield KeyFooter(compact=True)

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

    def repeat(self, operator: Any, phone: str, amount: Decimal, ticket: str) -> None:
        """A new draft repeating a past sale: on at the document, confirmed as usual."""
        self.start_over()
        self.form.repeat(operator, phone, amount)
        self.query_one(Banner).show(_("Repeating {ticket}: check the ID and take the payment.",
                                      ticket=ticket))
        self.redraw()

    def start_with(self, key: str) -> None:
        """A new sale whose first key was typed on the receipt screen (the operator)."""
        self.start_over()
        self.form.type(key)
        self.redraw()

    # -- keys ----------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """Every key of the sale, handled here in arrival order.

        Enter, Esc and the F-keys are handled here too, not through bindings: a binding
        runs only after the key bubbles back up to the app, behind keys that arrived with it
        (`20`, Enter, `4…` sent together gave S/ 204). A key that reaches this screen after
        it pushed another one on top (a burst ending in the confirmation) goes to that one.
        """
        event.stop()
        event.prevent_default()
        top = self.app.screen
        if top is not self:
            forward(top, event)
            return
        self.handle(event.key, event.character)

    def handle(self, key: str, character: str | None) -> None:
        """One key, as if typed on its own."""
        form = self.form
        form.refused = False
        if key == "enter":
            self.action_next()
        elif key == "escape":
            self.action_back()
        elif key.startswith("f") and key[1:].isdigit():
            self.action_choose(int(key[1:]))
        elif key == "backspace":
            form.backspace()
            self.redraw()
        elif key == "space":
            pass  # "987 654 321" typed with spaces: the grouping is ours
        elif character and len(character) == 1 and character.isprintable():
            form.type(character)
            self.redraw()
        elif key.startswith("ctrl+") or key in ("tab", "shift+tab"):
            return
        if form.refused:
            self.app.bell()

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
        try:
            draft = self.form.draft()
        except Exception as exc:  # noqa: BLE001 - shown under the field by the form
            self.form._fail(exc)
            self.redraw()
            return
        self.pos_app.confirm_sale(draft, self.clerk, self.form.request_id)

    def sold(self) -> None:
        """The confirm screen committed the sale: clear the form for the next one."""
        self.form.reset()
        self.redraw()
        release_render_caches()
