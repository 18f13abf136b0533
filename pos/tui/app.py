"""The terminal app: login first, the ledger and printer opened behind it, then the sale.

Start-up budget (STYLE.md): this module's import chain is Textual plus our light modules
only. `pos.services` (SQLModel, SQLAlchemy, python-escpos) is imported by the thread
worker that opens the shop, after the login screen is on screen.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen

from pos.domain.errors import ValidationError
from pos.domain.money import parse_amount
from pos.i18n import _, field_label, set_locale
from pos.ledger.errors import LedgerError
from pos.ledger.peek import active_clerks
from pos.locations import config_locale, find_config, user_data_dir
from pos.tui import keymap
from pos.tui.base import PromptField
from pos.tui.screens.login import LoginScreen
from pos.tui.screens.prompt import PromptScreen
from pos.tui.widgets import TopBar

if TYPE_CHECKING:
    from pos.config import Settings
    from pos.domain.draft import DraftRules
    from pos.domain.sale import SaleDraft
    from pos.services import ClerkView, SaleResult, Shop
    from pos.tui.screens.sale import SaleScreen

ShopFactory = Callable[["Settings"], "Shop"]


class PosApp(App[int]):
    """Recarga POS. Inject `shop` or `shop_factory` (and `clock`) in tests."""

    CSS_PATH = Path(__file__).with_name("pos.tcss")  # absolute: subclasses live elsewhere
    TITLE = "Recarga POS"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, settings: Settings | None, *, shop: Shop | None = None,
                 config_path: str | None = None,
                 shop_factory: ShopFactory | None = None,
                 clock: Callable[[], datetime] | None = None,
                 idle_clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        # None until the worker has validated config.toml (pydantic costs ~150 ms to import,
        # so `pos` draws the login screen first from a raw peek at the file: see run_app).
        self.settings: Settings = settings  # type: ignore[assignment]
        self._config_path = config_path
        self._peek: dict[str, Any] = {}
        self._peek_dir: Path | None = None
        if settings is None:
            self._peek, self._peek_dir = find_config(config_path)
        self.fatal_message: str | None = None
        self.shop: Shop | None = None
        self.clerk: ClerkView | None = None
        self.locked = False
        self._given_shop = shop
        self._shop_factory = shop_factory
        self._clock = clock
        self.idle_clock = idle_clock
        self.last_activity = idle_clock()
        self.shop_error: str | None = None
        self.last_ticket: str | None = None
        self._opening = False
        keymap.bind(self, keymap.GLOBAL)
        # Textual's own Ctrl+P binding says "palette" in English in the footer: ours instead.
        self._bindings.key_to_bindings.pop(keymap.PALETTE.keys, None)
        keymap.bind(self, (keymap.PALETTE,))
        keymap.bind(self, keymap.TOPUP_GLOBAL)

    # -- start-up ------------------------------------------------------------------------

    def shop_label(self) -> tuple[str, str]:
        """Shop name and series for the top bar, from the raw file until it is validated."""
        if self.settings is not None:
            return self.settings.shop.name, self.settings.shop.series
        shop = self._peek.get("shop", {})
        return str(shop.get("name", "")), str(shop.get("series", ""))

    def on_mount(self) -> None:
        theme = (self.settings.ui.theme if self.settings is not None
                 else str(self._peek.get("ui", {}).get("theme", "")))
        self.theme = theme if theme in self.available_themes else "textual-dark"
        self.push_screen(LoginScreen())
        self.set_interval(5, self.check_idle_lock)

    def login_drawn(self) -> None:
        """The first frame is on screen: now open the ledger and printer behind it.

        Started here, not in on_mount, so the worker's heavy imports (SQLModel, escpos)
        do not compete with the first frame for the interpreter.
        """
        if self._opening:
            return
        self._opening = True
        self.run_blocking(self._peek_then_open, self._shop_ready, self._shop_failed,
                          name="open")
        hook = getattr(self, "on_login_drawn", None)
        if hook is not None:  # bench/bench_startup.py
            hook()

    def _peek_then_open(self) -> Shop:
        """The names first (a plain read of the SQLite file, milliseconds), so the clerk can
        pick a name and type the PIN while the ledger opens behind (about a second). One
        after the other in the same thread: the read never overlaps the ledger's opening."""
        try:
            found = self._peek_clerks()
        except Exception:  # noqa: BLE001 - only a head start: the ledger's list follows
            found = None
        if found:
            self._deliver(self._clerks_peeked, found)
        return self._open_shop()

    def _peek_clerks(self) -> list[tuple[str, bool]] | None:
        # pos.ledger.peek, not pos.services: importing that costs SQLModel's ~0.4 s.
        if self.settings is not None:
            return active_clerks(self.settings.ledger_url, self.settings.base_dir)
        url = str(self._peek.get("ledger", {}).get("url", "sqlite:///ledger.db"))
        return active_clerks(url, self._peek_dir or user_data_dir())

    def _clerks_peeked(self, found: list[tuple[str, bool]] | None) -> None:
        if not found or self.shop is not None:
            return
        for screen in self.screen_stack:
            if isinstance(screen, LoginScreen):
                screen.clerks_peeked(found)

    def login_ready(self) -> None:
        """The login screen takes a PIN now (names listed, PIN box enabled)."""
        hook = getattr(self, "on_login_ready", None)
        if hook is not None:  # bench/bench_startup.py
            hook()

    def _open_shop(self) -> Shop:
        if self.settings is None:
            # lazy: pydantic costs ~150 ms; the first frame is drawn from a raw peek
            from pos.config import ConfigError, load_settings

            try:
                self.settings = load_settings(self._config_path)
            except ConfigError as exc:
                # A bad config.toml stops start-up with file, key and reason, exit code 2.
                self.fatal_message = _("Configuration error: {error}", error=str(exc))
                # exit(2) would set the *result*: the return code is a keyword.
                self.call_from_thread(self.exit, return_code=2)
                raise
            set_locale(self.settings.shop.locale)
            self.call_from_thread(self._settings_ready)
        if self._given_shop is not None:
            return self._given_shop
        if self._shop_factory is not None:
            return self._shop_factory(self.settings)
        # lazy: SQLModel, SQLAlchemy and escpos load in this worker, behind the login screen
        from pos.services import Shop

        kwargs: dict[str, Any] = {"clock": self._clock} if self._clock else {}
        return Shop.open(self.settings, **kwargs)

    def _settings_ready(self) -> None:
        for bar in self.screen.query(TopBar):
            bar.refresh_text()

    def _shop_ready(self, shop: Shop) -> None:
        self.shop = shop
        # lazy: the top-up screen's module (DataTable) is not needed for the first frame
        from pos.tui.screens.topup import start_reconciler  # issue 13

        start_reconciler(self)
        for screen in self.screen_stack:
            if isinstance(screen, LoginScreen):
                screen.shop_ready()

    def _shop_failed(self, exc: BaseException) -> None:
        self.shop_error = self.error_text(exc)
        for screen in self.screen_stack:
            if isinstance(screen, LoginScreen):
                screen.shop_failed(self.shop_error)

    # -- login, lock ---------------------------------------------------------------------

    async def logged_in(self, clerk: ClerkView) -> None:
        """A clerk typed the right PIN (at start, after a lock, or after first run)."""
        # lazy: the sale screen (~25 ms with its form) loads while the PIN is checked
        from pos.tui.screens.sale import SaleScreen

        same = self.clerk is not None and self.clerk.name == clerk.name
        if not same:
            self.last_ticket = None  # "reprint last" is this clerk's own last sale
        self.clerk = clerk
        self.locked = False
        self.last_activity = self.idle_clock()
        sale = self._sale_screen()
        if sale is not None and same:
            await self.pop_screen()  # unlocked: back where the clerk was
            sale.refresh_header()
            return
        if sale is not None:  # another clerk: their own, fresh sale
            while self.screen is not sale:
                await self.pop_screen()
            sale.start_over(clerk)
            return
        await self.switch_screen(SaleScreen(clerk))
        self.check_till()

    # -- before selling: a trusted clock and an open shift ------------------------------

    def check_till(self) -> None:
        """A wrong clock asks a manager to confirm it; no open shift offers to open one."""
        shop = self.shop
        if shop is None or not hasattr(shop, "current_shift"):
            return
        self.run_blocking(lambda: (shop.clock_problem(), shop.current_shift()),
                          self._till_checked, self.show_error, name="till")

    def _till_checked(self, found: tuple[Any, Any]) -> None:
        problem, shift = found
        if problem is not None:
            self.push_screen(self._clock_prompt(problem), lambda _done: self.check_till())
        elif shift is None:
            self.push_screen(self._shift_prompt(), self._shift_opened)

    def _clock_prompt(self, problem: Any) -> PromptScreen:
        shop = self.shop
        assert shop is not None

        def submit(values: dict[str, str]) -> Any:
            manager = shop.login(values["manager"], values["pin"], manager=True)
            return shop.confirm_clock(manager)

        return PromptScreen(
            _("Check the date and time"),
            [PromptField("manager", _("Manager"), max_length=40),
             PromptField("pin", _("Manager PIN"), password=True, restrict=r"[0-9]*",
                         max_length=8)],
            submit, intro=str(problem))

    def _shift_prompt(self) -> PromptScreen:
        shop, clerk = self.shop, self.clerk
        assert shop is not None and clerk is not None

        def submit(values: dict[str, str]) -> Any:
            return shop.open_shift(clerk, parse_amount(values["float"], "float"))

        return PromptScreen(
            _("Open shift"),
            [PromptField("float", _("Starting cash (S/)"), restrict=r"[0-9.,]*",
                         max_length=9)],
            submit, intro=_("No shift is open on this terminal: sales need one. Count the "
                            "starting cash in the drawer (Esc: not now)."))

    def _shift_opened(self, shift: Any) -> None:
        if shift is not None:
            self.notify(_("Shift {ticket} opened.", ticket=shift.ticket))

    def _sale_screen(self) -> SaleScreen | None:
        # lazy: the sale screen (and its form) is imported once a clerk has logged in
        from pos.tui.screens.sale import SaleScreen

        for screen in self.screen_stack:
            if isinstance(screen, SaleScreen):
                return screen
        return None

    def draft_rules(self) -> DraftRules:
        """What the open shop's config says a sale may be, for the sale screen's form."""
        shop = self.shop
        assert shop is not None, "the sale screen is shown once the shop is open"
        return shop.settings.draft_rules()

    # -- routing: screens ask the app for the next screen, never import one -----------------

    def ask(self, title: str, fields: list[PromptField], submit: Callable[[dict[str, str]], Any],
            done: Callable[[Any], Any] | None = None, *, intro: str = "") -> None:
        """A small form (`PromptScreen`): `submit(values)` runs in a thread; `done(result)`
        gets its result, or None when the clerk pressed Esc."""
        self.push_screen(PromptScreen(title, fields, submit, intro=intro), done)

    async def first_run(self) -> None:
        """An empty ledger: create the first manager instead of logging in."""
        # lazy: shown once in a shop's life
        from pos.tui.screens.first_run import FirstRunScreen

        await self.switch_screen(FirstRunScreen())

    def confirm_sale(self, draft: SaleDraft, clerk: ClerkView, request_id: str) -> None:
        """The sale screen's draft is complete: read it back, then commit on Enter."""
        # lazy: the confirmation is not needed for the first frame
        from pos.tui.screens.confirm import ConfirmScreen

        self.push_screen(ConfirmScreen(draft, clerk, request_id), self._sale_confirmed)

    async def _sale_confirmed(self, result: SaleResult | None) -> None:
        """The confirmation was dismissed: with the committed sale, or None (Esc)."""
        if result is None:
            return
        self.last_ticket = result.ticket
        sale = self._sale_screen()
        if sale is not None:
            sale.sold()
        await self.show_sale_result(result)

    def next_sale(self, first_key: str) -> None:
        """An operator key on the receipt: close it and start the next sale with that key."""
        self.pop_screen()
        sale = self._sale_screen()
        if sale is not None:
            sale.start_with(first_key)

    def show_receipt(self, ticket: str, title: str | None = None) -> None:
        """A ticket's receipt (or void slip) as the ledger renders it; R prints a copy."""
        # lazy: the receipt screen is not needed for the first frame
        from pos.tui.screens.receipt import ReceiptScreen

        self.push_screen(ReceiptScreen(ticket, None, title=title))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.last_activity = self.idle_clock()
        await super().on_event(event)

    def check_idle_lock(self) -> None:
        if self.settings is None:
            return
        minutes = self.settings.ui.idle_lock_minutes
        if (minutes and self.clerk is not None and not self.locked
                and self.idle_clock() - self.last_activity >= minutes * 60):
            self.action_lock()

    # -- actions (keys in keymap.GLOBAL and the command palette) ------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_sale", "history", "day", "lock", "reprint_last", "topups",
                      "back_office"):
            return (self.clerk is not None and not self.locked and self.shop is not None
                    and not self.committing())
        return True

    def committing(self) -> bool:
        """A sale is being saved: nothing may pull the confirmation from under it."""
        return bool(getattr(self.screen, "committing", False))

    def action_lock(self) -> None:
        if self.clerk is None or self.locked or self.committing():
            return
        self.locked = True
        self.push_screen(LoginScreen(locked_by=self.clerk))

    async def action_new_sale(self) -> None:
        sale = self._sale_screen()
        if sale is None or self.locked:
            return
        while self.screen is not sale and isinstance(self.screen, Screen):
            await self.pop_screen()
        sale.start_over()

    async def action_history(self) -> None:
        # lazy: DataTable and the history screen cost ~40 ms, not paid before the first frame
        from pos.tui.screens.history import HistoryScreen

        if self.clerk is None or self.locked or isinstance(self.screen, HistoryScreen):
            return
        await self._to_base()
        await self.push_screen(HistoryScreen())

    async def action_day(self) -> None:
        # lazy: not needed for the first frame
        from pos.tui.screens.day import DayScreen

        if self.clerk is None or self.locked or isinstance(self.screen, DayScreen):
            return
        await self._to_base()
        await self.push_screen(DayScreen())

    # -- top-ups (issue 13) ----------------------------------------------------------------

    async def action_topups(self) -> None:
        # lazy: not needed for the first frame (DataTable)
        from pos.tui.screens.topup import TopupScreen

        if self.clerk is None or self.locked or isinstance(self.screen, TopupScreen):
            return
        await self._to_base()
        await self.push_screen(TopupScreen())

    async def show_sale_result(self, result: SaleResult) -> None:
        """After a sale: a manual top-up first asks for the operator's code, then the
        receipt (which then prints with the code, or says pending after Esc)."""
        # lazy: the receipt and top-up screens are not needed for the first frame
        from pos.tui.screens.receipt import ReceiptScreen
        from pos.tui.screens.topup import TopupScreen, needs_code

        change = result.change if result.entry.method == "cash" else None  # cash only
        receipt = ReceiptScreen(result.ticket, result.job_id, print_now=not result.duplicate,
                                change=change)
        if needs_code(result):
            await self.push_screen(TopupScreen(result.ticket),
                                   lambda _ticket: self.push_screen(receipt))
            return
        await self.push_screen(receipt)

    async def _to_base(self) -> None:
        sale = self._sale_screen()
        while sale is not None and self.screen is not sale:
            await self.pop_screen()

    async def repeat_sale(self, entry: Any) -> None:
        """From history: a new sale with a past sale's operator, phone and amount."""
        sale = self._sale_screen()
        operator = self.shop.operators.get(entry.operator or "") if self.shop else None
        if sale is None or self.locked or operator is None:
            self.notify(_("This sale cannot be repeated here."), severity="warning")
            return
        await self._to_base()
        sale.repeat(operator, entry.phone or "", entry.amount,
                    entry.ticket)

    async def action_back_office(self, task: str | None = None) -> None:
        """The manager's back office, after a manager's name and PIN (then `task`, if any)."""
        if self.clerk is None or self.locked or self.shop is None:
            return
        shop = self.shop
        me = self.clerk

        def check(values: dict[str, str]) -> ClerkView:
            return shop.login(values["manager"], values["pin"], manager=True)

        def entered(manager: ClerkView | None) -> None:
            # lazy: the back office (DataTable, ProgressBar) is not needed for the first frame
            from pos.tui.screens.backoffice import BackOfficeScreen

            if manager is not None:
                self.push_screen(BackOfficeScreen(manager, task))

        await self._to_base()
        self.ask(_("Back office"),
                 [PromptField("manager", _("Manager"), me.name if me.is_manager else "",
                              max_length=40),
                  PromptField("pin", _("Manager PIN"), password=True, restrict=r"[0-9]*",
                              max_length=8)], check, entered)

    async def action_reprint_last(self) -> None:
        if self.shop is None or not self.last_ticket:
            self.notify(_("No sale yet in this session."), severity="warning")
            return
        ticket = self.last_ticket
        shop = self.shop
        self.run_blocking(lambda: shop.reprint(ticket), self.show_print_outcome)

    async def action_day_command(self, what: str) -> None:
        # lazy: not needed for the first frame
        from pos.tui.screens.day import DayScreen

        await self.action_day()
        if isinstance(self.screen, DayScreen):
            getattr(self.screen, f"action_{what}")()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        logged = self.clerk is not None and not self.locked and self.shop is not None
        if logged:
            for title, help_text, callback in (
                (_("New sale"), _("Start a new top-up (Ctrl+N)"), self.action_new_sale),
                (_("History"), _("Today's sales, search, reprint, void (Ctrl+T)"),
                 self.action_history),
                (_("Shift/day"), _("Shift, X report, cash count, Z close (Ctrl+K)"),
                 self.action_day),
                (_("Open shift"), _("Start a shift with the starting cash"),
                 lambda: self.action_day_command("open_shift")),
                (_("X report"), _("Mid-day report, does not close"),
                 lambda: self.action_day_command("report_x")),
                (_("Close shift"), _("Count the cash and close the shift"),
                 lambda: self.action_day_command("close_shift")),
                (_("Pay-out"), _("Cash taken from the drawer (manager)"),
                 lambda: self.action_day_command("pay_out")),
                (_("Pay-in"), _("Cash put into the drawer"),
                 lambda: self.action_day_command("pay_in")),
                (_("Z close"), _("Close the period since the last Z (manager)"),
                 lambda: self.action_day_command("close_day")),
                (_("Pending top-ups"), _("Type the operator's code or mark it failed (Ctrl+R)"),
                 self.action_topups),
                (_("Reprint last receipt"), _("A copy of this session's last sale"),
                 self.action_reprint_last),
                (_("Lock"), _("Lock the screen until a PIN is typed (Ctrl+L)"),
                 self.action_lock),
                (_("Back office"), _("Manager: print queue, verify, export, clerks"),
                 self.action_back_office),
            ):
                yield SystemCommand(title, help_text, callback)
            # lazy: the back office module (DataTable, ProgressBar) loads on the palette only
            from pos.tui.screens.backoffice import TASKS

            for task in TASKS:
                yield SystemCommand(_(task.title), _(task.help) + " " + _("(manager)"),
                                    lambda name=task.name: self.action_back_office(name))
        yield SystemCommand(_("Theme"), _("Light or dark colours"), self.action_change_theme)
        yield SystemCommand(_("Keys"), _("Show the keys of this screen"),
                            self.action_show_help_panel)
        yield SystemCommand(_("Quit"), _("Close the app (Ctrl+Q)"), self.action_quit)

    # -- blocking work and errors -------------------------------------------------------

    def run_blocking(self, work: Callable[[], Any], done: Callable[[Any], Any],
                     failed: Callable[[BaseException], Any] | None = None, *,
                     name: str = "work", node: Any = None) -> None:
        """Run `work` in a thread worker; `done(result)` or `failed(exc)` on the event loop.

        Never a traceback on screen: an unexpected exception becomes a message.
        """
        on_error = failed or self.show_error

        def job() -> None:
            try:
                value = work()
            except Exception as exc:  # noqa: BLE001 - reported on screen, never raised
                self._deliver(on_error, exc)
            else:
                self._deliver(done, value)

        (node or self).run_worker(job, thread=True, name=name, group=name, exit_on_error=False)

    def _deliver(self, callback: Callable[[Any], Any], value: object) -> None:
        try:
            self.call_from_thread(callback, value)
        except RuntimeError:  # the app is closing
            pass

    def error_text(self, exc: BaseException) -> str:
        """An exception as the clerk reads it (already translated by its raiser)."""
        if isinstance(exc, ValidationError):
            return f"{field_label(exc.field)}: {exc.message}"
        if isinstance(exc, LedgerError):
            return str(exc)
        self.log.error(repr(exc))
        return _("Unexpected error ({kind}): {error}", kind=type(exc).__name__,
                 error=str(exc)[:200])

    def show_error(self, exc: BaseException) -> None:
        self.notify(self.error_text(exc), severity="error", timeout=8)

    def show_print_outcome(self, outcome: Any) -> None:
        if outcome.printed:
            self.notify(_("Receipt {ticket} printed.", ticket=outcome.ticket))
        else:
            self.notify(_("Printer fault: {error}. The receipt waits in the print queue.",
                          error=outcome.error), severity="error", timeout=10)


def peek_config(config_path: str | None) -> dict[str, Any]:
    """The raw TOML of the config `pos` will use, for the first frame only (never validated
    here: the worker loads it properly and a bad file ends the app with exit code 2)."""
    return find_config(config_path)[0]


def run_app(settings: Settings | None = None, *, config_path: str | None = None) -> int:
    """`pos` with no arguments: run the terminal app until the clerk quits.

    Without `settings`, config.toml is validated behind the first frame.
    """
    if settings is not None:
        set_locale(settings.shop.locale)
    else:
        set_locale(config_locale(peek_config(config_path)) or "es_PE")
    app = PosApp(settings, config_path=config_path)
    app.run()
    if app.shop is not None:
        app.shop.close()
    if app.fatal_message:
        print(app.fatal_message, file=sys.stderr)
        return 2
    return app.return_code or 0
