"""Small widgets the screens share."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from pos.i18n import _


class TopBar(Static):
    """One line: app, shop, series, clerk. No clock: nothing on it moves."""

    DEFAULT_CSS = """
    TopBar { dock: top; height: 1; background: $primary; color: $text; padding: 0 1; }
    """

    def __init__(self, title: str = "", **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.title = title

    def on_mount(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        app = self.app
        clerk = getattr(app, "clerk", None)
        parts = ["Recarga POS", *app.shop_label()]  # type: ignore[attr-defined]
        if self.title:
            parts.insert(1, self.title)
        if clerk is not None:
            parts.append(_("Clerk: {name}", name=clerk.name))
        self.update(" · ".join(parts))


class Banner(Static):
    """A full-width message line: info, ok, or error (printer fault, ledger refusal)."""

    DEFAULT_CSS = """
    Banner { height: auto; padding: 0 1; display: none; }
    Banner.-info { display: block; background: $boost; color: $text; }
    Banner.-ok { display: block; background: $success; color: $text; text-style: bold; }
    Banner.-error { display: block; background: $error; color: $text; text-style: bold; }
    """

    def show(self, text: str, kind: str = "info") -> None:
        self.set_classes(f"-{kind}")
        self.update(text)

    def clear(self) -> None:
        self.set_classes("")
        self.update("")

    def show_print_outcome(self, outcome: Any, fault_hint: str) -> None:
        """Printed, or the printer fault with what happens to the receipt now."""
        if outcome.printed:
            self.show(_("Printed {ticket}.", ticket=outcome.ticket), "ok")
        else:
            self.show(_("PRINTER FAULT: {error}", error=outcome.error) + "\n" + fault_hint,
                      "error")

