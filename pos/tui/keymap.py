"""Every key the terminal app answers to, as data (Harlequin-style keymap).

Descriptions are English message ids, translated when a screen binds them, so the footer
follows the shop's language. Digits and letters typed into a field are not listed here:
they are the field's own input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos.i18n import N_, _

if TYPE_CHECKING:
    from textual.dom import DOMNode


@dataclass(frozen=True)
class Key:
    keys: str  # Textual key name(s), comma separated
    action: str
    description: str  # msgid
    show: bool = True
    priority: bool = False
    key_display: str | None = None


# Anywhere after login. Priority so they work while a text box has the focus.
GLOBAL = (
    Key("ctrl+n", "app.new_sale", N_("New"), priority=True, key_display="^N"),
    Key("ctrl+t", "app.history", N_("History"), priority=True, key_display="^T"),
    Key("ctrl+k", "app.day", N_("Till"), priority=True, key_display="^K"),
    Key("ctrl+l", "app.lock", N_("Lock"), priority=True, key_display="^L"),
    # Not in the footers (80 columns): the command palette lists it and its tasks.
    Key("ctrl+o", "app.back_office", N_("Back office"), show=False, priority=True,
        key_display="^O"),
)



def quiet(*keys: str) -> tuple[Key, ...]:
    """GLOBAL keys that still work on a screen but are not shown in its footer (it would
    not fit in 80 columns, or the key repeats one of the screen's own); the command palette
    (Ctrl+P) and its key panel still list them."""
    return tuple(Key(k.keys, k.action, k.description, show=False, priority=True,
                     key_display=k.key_display) for k in GLOBAL if k.keys in keys)


# The command palette: every action, and the key panel (shown in the footer on the right).
PALETTE = Key("ctrl+p", "command_palette", N_("Menu"), show=False, priority=True,
              key_display="^P")

# The sale screen: digits/letters go into the current field.
SALE = (
    Key("enter", "next", N_("Next")),
    Key("escape", "back", N_("Back")),
    *(Key(f"f{n}", f"choose({n})", N_("Choose"), show=False) for n in range(1, 10)),
)

CONFIRM = (
    Key("enter", "confirm", N_("Confirm sale")),
    Key("escape", "cancel", N_("Back")),
)

# No Enter here: a double Enter on confirm must not skip the change and the preview.
# Esc already starts the next sale here, so Ctrl+N is not shown twice.
RECEIPT = (
    Key("escape", "done", N_("Next sale")),
    Key("r,f5", "reprint", N_("Reprint"), key_display="R"),
    *quiet("ctrl+n"),
)

# The same preview opened from history: Esc goes back to the ticket.
RECEIPT_VIEW = (
    Key("escape", "done", N_("Back")),
    Key("r,f5", "reprint", N_("Reprint"), key_display="R"),
)

HISTORY = (
    Key("escape", "close", N_("Back")),
    Key("f5", "refresh", N_("Today")),
    Key("down", "to_table", N_("List"), show=False),
    *quiet("ctrl+t"),
)

ENTRY = (
    Key("escape", "close", N_("Back")),
    Key("p", "preview", N_("See receipt"), key_display="P"),
    Key("r", "reprint", N_("Reprint"), key_display="R"),
    Key("v", "void", N_("Void"), key_display="V"),
    Key("s", "repeat", N_("Sell again"), key_display="S"),
)

# Four day keys + Lock fill 80 columns: New/History/Till work but are not shown.
DAY = (
    Key("escape", "close", N_("Back")),
    Key("o", "open_shift", N_("Open shift"), key_display="O"),
    Key("x", "report_x", N_("X report"), key_display="X"),
    Key("c", "close_shift", N_("Close shift"), key_display="C"),
    # Not in the footer (it would not fit 80 columns): the status line and the palette say them.
    Key("r", "pay_out", N_("Pay-out"), show=False, key_display="R"),
    Key("i", "pay_in", N_("Pay-in"), show=False, key_display="I"),
    Key("z", "close_day", N_("Z close"), key_display="Z"),
    *quiet("ctrl+n", "ctrl+t", "ctrl+k"),
)

PROMPT = (
    Key("escape", "cancel", N_("Cancel")),
)


# Pending top-ups (issue 13): Ctrl+R from anywhere after login, and the list's own keys.
TOPUP = (
    Key("escape", "close", N_("Back")),
    Key("f8", "not_arrived", N_("Did not arrive"), key_display="F8", priority=True),
    Key("f5", "refresh", N_("Refresh"), key_display="F5", priority=True),
)
TOPUP_GLOBAL = (Key("ctrl+r", "app.topups", N_("Top-ups"), show=False, priority=True,
                    key_display="^R"),)


def bind(node: DOMNode, keys: tuple[Key, ...]) -> None:
    """Bind `keys` on a Textual node with translated descriptions (call in `__init__`)."""
    bindings = node._bindings
    for key in keys:
        bindings.bind(key.keys, key.action, _(key.description), show=key.show,
                      key_display=key.key_display, priority=key.priority)
