"""Login, first run, lock, history (search, reprint, void), shift/day, palette, start-up."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from tests.tui.conftest import SIZE, login, pilot_test, screen_text, settle
from tests.tui.test_sale import FAST_CASH_SALE


@pilot_test
async def test_first_run_creates_the_first_manager(make_settings: Any, clock: Any,
                                                   make_app: Any) -> None:
    from pos.services import Shop
    from pos.tui.screens.first_run import FirstRunScreen
    from pos.tui.screens.sale import SaleScreen

    settings = make_settings()
    shop = Shop.open(settings, clock=clock)
    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        await pilot.press(*"Ana", "enter", *"2468", "enter", *"2469", "enter")
        await settle(pilot)
        assert "no coinciden" in screen_text(app)  # the PINs differ
        await pilot.press(*"2468", "enter", *"2468", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)
        assert app.clerk.name == "Ana" and app.clerk.is_manager
    other = Shop.open(settings, clock=clock)  # a second Shop on the same file
    assert [(c.name, c.role) for c in other.clerks()] == [("Ana", "manager")]
    assert other.login("Ana", "2468").is_manager
    other.close()
    shop.close()


@pilot_test
async def test_login_wrong_then_right_pin(shop: Any, make_app: Any) -> None:
    from pos.tui.screens.login import LoginScreen
    from pos.tui.screens.sale import SaleScreen

    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, pin="9999", name_index=0)
        assert isinstance(app.screen, LoginScreen)
        assert "PIN incorrecto" in screen_text(app)
        await pilot.press(*"5678", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen) and app.clerk.name == "Juan"


@pilot_test
async def test_idle_lock_keeps_the_sale_for_the_same_clerk(shop: Any, make_app: Any) -> None:
    from pos.tui.screens.login import LoginScreen
    from pos.tui.screens.sale import SaleScreen

    now = [1000.0]
    app = make_app(shop, idle_clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("1", *"98765")
        now[0] += shop.settings.ui.idle_lock_minutes * 60 - 1
        app.check_idle_lock()
        assert isinstance(app.screen, SaleScreen)
        now[0] += 2
        app.check_idle_lock()
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.locked
        await pilot.press("ctrl+t")  # nothing behind the lock answers
        assert isinstance(app.screen, LoginScreen)
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)
        assert app.screen.form.text["phone"] == "98765"


@pilot_test
async def test_history_search_reprint_and_void(shop: Any, make_app: Any, printed: Any) -> None:
    from pos.services import Shop
    from pos.tui.screens.history import EntryScreen, HistoryScreen
    from pos.tui.screens.prompt import PromptScreen

    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, pin="5678", name_index=0)  # Juan, a clerk
        await pilot.press(*FAST_CASH_SALE)
        await settle(pilot)
        ticket = shop.history()[0].entry.ticket
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert ticket in screen_text(app) or app.screen.views
        # Search by phone, then by ticket as a scanner types it (no dash) + Enter.
        await pilot.press(*"987654321", "enter")
        await settle(pilot)
        assert [v.entry.ticket for v in app.screen.views] == [ticket]
        await pilot.press("ctrl+u", *ticket.replace("-", ""), "enter")
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen)
        await pilot.press("r")
        await settle(pilot)
        assert len(printed()) == 2  # the sale and its copy
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        # Manager Rosa is filled in; a wrong PIN is refused and cleared.
        await pilot.press(*"0000", "enter", *"cliente se equivocó", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert "PIN incorrecto" in screen_text(app)
        assert shop.view(ticket).voided_by is None
        await pilot.press(*"1234", "enter", "enter")  # the reason is still there
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen)
        assert "Anulado por" in screen_text(app)
    other = Shop.open(shop.settings)
    void_ticket = other.view(ticket).voided_by
    assert void_ticket is not None
    void = other.view(void_ticket).entry
    assert (void.kind, void.clerk, void.amount_cents, void.reason) == (
        "void", "Rosa", -1000, "cliente se equivocó")
    other.close()
    assert printed()[-1].barcodes == (void_ticket,)


@pilot_test
async def test_shift_open_x_and_close(shop: Any, make_app: Any) -> None:
    from pos.tui.screens.day import DayScreen

    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert isinstance(app.screen, DayScreen)
        assert "No hay turno abierto" in screen_text(app)
        await pilot.press("o", *"50", "enter")
        await settle(pilot)
        assert shop.current_shift().float_amount == 50
        await pilot.press("ctrl+n")
        await pilot.press(*FAST_CASH_SALE)
        await settle(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("c", *"60", "enter")
        await settle(pilot)
        assert shop.current_shift() is None
        text = screen_text(app)
        assert "S/ 60.00" in text and "S/ 0.00" in text  # expected 50 + 10, no difference


@pilot_test
async def test_palette_lists_every_action(shop: Any, make_app: Any) -> None:
    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
    for title in ("Nueva venta", "Historial", "Turno/día", "Abrir turno", "Reporte X",
                  "Cerrar turno", "Cierre Z", "Reimprimir el último ticket", "Bloquear",
                  "Tema", "Salir"):
        assert title in titles


def test_app_import_chain_stays_light() -> None:
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import pos.tui.app"],
                         capture_output=True, text=True, check=True).stderr
    modules = {line.split("|")[-1].strip() for line in out.splitlines() if "|" in line}
    heavy = {m for m in modules
             if m.split(".")[0] in ("sqlmodel", "sqlalchemy", "escpos", "alembic")
             or m == "pos.services"}
    assert not heavy, sorted(heavy)
