"""What every screen of the app shares: one typed reference to the app.

Screens reach the app only through `pos_app` (typed as `PosApp`, so mypy checks every
call) and never import each other: the app routes (`pos.tui.app`). A modal ends with
`dismiss(result)`; whoever pushed it gets the result in its callback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from pos.services import ClerkView, Shop
    from pos.tui.app import PosApp

ResultT = TypeVar("ResultT")


class AppRef:
    """`pos_app` and `shop` for a screen (mixed into PosScreen and PosModal)."""

    @property
    def pos_app(self) -> PosApp:
        """The running app, typed (Textual's `self.app` is a plain `App`)."""
        return cast("PosApp", cast(Screen[Any], self).app)

    @property
    def shop(self) -> Shop:
        """The open shop: every screen but the login one is shown only once it is open."""
        shop = self.pos_app.shop
        assert shop is not None, "the shop is opened before any screen that needs it"
        return shop

    @property
    def current_clerk(self) -> ClerkView:
        """The clerk logged in: every screen but the login one is shown only after a login."""
        clerk = self.pos_app.clerk
        assert clerk is not None, "a clerk logs in before any screen that needs one"
        return clerk


class PosScreen(AppRef, Screen[ResultT]):
    """A full screen of the app."""


class PosModal(AppRef, ModalScreen[ResultT]):
    """A modal of the app: it ends with `dismiss(result)`."""


@dataclass(frozen=True)
class PromptField:
    """One box of a prompt (`PosApp.ask`): a screen describes it, the app shows it."""

    name: str
    label: str
    value: str = ""
    password: bool = False
    restrict: str | None = None
    max_length: int = 0
