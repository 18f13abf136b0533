"""Login: the clerk picks their name and types the PIN. Also the idle lock screen.

Shown before the ledger is open (the app opens it in a thread behind this screen).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from pos.i18n import _
from pos.tui.base import PosScreen
from pos.tui.widgets import KeyFooter, TopBar

if TYPE_CHECKING:
    from pos.services import ClerkView


@dataclass(frozen=True)
class KnownClerk:
    """A name on the list before the ledger is open (read from its file at start-up)."""

    name: str
    is_manager: bool


class LoginScreen(PosScreen[None]):
    """Name + PIN. `locked_by` makes it the idle-lock screen (any clerk may unlock)."""

    AUTO_FOCUS = None

    def __init__(self, locked_by: ClerkView | None = None) -> None:
        super().__init__()
        self.locked_by = locked_by
        self.clerks: list[Any] = []  # ClerkView, or KnownClerk until the ledger is open
        self._busy = False
        self._pending: tuple[str, str] | None = None  # name, PIN typed before the ledger opened

    def compose(self) -> ComposeResult:
        yield TopBar(_("Locked") if self.locked_by else _("Login"))
        with Vertical(id="login-box", classes="box"):
            if self.locked_by is not None:
                yield Label(_("Screen locked. Type a PIN to continue."), classes="title")
            else:
                yield Label(_("Who is selling?"), classes="title")
            yield Label(_("Clerk"), classes="field-label")
            yield OptionList(id="clerks")
            yield Label(_("PIN"), classes="field-label")
            yield Input(password=True, max_length=8, restrict=r"[0-9]*", id="pin",
                        placeholder=_("4 to 8 digits"), select_on_focus=False)
            yield Static(_("Opening the ledger…"), id="login-message", classes="message")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#clerks").disabled = True
        self.query_one("#pin").disabled = True
        shop = self.pos_app.shop
        if shop is not None:
            self.shop_ready()
        elif self.pos_app.shop_error:
            self.shop_failed(self.pos_app.shop_error)
        self.call_after_refresh(self.pos_app.login_drawn)

    # -- the shop is open ----------------------------------------------------------------

    def shop_ready(self) -> None:
        shop = self.shop
        self.pos_app.run_blocking(
            lambda: (shop.has_clerks(), shop.clerks()), self._clerks_loaded, name="clerks",
            node=self)

    def shop_failed(self, message: str) -> None:
        self._message(_("The ledger could not be opened: {error}", error=message) + "\n"
                      + _("Ctrl+Q quits."), error=True)

    def clerks_peeked(self, found: list[tuple[str, bool]]) -> None:
        """The names read from the ledger file while the ledger opens: the clerk may pick a
        name and type the PIN now; Enter is answered once the ledger is open."""
        if self.clerks:
            return
        self._show_clerks([KnownClerk(name, manager) for name, manager in found])

    async def _clerks_loaded(self, found: tuple[bool, list[ClerkView]]) -> None:
        has_clerks, clerks = found
        if not has_clerks:
            await self.pos_app.first_run()
            return
        names = self.query_one("#clerks", OptionList)
        if self.clerks and [c.name for c in self.clerks] == [c.name for c in clerks]:
            self.clerks = clerks  # the same list, now from the open ledger: keep the cursor
        else:
            chosen = (self.clerks[names.highlighted].name if self.clerks
                      and names.highlighted is not None else None)
            self._show_clerks(clerks, chosen)
        if self._pending is not None:
            name, pin = self._pending
            self._pending = None
            self._check(name, pin)

    def _show_clerks(self, clerks: list[Any], chosen: str | None = None) -> None:
        self.clerks = clerks
        names = self.query_one("#clerks", OptionList)
        names.clear_options()
        names.add_options([Option(f"{c.name}" + (f"  ({_('manager')})" if c.is_manager
                                                    else ""), id=c.name) for c in clerks])
        names.disabled = False
        self.query_one("#pin").disabled = False
        start = 0
        wanted = chosen or (self.locked_by.name if self.locked_by is not None else None)
        if wanted is not None:
            start = next((i for i, c in enumerate(clerks) if c.name == wanted), 0)
        names.highlighted = start
        pin = self.query_one("#pin", Input)
        if not pin.has_focus:
            names.focus()
        if not self._busy:
            self._message(_("Choose your name (↑↓, Enter), then type your PIN."))
        self.pos_app.login_ready()

    # -- keys ----------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        # Digits typed on the name list go straight into the PIN.
        names = self.query_one("#clerks", OptionList)
        if names.has_focus and event.character and event.character.isdigit():
            pin = self.query_one("#pin", Input)
            pin.focus()
            pin.value += event.character
            pin.cursor_position = len(pin.value)
            event.stop()
            event.prevent_default()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#pin", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._busy or not self.clerks:
            return
        names = self.query_one("#clerks", OptionList)
        index = names.highlighted if names.highlighted is not None else 0
        name = self.clerks[index].name
        pin = event.value
        self._busy = True
        if self.pos_app.shop is None:
            self._pending = (name, pin)  # answered when the ledger is open
            self._message(_("Opening the ledger…"))
            return
        self._check(name, pin)

    def _check(self, name: str, pin: str) -> None:
        shop = self.shop
        self._busy = True
        self._message(_("Checking…"))
        self.pos_app.run_blocking(lambda: shop.login(name, pin), self._logged_in,
                              self._refused, name="login", node=self)

    async def _logged_in(self, clerk: ClerkView) -> None:
        self._busy = False
        await self.pos_app.logged_in(clerk)

    def _refused(self, exc: BaseException) -> None:
        self._busy = False
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()
        self._message(self.pos_app.error_text(exc), error=True)

    def _message(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#login-message", Static)
        message.set_class(error, "-error")
        message.update(text)


