"""History: today's sales, search by ticket (a scanner may type it) or phone, open one.

From an open sale: R reprints (a COPY), V voids it (manager name, PIN and reason).
"""

from __future__ import annotations

import uuid
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Static

from pos.domain.phone import group_phone
from pos.i18n import _, ngettext
from pos.tui import keymap
from pos.tui.airtime import airtime_fields, airtime_value
from pos.tui.base import PosModal, PosScreen, PromptField
from pos.tui.widgets import Banner, KeyFooter, TopBar


def entry_status(view: Any) -> str:
    if view.voided_by:
        return _("voided by {ticket}", ticket=view.voided_by)
    if view.entry.kind == "void":
        return _("voids {ticket}", ticket=view.entry.ref_ticket)
    return ""


class HistoryScreen(PosScreen[None]):
    AUTO_FOCUS = "#search"

    def __init__(self) -> None:
        super().__init__()
        self.views: list[Any] = []
        keymap.bind(self, keymap.HISTORY)

    def compose(self) -> ComposeResult:
        yield TopBar(_("History"))
        yield Input(id="search", placeholder=_("Ticket (or scan it) or phone, then Enter"))
        yield Static(id="history-message")
        # No cell padding (one space is added to each value instead) and no payment column
        # (it is in the ticket's details): the linked ticket of a void, "anulado por
        # R001-00000002", must fit whole in 80 columns.
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True,
                        cell_padding=0)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(f"{label} " for label in (_("Ticket"), _("Time"), _("Operator"),
                                                       _("Phone"), _("Amount"))), _("Status"))
        self.action_refresh()

    # -- loading -------------------------------------------------------------------------

    def action_refresh(self) -> None:
        shop = self.shop
        self.query_one("#search", Input).value = ""
        self._load(lambda: shop.history(day=shop.today()), _("Today's sales"))

    def _load(self, query: Any, title: str, open_single: bool = False) -> None:
        def done(views: list[Any]) -> None:
            self.show(views, title)
            if open_single and len(views) == 1:
                self.open_view(views[0])

        self.pos_app.run_blocking(query, done, self._failed, name="history",
                              node=self)

    def show(self, views: list[Any], title: str) -> None:
        shop = self.shop
        self.views = views
        table = self.query_one(DataTable)
        table.clear()
        names = {code: op.name for code, op in shop.operators.items()}
        for view in views:
            e = view.entry
            status = entry_status(view)
            table.add_row(f"{e.ticket} ", f"{e.hour_text} ",
                          f"{names.get(e.operator or '', '')} ",
                          f"{group_phone(e.phone or '')} ",
                          Text(f"{e.amount_text} ", justify="right"),
                          Text(status, style="bold") if status else "", key=e.ticket)
        count = len(views)
        found = ngettext("{count} ticket", "{count} tickets", count, count=count)
        self._message(f"{title}: " + found if count else f"{title}: " + _("nothing found."))

    def _failed(self, exc: BaseException) -> None:
        self._message(self.pos_app.error_text(exc), error=True)

    def _message(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#history-message", Static)
        message.set_class(error, "-error")
        message.update(text)

    # -- keys ----------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        shop = self.shop
        text = event.value.strip()
        if not text:
            self.action_refresh()
            return
        digits = "".join(c for c in text if c.isdigit())
        if text[0].isalpha():
            self._load(lambda: shop.history(ticket=text), _("Ticket {ticket}", ticket=text),
                       open_single=True)
        else:
            self._load(lambda: shop.history(phone=digits),
                       _("Phone {phone}", phone=text))

    def action_to_table(self) -> None:
        self.query_one(DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        index = event.cursor_row
        if 0 <= index < len(self.views):
            self.open_view(self.views[index])

    def open_view(self, view: Any) -> None:
        def closed(changed: bool | None) -> None:
            if changed:
                self.action_refresh()

        self.app.push_screen(EntryScreen(view), closed)

    def action_close(self) -> None:
        self.app.pop_screen()


class EntryScreen(PosModal[bool]):
    """One sale or void: its details; R reprint, V void."""

    def __init__(self, view: Any) -> None:
        super().__init__()
        self.view = view
        self.changed = False
        self.busy = False
        keymap.bind(self, keymap.ENTRY)

    def compose(self) -> ComposeResult:
        with Vertical(id="entry-box", classes="modal-box"):
            yield Label(_("Ticket {ticket}", ticket=self.view.entry.ticket), classes="title")
            yield Static(self.details(), id="entry-details")
            yield Banner(id="entry-banner")
            yield Static(id="entry-keys", classes="keys")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#entry-keys", Static).update(self.keys_text())

    def keys_text(self) -> str:
        keys = (_("P: see receipt · R: reprint · V: void · Esc: back") if self.can_void()
                else _("P: see receipt · R: reprint · Esc: back"))
        if self.can_repeat():
            keys += "\n" + _("S: sell again (a new sale, confirmed as usual)")
        return keys

    def details(self) -> Text:
        shop = self.shop
        e = self.view.entry
        op = shop.operators.get(e.operator or "")
        rows = [
            (_("Date"), e.date_time_text),
            (_("Clerk"), e.clerk),
            (_("Operator"), op.name if op else (e.operator or "")),
            (_("Phone"), group_phone(e.phone or "")),
            (_("Amount"), e.amount_text),
            (_("Payment"), e.method_label),
        ]
        if e.id_masked:
            rows.append((_("Document"), e.id_masked))
        if e.reason:
            rows.append((_("Reason"), e.reason))
        status = entry_status(self.view)
        if status:
            rows.append((_("Status"), status))
        text = Text()
        for n, (label, value) in enumerate(rows):
            text.append(("\n" if n else "") + label.ljust(14))
            text.append(str(value), style="bold")
        return text

    def can_void(self) -> bool:
        return self.view.entry.kind == "sale" and not self.view.voided_by

    def can_repeat(self) -> bool:
        return self.view.entry.kind == "sale"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "void":
            return self.can_void() and not self.busy
        if action == "repeat":
            return self.can_repeat() and not self.busy
        if action in ("reprint", "preview"):
            return None if self.busy else True
        return True

    def action_close(self) -> None:
        self.dismiss(self.changed)

    async def action_repeat(self) -> None:
        """A regular customer's weekly top-up: a new draft with this sale's operator, phone
        and amount on the sale screen; the ID and payment are asked again, then confirmed."""
        if self.can_repeat() and not self.busy:
            await self.pos_app.repeat_sale(self.view.entry)

    def action_preview(self) -> None:
        """The receipt as printed (or as it will print), on screen; R there prints a copy."""
        if self.busy:
            return
        self.pos_app.show_receipt(self.view.entry.ticket)

    def action_reprint(self) -> None:
        if self.busy:
            return
        shop = self.shop
        ticket = self.view.entry.ticket
        self.busy = True
        self.query_one(Banner).show(_("Printing…"))
        self.pos_app.run_blocking(lambda: shop.reprint(ticket), self._printed,
                              self._failed, name="reprint", node=self)

    def _printed(self, outcome: Any) -> None:
        self.busy = False
        self.refresh_bindings()
        self.query_one(Banner).show_print_outcome(
            outcome, _("The receipt waits in the print queue."))

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.refresh_bindings()
        self.query_one(Banner).show(self.pos_app.error_text(exc), "error")

    def action_void(self) -> None:
        if not self.can_void() or self.busy:
            return
        shop = self.shop
        self.pos_app.run_blocking(shop.clerks, self._ask_void, self._failed,
                              name="clerks", node=self)

    def _ask_void(self, clerks: list[Any]) -> None:
        shop = self.shop
        me = self.pos_app.clerk
        managers = [c.name for c in clerks if c.is_manager]
        default = me.name if me is not None and me.is_manager else (managers[0] if managers
                                                                    else "")
        ticket = self.view.entry.ticket
        request_id = uuid.uuid4().hex  # one void request, however often Enter is pressed

        # issue 13: a delivered top-up needs the manager's word on the airtime
        extra = airtime_fields(shop, self.view.entry)

        def submit(values: dict[str, str]) -> Any:
            manager = shop.login(values["manager"], values["pin"], manager=True)
            return shop.void(ticket, values["reason"], manager, request_id=request_id,
                             airtime=airtime_value(values))

        self.pos_app.ask(
            _("Void {ticket}", ticket=ticket),
            [PromptField("manager", _("Manager"), default, max_length=40),
             PromptField("pin", _("Manager PIN"), password=True, restrict=r"[0-9]*",
                         max_length=8),
             PromptField("reason", _("Reason"), max_length=200), *extra],
            submit, self._voided, intro=_("A void is a new entry that reverses this sale; the "
                                          "sale stays in the ledger."))

    def _voided(self, result: Any) -> None:
        if result is None:
            return
        self.changed = True
        self.view = type(self.view)(self.view.entry, result.ticket)
        self.query_one("#entry-details", Static).update(self.details())
        self.query_one("#entry-keys", Static).update(self.keys_text())
        self.refresh_bindings()
        outcome = result.print_outcome
        text = _("Voided by {ticket}.", ticket=result.ticket)
        if outcome is not None and not outcome.printed:
            self.query_one(Banner).show(
                text + " " + _("PRINTER FAULT: {error}", error=outcome.error), "error")
        else:
            self.query_one(Banner).show(text, "ok")
        # The void slip as printed: decoded from the bytes the printer got (or will get).
        self.pos_app.show_receipt(result.ticket, title=_("Void slip"))
