"""Receipt preview: the printed bytes decoded back to text, with the print status.

The sale is already in the ledger here; a printer fault only changes the banner (the
receipt waits in the print queue) and R prints a copy.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from pos.domain.money import format_money
from pos.i18n import _
from pos.tui import keymap
from pos.tui.base import PosScreen
from pos.tui.widgets import Banner, KeyFooter, TopBar


def preview_text(data: bytes) -> Text:
    """ESC/POS bytes → what the paper shows, barcode drawn with block characters where the
    paper prints it: above its human-readable line (the ticket), before the footer."""
    # lazy: the receipts package (~17 ms) is needed once a receipt is shown, in a worker
    from receipts import barcode_text, decode

    text = Text()
    for number, receipt in enumerate(decode(data)):
        if number:
            text.append("\n" + "✂ " + "-" * 44 + "\n")
        lines: list[tuple[str, str]] = [(line, "") for line in receipt.lines]
        for value in receipt.barcodes:
            bars = barcode_text(value)
            at = next((i for i in range(len(lines) - 1, -1, -1)
                       if lines[i][0].strip() == value and not lines[i][1]), None)
            if at is None:  # no human-readable line printed: at the end, with the value
                lines.extend([(bars, "bold"), (bars, "bold"), (value, "bold")])
            else:
                lines[at:at + 1] = [(bars, "bold"), (bars, "bold"), (lines[at][0], "bold")]
        for n, (line, style) in enumerate(lines):
            text.append(("\n" if n else "") + line, style=style)
    return text


class ReceiptScreen(PosScreen[None]):
    """After a sale, or opened from history (`job_id=None`: the ticket's receipt as the
    ledger renders it, nothing queued; Esc goes back to the ticket, R prints a copy)."""

    AUTO_FOCUS = "#receipt-scroll"

    def __init__(self, ticket: str, job_id: int | None, *, print_now: bool = True,
                 change: Decimal | None = None, title: str | None = None) -> None:
        super().__init__()
        self.ticket = ticket
        self.job_id = job_id
        self.from_history = job_id is None
        self.print_now = print_now and not self.from_history
        self.change = change
        self.title_text = title or _("Receipt")
        self.outcome: Any = None
        self.printing = False
        keymap.bind(self, keymap.RECEIPT_VIEW if self.from_history else keymap.RECEIPT)

    def compose(self) -> ComposeResult:
        yield TopBar(self.title_text)
        yield Banner(id="print-banner")
        yield Static(id="receipt-head", classes="receipt-head")
        with VerticalScroll(id="receipt-scroll"):
            yield Static(id="receipt-preview")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        head = Text(_("Ticket {ticket}", ticket=self.ticket) if self.from_history
                    else _("Sale {ticket} saved.", ticket=self.ticket), style="bold")
        if self.change is not None:
            head.append("   " + _("Change") + ": ", style="bold")
            head.append(format_money(self.change), style="bold reverse")
        self.query_one("#receipt-head", Static).update(head)
        shop = self.shop
        job_id, ticket = self.job_id, self.ticket
        if job_id is None:
            load = lambda: preview_text(shop.receipt_bytes(ticket))
        else:
            load = lambda: preview_text(shop.job_bytes(job_id))
        self.pos_app.run_blocking(load, self._show_preview, self._preview_failed,
                              name="preview", node=self)
        if self.print_now and job_id is not None:
            self._print(lambda: shop.print_job(job_id))
        elif self.from_history:
            self.query_one(Banner).show(_("On screen only: R prints a copy."))
        else:
            self.query_one(Banner).show(_("Receipt not printed yet: R prints it."))

    def _show_preview(self, text: Text) -> None:
        self.query_one("#receipt-preview", Static).update(text)

    def _preview_failed(self, exc: BaseException) -> None:
        self.query_one("#receipt-preview", Static).update(
            _("No preview: {error}", error=self.pos_app.error_text(exc)))

    def _print(self, send: Any) -> None:
        self.printing = True
        self.refresh_bindings()
        self.query_one(Banner).show(_("Printing…"))
        # On the app, not this screen: an operator key may start the next sale while the
        # printer is still busy, and its outcome must still reach the clerk (see _printed).
        self.pos_app.run_blocking(send, self._printed, self._print_failed,
                              name="print")

    def _gone(self) -> bool:
        return self not in self.app.screen_stack

    def _printed(self, outcome: Any) -> None:
        self.printing = False
        self.outcome = outcome
        if self._gone():  # the clerk already moved on: tell them on whatever screen is up
            self.pos_app.show_print_outcome(outcome)
            return
        self.refresh_bindings()
        self.query_one(Banner).show_print_outcome(
            outcome, _("The sale is saved. The receipt waits in the print queue: R reprints."))

    def _print_failed(self, exc: BaseException) -> None:
        self.printing = False
        if self._gone():
            self.pos_app.show_error(exc)
            return
        self.refresh_bindings()
        self.query_one(Banner).show(self.pos_app.error_text(exc), "error")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reprint" and self.printing:
            return None
        return True

    def action_reprint(self) -> None:
        if self.printing:
            return
        shop = self.shop
        ticket = self.ticket
        self._print(lambda: shop.reprint(ticket))

    def action_done(self) -> None:
        self.app.pop_screen()

    def on_key(self, event: events.Key) -> None:
        # An operator key here starts the next sale at once (the bodega's queue is long).
        if self.from_history:
            return  # a ticket looked up again: the sale screen is not behind it
        char = event.character or ""
        ops = self.shop.operators.values()
        if char and any(op.key == char for op in ops):
            event.stop()
            event.prevent_default()
            self.pos_app.next_sale(char)
