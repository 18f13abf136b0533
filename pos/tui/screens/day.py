"""Shift and day: open a shift with its float, X report, close with a cash count, Z close."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from pos.domain.cash import parse_count
from pos.domain.money import format_money, parse_amount
from pos.i18n import _
from pos.tui import keymap
from pos.tui.base import PosScreen, PromptField
from pos.tui.widgets import Banner, TopBar

AMOUNT = r"[0-9.,]*"


class DayScreen(PosScreen[None]):
    AUTO_FOCUS = "#day-report"

    def __init__(self) -> None:
        super().__init__()
        self.shift: Any = None
        keymap.bind(self, keymap.DAY)

    def compose(self) -> ComposeResult:
        yield TopBar(_("Shift/day"))
        yield Banner(id="day-banner")
        yield Static(id="day-status")
        with VerticalScroll(id="day-report"):
            yield Static(id="day-lines")
        yield Footer(compact=True)

    @property
    def available(self) -> bool:
        return hasattr(self.shop, "current_shift")

    def on_mount(self) -> None:
        if not self.available:
            self.query_one("#day-status", Static).update(
                _("Shifts and day close are not available in this version."))
            return
        self.reload()

    def reload(self, lines: list[str] | None = None) -> None:
        shop = self.shop

        def load() -> tuple[Any, list[str]]:
            shift = shop.current_shift()
            return shift, lines if lines is not None else shop.report_lines(shop.report_x())

        self.pos_app.run_blocking(load, self._loaded, self._failed, name="day",
                              node=self)

    def _loaded(self, found: tuple[Any, list[str]]) -> None:
        self.shift, lines = found
        status = Text()
        if self.shift is None:
            status.append(_("No open shift."), style="bold")
            status.append("  " + _("O opens one with the starting cash."))
        else:
            status.append(_("Shift {ticket} open: {clerk} since {time}, starting cash {amount}.",
                            ticket=self.shift.ticket, clerk=self.shift.clerk,
                            time=self.shift.opened_at.strftime("%H:%M"),
                            amount=format_money(self.shift.float_amount)), style="bold")
            status.append("  " + _("R: pay-out · I: pay-in."))
        self.query_one("#day-status", Static).update(status)
        self.query_one("#day-lines", Static).update(Text("\n".join(lines)))
        self.refresh_bindings()

    def _failed(self, exc: BaseException) -> None:
        self.query_one(Banner).show(self.pos_app.error_text(exc), "error")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open_shift", "close_shift", "report_x", "close_day", "pay_in",
                      "pay_out"):
            if not self.available:
                return False
            if action == "open_shift":
                return self.shift is None
            if action in ("close_shift", "pay_in", "pay_out"):
                return self.shift is not None
        return True

    def _outcome(self, text: str, outcome: Any) -> None:
        if outcome is not None and not outcome.printed:
            self.query_one(Banner).show(
                text + " " + _("PRINTER FAULT: {error}", error=outcome.error) + " "
                + _("The slip waits in the print queue."), "error")
        else:
            self.query_one(Banner).show(text, "ok")

    # -- actions -------------------------------------------------------------------------

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_report_x(self) -> None:
        if not self.available:
            return
        shop = self.shop

        def done(report: Any) -> None:
            self._outcome(_("X report (the period stays open)."), report.print_outcome)
            self.reload(shop.report_lines(report))

        self.pos_app.run_blocking(lambda: shop.report_x(print_now=True), done,
                              self._failed, name="x", node=self)

    def action_open_shift(self) -> None:
        if not self.available or self.shift is not None:
            return
        shop = self.shop
        clerk = self.current_clerk

        def submit(values: dict[str, str]) -> Any:
            return shop.open_shift(clerk, parse_amount(values["float"], "float"))

        def done(shift: Any) -> None:
            if shift is not None:
                self.query_one(Banner).show(_("Shift {ticket} opened.", ticket=shift.ticket),
                                            "ok")
                self.reload()

        self.pos_app.ask(_("Open shift"), [PromptField("float", _("Starting cash (S/)"),
                                                       restrict=AMOUNT, max_length=9)],
                         submit, done)

    def action_close_shift(self) -> None:
        if not self.available or self.shift is None:
            return
        shop = self.shop
        blind = shop.settings.cash.blind_count
        self.pos_app.run_blocking(
            lambda: None if blind else shop.shift_expected(), self._ask_close_shift,
            self._failed, name="expected", node=self)

    def _ask_close_shift(self, expected: Any) -> None:
        shop = self.shop
        clerk = self.current_clerk
        tolerance = format_money(shop.settings.cash.tolerance)
        intro = (_("Count the drawer before you see what it should hold.") if expected is None
                 else _("The drawer should hold {amount}.", amount=format_money(expected)))
        intro += " " + _("A difference over {tolerance} needs a manager's name and PIN.",
                         tolerance=tolerance)

        def submit(values: dict[str, str]) -> Any:
            counted = (parse_amount(values["counted"], "counted") if values["counted"].strip()
                       else None)
            pieces = parse_count(values["count"], "count") if values["count"].strip() else None
            manager = (shop.login(values["manager"], values["pin"], manager=True)
                       if values["manager"].strip() else None)
            return shop.close_shift(clerk, counted, pieces=pieces, manager=manager)

        def done(closed: Any) -> None:
            # lazy: pos.slips imports receipts and the config (start-up)
            from pos.slips import result_row

            if closed is None:
                return
            row = result_row(closed.expected, closed.counted)
            lines = [
                _("Shift closed: {ticket}", ticket=closed.entry.ticket),
                f"{_('Expected cash')}: {format_money(closed.expected)}",
                f"{_('Counted')}: {format_money(closed.counted)}",
                f"{row.label}: {row.value}",
                f"{_('Sales')}: {closed.sales_count}",
            ]
            self._outcome(_("Shift closed."), closed.print_outcome)
            self.reload(lines)

        self.pos_app.ask(
            _("Close shift"),
            [PromptField("counted", _("Counted cash in the drawer (S/)"), restrict=AMOUNT,
                         max_length=9),
             PromptField("count", _("Or by denomination, e.g. 100:1,20:3,0.50:4"),
                         restrict=r"[0-9.,: ]*", max_length=120),
             PromptField("manager", _("Manager (only for a large difference)"),
                         max_length=40),
             PromptField("pin", _("Manager PIN"), password=True, restrict=r"[0-9]*",
                         max_length=8)],
            submit, done, intro=intro)

    def action_pay_in(self) -> None:
        self._cash_movement(out=False)

    def action_pay_out(self) -> None:
        self._cash_movement(out=True)

    def _cash_movement(self, *, out: bool) -> None:
        if not self.available or self.shift is None:
            return
        shop = self.shop
        clerk = self.current_clerk

        def submit(values: dict[str, str]) -> Any:
            amount = parse_amount(values["amount"], "amount")
            if out:
                manager = shop.login(values["manager"], values["pin"], manager=True)
                return shop.pay_out(clerk, amount, values["reason"], manager)
            return shop.pay_in(clerk, amount, values["reason"])

        def done(moved: Any) -> None:
            if moved is not None:
                self._outcome(_("{ticket}: {amount} ({reason}).", ticket=moved.entry.ticket,
                                amount=format_money(moved.amount), reason=moved.reason),
                              moved.print_outcome)
                self.reload()

        fields = [PromptField("amount", _("Amount (S/)"), restrict=AMOUNT, max_length=9),
                  PromptField("reason", _("Reason"), max_length=200)]
        if out:
            fields += [PromptField("manager", _("Manager"), max_length=40),
                       PromptField("pin", _("Manager PIN"), password=True, restrict=r"[0-9]*",
                                   max_length=8)]
        self.pos_app.ask(
            _("Pay-out: cash taken from the drawer") if out
            else _("Pay-in: cash put into the drawer"), fields, submit, done)

    def action_close_day(self) -> None:
        if not self.available:
            return
        self.pos_app.run_blocking(self.shop.clerks, self._ask_close_day, self._failed,
                              name="clerks", node=self)

    def _ask_close_day(self, clerks: list[Any]) -> None:
        shop = self.shop
        me = self.pos_app.clerk
        managers = [c.name for c in clerks if c.is_manager]
        # As for a void: the clerk's own name if a manager, else the first manager's.
        default = me.name if me is not None and me.is_manager else (managers[0] if managers
                                                                    else "")

        def submit(values: dict[str, str]) -> Any:
            manager = shop.login(values["manager"], values["pin"], manager=True)
            counted = (parse_amount(values["counted"], "counted") if values["counted"].strip()
                       else None)
            return shop.close_day(manager, counted)

        def done(report: Any) -> None:
            if report is None:
                return
            self._outcome(_("Period closed (Z {number}).", number=report.z_number),
                          report.print_outcome)
            self.reload(shop.report_lines(report))

        self.pos_app.ask(
            _("Z close: close the period"),
            [PromptField("manager", _("Manager"), default, max_length=40),
             PromptField("pin", _("Manager PIN"), password=True, restrict=r"[0-9]*",
                         max_length=8),
             PromptField("counted", _("Counted cash, only if a shift is still open (S/)"),
                         restrict=AMOUNT, max_length=9)],
            submit, done, intro=_("The Z closes everything since the last Z; later sales "
                                  "start a new period."))
