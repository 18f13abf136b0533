"""First run on an empty ledger: create the first manager, then sell as them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Input, Label, Static

from pos.i18n import _
from pos.tui.base import PosScreen
from pos.tui.widgets import TopBar

if TYPE_CHECKING:
    from pos.services import ClerkView


class FirstRunScreen(PosScreen[None]):
    def __init__(self) -> None:
        super().__init__()
        self._busy = False

    def compose(self) -> ComposeResult:
        yield TopBar(_("First run"))
        with Vertical(id="first-run-box", classes="box"):
            yield Label(_("Welcome! The ledger is new: create the first manager."),
                        classes="title")
            yield Label(_("Manager's name"), classes="field-label")
            yield Input(id="name", max_length=40)
            yield Label(_("PIN (4 to 8 digits)"), classes="field-label")
            yield Input(id="pin", password=True, max_length=8, restrict=r"[0-9]*")
            yield Label(_("PIN again"), classes="field-label")
            yield Input(id="pin2", password=True, max_length=8, restrict=r"[0-9]*")
            yield Static(_("Enter moves to the next box."), id="first-run-message",
                         classes="message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#name").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        order = ["name", "pin", "pin2"]
        current = event.input.id or "name"
        if current != "pin2":
            self.query_one(f"#{order[order.index(current) + 1]}").focus()
            return
        if self._busy:
            return
        name = self.query_one("#name", Input).value
        pin = self.query_one("#pin", Input).value
        if pin != self.query_one("#pin2", Input).value:
            self._error(_("The two PINs are different; type them again."), "pin")
            return
        shop = self.shop

        def create():
            shop.add_clerk(name, "manager", pin)
            return shop.login(name, pin)

        self._busy = True
        self.pos_app.run_blocking(create, self._created, self._refused,
                              name="first-run", node=self)

    async def _created(self, clerk: ClerkView) -> None:
        self._busy = False
        await self.pos_app.logged_in(clerk)

    def _refused(self, exc: BaseException) -> None:
        self._busy = False
        field = getattr(exc, "field", "name")
        self._error(self.pos_app.error_text(exc), "pin" if field == "pin" else "name")

    def _error(self, text: str, focus: str) -> None:
        message = self.query_one("#first-run-message", Static)
        message.add_class("-error")
        message.update(text)
        if focus == "pin":
            self.query_one("#pin", Input).value = ""
            self.query_one("#pin2", Input).value = ""
        self.query_one(f"#{focus}").focus()
