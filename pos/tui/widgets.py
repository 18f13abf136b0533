"""Small widgets the screens share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual._styles_cache import StylesCache
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Footer, Static

from pos.i18n import _

if TYPE_CHECKING:
    from pos.tui.app import PosApp


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
        app = cast("PosApp", self.app)
        clerk = app.clerk
        parts = ["Recarga POS", *app.shop_label()]
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



class KeyFooter(Footer):
    """Textual's Footer, safe to keep for weeks on the long-lived sale screen.

    Textual recomposes a Footer whenever its screen's bindings *may* have changed (every
    modal pushed or popped over it, about twice a sale), and each new FooterKey is tied to
    the Footer with `data_bind(compact=...)`, which leaves a watcher on the Footer holding
    the old key widget; Textual prunes those only when `compact` changes, which ours never
    does (tests/tui/footer_leak.py reproduces it). So: recompose only when the keys shown
    really differ, and drop the watchers of keys already removed.
    """

    _shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = tuple((binding.key, binding.description, binding.key_display, enabled)
                      for (_node, binding, enabled, _tip) in screen.active_bindings.values()
                      if binding.show)
        if shown == self._shown and self._bindings_ready:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # Textual recomposes only in this case
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        await super().recompose()
        prune_watchers(self)


def prune_watchers(node: DOMNode) -> None:
    """Forget watchers whose widget has been removed (what Textual does lazily, only when
    the watched value changes)."""
    watchers: dict[str, list[tuple[Any, Any]]] = getattr(node, "__watchers", {})
    for name, found in watchers.items():
        found[:] = [(owner, callback) for owner, callback in found
                    if not (getattr(owner, "_closing", False) or getattr(owner, "_closed", False))
                    and getattr(owner, "parent", None) is not None]


def release_render_caches() -> None:
    """Let go of what past sales' screens left in Textual's render caches.

    `StylesCache.get_inner_outer` is an `lru_cache(1024)` on a method, so it keeps up to 1,024
    style caches of widgets long removed (the receipt preview's lines among them). Called
    once a sale; it refills with the few live widgets at the next frame.
    """
    clear = getattr(StylesCache.get_inner_outer, "cache_clear", None)
    if clear is not None:
        clear()
