"""Pending top-ups (issue 13): type the operator's code, or F8 "no llegó"; ages shown.

Opened by the app after a manual top-up is confirmed (that sale preselected), and with
Ctrl+R from anywhere. The app routes: this screen ends with `dismiss(ticket or None)`. The
keys are data in keymap.py (TOPUP, TOPUP_GLOBAL).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Input, Static

from pos.domain.money import format_money
from pos.domain.phone import group_phone
from pos.i18n import _
from pos.tui import keymap
from pos.tui.base import PosScreen
from pos.tui.widgets import Banner, TopBar

if TYPE_CHECKING:
    from pos.tui.app import PosApp

def age_text(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return _("{seconds} s", seconds=int(seconds))
    if minutes < 120:
        return _("{minutes} min", minutes=minutes)
    return _("{hours} h", hours=minutes // 60)


class TopupScreen(PosScreen[Any]):
    """The pending list with the code field for the highlighted one."""

    def __init__(self, ticket: str | None = None) -> None:
        super().__init__()
        self.wanted = ticket
        self.tickets: list[str] = []
        self.busy = False
        keymap.bind(self, keymap.TOPUP)

    def compose(self) -> ComposeResult:
        yield TopBar(_("Pending top-ups"))
        yield DataTable(id="topup-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="topup-selected")
        yield Input(id="topup-code", placeholder=_("Operator's confirmation code, then Enter"),
                    max_length=40)
        yield Banner(id="topup-banner")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Ticket"), _("Operator"), _("Phone"), _("Amount"), _("Waiting"))
        self.query_one(Input).focus()
        self.action_refresh()

    # -- loading ---------------------------------------------------------------------------

    def action_refresh(self) -> None:
        # lazy: pos.topup.service imports the ledger (SQLModel), kept off the start-up path
        from pos.topup.service import desk

        shop = self.shop
        if shop is None:
            return
        self.pos_app.run_blocking(lambda: (desk(shop).pending(), shop.clock()), self._loaded,
                                  name="topups", node=self)

    def _loaded(self, value: tuple[list[Any], Any]) -> None:
        pending, now = value
        table = self.query_one(DataTable)
        table.clear()
        self.tickets = [p.ticket for p in pending]
        operators = self.pos_app.settings.operators
        for p in pending:
            op = operators.get(p.operator)
            table.add_row(p.ticket, op.name if op else p.operator, group_phone(p.phone),
                          format_money(p.amount), age_text(p.age(now).total_seconds()))
        if self.wanted in self.tickets:
            table.move_cursor(row=self.tickets.index(self.wanted))
        self._show_selected()
        if not pending:
            self.query_one(Banner).show(_("No top-up is pending."))

    def selected(self) -> str | None:
        if not self.tickets:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.tickets[min(max(row, 0), len(self.tickets) - 1)]

    def _show_selected(self) -> None:
        ticket = self.selected()
        self.query_one("#topup-selected", Static).update(
            _("Top-up {ticket}: type the code from the distributor's app or SMS; F8 if it did "
              "not arrive.", ticket=ticket) if ticket else "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_selected()

    # -- resolving -------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._resolve(code=event.value)

    def action_not_arrived(self) -> None:
        self._resolve(failed=True)

    def _resolve(self, *, code: str | None = None, failed: bool = False) -> None:
        # lazy: pos.topup.service imports the ledger (SQLModel), kept off the start-up path
        from pos.topup.service import desk

        ticket, shop, clerk = self.selected(), self.shop, self.pos_app.clerk
        if self.busy or ticket is None or shop is None or clerk is None:
            return
        self.busy = True
        self.query_one(Banner).show(_("Saving…"))
        self.pos_app.run_blocking(
            lambda: desk(shop).resolve(ticket, clerk, code=code, failed=failed),
            self._resolved, self._refused, name="topup-resolve", node=self)

    def _resolved(self, outcome: Any) -> None:
        self.busy = False
        status = outcome.status
        banner = self.query_one(Banner)
        if status.state == "confirmed":
            banner.show(_("Top-up {ticket} confirmed: {code}.", ticket=status.ticket,
                          code=status.operator_txn or ""))
        else:
            banner.show(_("Top-up {ticket} did not arrive: refund {refund} printed.",
                          ticket=status.ticket, refund=status.refund_ticket or ""), "error")
        if outcome.refund_outcome is not None and not outcome.refund_outcome.printed:
            self.pos_app.show_print_outcome(outcome.refund_outcome)
        if outcome.warning:
            self.pos_app.notify(outcome.warning, severity="warning", timeout=10)
        self.query_one(Input).value = ""
        if self.wanted == status.ticket:  # opened for this sale: back to its receipt
            self.dismiss(status.ticket)
            return
        self.action_refresh()

    def _refused(self, exc: BaseException) -> None:
        self.busy = False
        self.query_one(Banner).show(self.pos_app.error_text(exc), "error")

    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(None)


def needs_code(result: Any) -> bool:
    """A fresh sale whose manual top-up waits for the operator's code."""
    outcome = getattr(result, "topup", None)
    return (outcome is not None and outcome.status.state == "pending"
            and outcome.status.gateway == "manual")


def start_reconciler(app: PosApp, every: float = 60.0) -> None:
    """Ask the distributor about pending http top-ups now and every minute (after restarts
    too); tell the clerk what became final."""
    shop = app.shop
    if shop is None:
        return
    topup = shop.settings.topup
    kinds = {topup.gateway} | {o.gateway for o in topup.operators.values() if o.gateway}
    if "http" not in kinds:
        return

    def tick() -> None:
        # lazy: pos.topup.service imports the ledger (SQLModel), kept off the start-up path
        from pos.topup.service import desk

        app.run_blocking(lambda: desk(shop).reconcile(), told, lambda exc: None,
                         name="reconcile")

    def told(outcomes: list[Any]) -> None:
        for outcome in outcomes:
            status = outcome.status
            if status.state == "confirmed":
                app.notify(_("Top-up {ticket} confirmed: {code}.", ticket=status.ticket,
                             code=status.operator_txn or ""))
            else:
                app.notify(_("Top-up {ticket} did not arrive: refund {refund} printed.",
                             ticket=status.ticket, refund=status.refund_ticket or ""),
                           severity="error", timeout=15)

    tick()
    app.set_interval(every, tick)
