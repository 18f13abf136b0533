"""Confirmation: the whole sale, the phone large and grouped; Enter commits exactly once."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Label, Static

from pos.domain.money import format_money
from pos.domain.payment import payment_method
from pos.i18n import _
from pos.tui import keymap
from pos.tui.base import PosModal
from pos.tui.widgets import Banner, KeyFooter

if TYPE_CHECKING:
    from pos.domain.sale import SaleDraft
    from pos.services import ClerkView, SaleResult


def draft_summary(draft: SaleDraft) -> Text:
    """The lines the clerk reads out to the customer before committing."""
    payment = draft.payment
    rows: list[tuple[str, str]] = [
        (_("Operator"), draft.operator.name),
        (_("Amount"), format_money(draft.amount)),
    ]
    if draft.id_document is not None:
        document = draft.id_document
        rows.append((_("Document"), f"{document.doc_type.label} {document.number}"))
    method = payment_method(payment.method)
    rows.append((_("Payment"), method.label))
    rows.extend(method.confirm_rows(payment))  # cash: received and change; card; op. no.
    text = Text()
    for n, (label, value) in enumerate(rows):
        if n:
            text.append("\n")
        text.append(label.ljust(14))
        text.append(value, style="bold")
    return text


class ConfirmScreen(PosModal["SaleResult | None"]):
    """Enter = commit (once: the key is ignored after the first press, and the ledger's
    request id makes even a second commit return the first sale). Esc = correct.

    An Enter within ARM_SECONDS of the screen appearing is ignored: a bounced or doubled
    Enter on the last field must not skip reading the number back to the customer.
    """

    ARM_SECONDS = 0.35

    def __init__(self, draft: SaleDraft, clerk: ClerkView, request_id: str) -> None:
        super().__init__()
        self.draft = draft
        self.clerk = clerk
        self.request_id = request_id
        self.committing = False
        self.committed: SaleResult | None = None
        self.shown_at = float("inf")
        keymap.bind(self, keymap.CONFIRM)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="modal-box"):
            yield Label(_("Confirm the top-up — read the number to the customer"),
                        classes="title")
            yield Digits(self.draft.phone.grouped, id="confirm-phone")
            yield Static(draft_summary(self.draft), id="confirm-summary")
            yield Banner(id="confirm-banner")
            yield Label(_("Enter: confirm and print · Esc: correct"), classes="keys")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.shown_at = time.monotonic()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("confirm", "cancel"):
            return None if self.committing else True  # shown greyed out while committing
        return True

    def action_cancel(self) -> None:
        if not self.committing:
            self.dismiss()

    def action_confirm(self) -> None:
        if self.committing or self.committed is not None:
            return  # a second Enter or a key repeat: nothing new
        if time.monotonic() - self.shown_at < self.ARM_SECONDS:
            return  # the Enter that opened this screen, bounced: read the number first
        self.committing = True
        self.refresh_bindings()
        self.query_one(Banner).show(_("Saving the sale…"))
        shop = self.shop
        draft, clerk, request_id = self.draft, self.clerk, self.request_id
        self.pos_app.run_blocking(
            # hold_print: the receipt screen's print worker prints it next (print_job), so
            # the sale's one durable commit already claims its receipt.
            lambda: shop.sell(clerk, draft, request_id=request_id, print_now=False,
                              hold_print=True),
            self._sold, self._refused, name="sell")

    def _sold(self, result: SaleResult) -> None:
        """Committed: back to the app with the sale, which shows its receipt (the app
        routes; a manual top-up asks for its code first)."""
        self.committed = result
        self.dismiss(result)

    def _refused(self, exc: BaseException) -> None:
        self.committing = False  # nothing was saved: the clerk may correct and retry
        self.refresh_bindings()
        self.query_one(Banner).show(self.pos_app.error_text(exc), "error")
