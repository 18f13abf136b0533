"""Shift and day: open a shift with its float, X report, close with a cash count, Z close."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from pos.i18n import _
from pos.tui import keymap
from pos.tui.screens.prompt import PromptField, PromptScreen
from pos.tui.widgets import Banner, TopBar

AMOUNT = r"[0-9.,]*"


class DayScreen(Screen[None]):
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
    def shop(self) -> Any:
        return self.app.shop  # type: ignore[attr-defined]

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

        self.app.run_blocking(load, self._loaded, self._failed, name="day",  # type: ignore[attr-defined]
                              node=self)

    def _loaded(self, found: tuple[Any, list[str]]) -> None:
        from pos.services import format_money

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
        self.query_one("#day-status", Static).update(status)
        self.query_one("#day-lines", Static).update(Text("\n".join(lines)))
        self.refresh_bindings()

    def _failed(self, exc: BaseException) -> None:
        self.query_one(Banner).show(self.app.error_text(exc), "error")  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open_shift", "close_shift", "report_x", "close_day"):
            if not self.available:
                return False
            if action == "open_shift":
                return self.shift is None
            if action == "close_shift":
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
            self._outcome(_("X report (the day stays open)."), report.print_outcome)
            self.reload(shop.report_lines(report))

        self.app.run_blocking(lambda: shop.report_x(print_now=True), done,  # type: ignore[attr-defined]
                              self._failed, name="x", node=self)

    def action_open_shift(self) -> None:
        if not self.available or self.shift is not None:
            return
        shop = self.shop
        clerk = self.app.clerk  # type: ignore[attr-defined]

        def submit(values: dict[str, str]) -> Any:
            from pos.services import parse_amount

            return shop.open_shift(clerk, parse_amount(values["float"], "float"))

        def done(shift: Any) -> None:
            if shift is not None:
                self.query_one(Banner).show(_("Shift {ticket} opened.", ticket=shift.ticket),
                                            "ok")
                self.reload()

        self.app.push_screen(PromptScreen(
            _("Open shift"), [PromptField("float", _("Starting cash (S/)"),
                                          restrict=AMOUNT, max_length=9)], submit), done)

    def action_close_shift(self) -> None:
        if not self.available or self.shift is None:
            return
        shop = self.shop
        clerk = self.app.clerk  # type: ignore[attr-defined]

        def submit(values: dict[str, str]) -> Any:
            from pos.services import parse_amount

            return shop.close_shift(clerk, parse_amount(values["counted"], "counted"))

        def done(closed: Any) -> None:
            from pos.services import format_money

            if closed is None:
                return
            lines = [
                _("Shift closed: {ticket}", ticket=closed.entry.ticket),
                f"{_('Expected cash')}: {format_money(closed.expected)}",
                f"{_('Counted')}: {format_money(closed.counted)}",
                f"{_('Difference')}: {format_money(closed.difference)}",
                f"{_('Sales')}: {closed.sales_count}",
            ]
            self._outcome(_("Shift closed."), closed.print_outcome)
            self.reload(lines)

        self.app.push_screen(PromptScreen(
            _("Close shift"), [PromptField("counted", _("Counted cash in the drawer (S/)"),
                                           restrict=AMOUNT, max_length=9)], submit), done)

    def action_close_day(self) -> None:
        if not self.available:
            return
        self.app.run_blocking(self.shop.clerks, self._ask_close_day, self._failed,  # type: ignore[attr-defined]
                              name="clerks", node=self)

    def _ask_close_day(self, clerks: list[Any]) -> None:
        shop = self.shop
        me = self.app.clerk  # type: ignore[attr-defined]
        managers = [c.name for c in clerks if c.is_manager]
        # As for a void: the clerk's own name if a manager, else the first manager's.
        default = me.name if me is not None and me.is_manager else (managers[0] if managers
                                                                    else "")

        def submit(values: dict[str, str]) -> Any:
            from pos.services import parse_amount

            manager = shop.login(values["manager"], values["pin"], manager=True)
            counted = (parse_amount(values["counted"], "counted") if values["counted"].strip()
                       else None)
            return shop.close_day(manager, counted)

        def done(report: Any) -> None:
            if report is None:
                return
            self._outcome(_("Day closed (Z)."), report.print_outcome)
            self.reload(shop.report_lines(report))

        self.app.push_screen(PromptScreen(
            _("Z close: close the business day"),
            [PromptField("manager", _("Manager"), default, max_length=40),
             PromptField("pin", _("Manager PIN"), password=True, restrict=r"[0-9]*",
                         max_length=8),
             PromptField("counted", _("Counted cash (S/, empty: no count)"), restrict=AMOUNT,
                         max_length=9)],
            submit, intro=_("After the Z no sale can be added to this business day.")), done)
