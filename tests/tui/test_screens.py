"""Login, first run, lock, history (search, reprint, void), shift/day, palette, start-up."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from tests.tui.conftest import (FAST_CASH_SALE, SIZE, login, pilot_test, press, screen_text, settle,
                                signed_in)


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
        await press(pilot, *"Ana", "enter", *"2468", "enter", *"2469", "enter")
        assert "no coinciden" in screen_text(app)  # the PINs differ
        await press(pilot, *"2468", "enter", *"2468", "enter")
        assert "No hay turno abierto" in screen_text(app)  # a new shop: open the first shift
        await press(pilot, *"1x00", "enter")  # the x cannot be typed: S/ 100
        assert isinstance(app.screen, SaleScreen)
        assert app.clerk.name == "Ana" and app.clerk.is_manager
        assert shop.current_shift().float_amount == 100
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
    async with signed_in(app, pin="9999", name_index=0) as pilot:
        assert isinstance(app.screen, LoginScreen)
        assert "PIN incorrecto" in screen_text(app)
        await press(pilot, *"5678", "enter")
        assert isinstance(app.screen, SaleScreen) and app.clerk.name == "Juan"


@pilot_test
async def test_idle_lock_keeps_the_sale_for_the_same_clerk(shop: Any, make_app: Any) -> None:
    from pos.tui.screens.login import LoginScreen
    from pos.tui.screens.sale import SaleScreen

    now = [1000.0]
    app = make_app(shop, idle_clock=lambda: now[0])
    async with signed_in(app) as pilot:
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
        await press(pilot, *"1234", "enter")
        assert isinstance(app.screen, SaleScreen)
        assert app.screen.form.text["phone"] == "98765"


@pilot_test
async def test_history_search_reprint_and_void(shop: Any, make_app: Any, printed: Any) -> None:
    from pos.services import Shop
    from pos.tui.screens.history import EntryScreen, HistoryScreen
    from pos.tui.screens.prompt import PromptScreen

    app = make_app(shop)
    async with signed_in(app, pin="5678", name_index=0) as pilot:  # Juan, a clerk
        await press(pilot, *FAST_CASH_SALE)
        ticket = shop.history()[0].entry.ticket
        await press(pilot, "ctrl+t")
        assert isinstance(app.screen, HistoryScreen)
        assert ticket in screen_text(app) or app.screen.views
        # Search by phone, then by ticket as a scanner types it (no dash) + Enter.
        await press(pilot, *"987654321", "enter")
        assert [v.entry.ticket for v in app.screen.views] == [ticket]
        await press(pilot, "ctrl+u", *ticket.replace("-", ""), "enter")
        assert isinstance(app.screen, EntryScreen)
        await press(pilot, "r")
        assert len(printed()) == 2  # the sale and its copy
        await press(pilot, "v")
        assert isinstance(app.screen, PromptScreen)
        # Manager Rosa is filled in; a wrong PIN is refused and cleared.
        await press(pilot, *"0000", "enter", *"cliente se equivocó", "enter")
        assert isinstance(app.screen, PromptScreen)
        assert "PIN incorrecto" in screen_text(app)
        assert shop.view(ticket).voided_by is None
        await press(pilot, *"1234", "enter", "enter")  # the reason is still there
        # The void slip on screen is the printed one, decoded from the printer's bytes.
        from pos.tui.screens.receipt import ReceiptScreen

        assert isinstance(app.screen, ReceiptScreen)
        slip = printed()[-1]
        preview = str(app.screen.query_one("#receipt-preview").render())
        assert slip.lines and all(line.rstrip() in preview for line in slip.lines)
        assert app.screen.ticket in slip.text
        await press(pilot, "escape")
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
async def test_shift_open_x_and_close(bare_shop: Any, make_app: Any) -> None:
    from pos.tui.screens.day import DayScreen
    from pos.tui.screens.prompt import PromptScreen

    shop = bare_shop
    app = make_app(shop)
    async with signed_in(app) as pilot:
        # No shift open: the app offers to open one before the first sale.
        assert isinstance(app.screen, PromptScreen)
        assert "No hay turno abierto" in screen_text(app)
        await press(pilot, "escape")  # not now: the day screen can open it too
        await press(pilot, "ctrl+k")
        assert isinstance(app.screen, DayScreen)
        assert "No hay turno abierto" in screen_text(app)
        await press(pilot, "o", *"50", "enter")
        assert shop.current_shift().float_amount == 50
        await pilot.press("ctrl+n")
        await press(pilot, *FAST_CASH_SALE)
        await press(pilot, "ctrl+k")
        await press(pilot, "x")
        await press(pilot, "c")
        assert "La caja debería tener S/ 60.00" in screen_text(app)  # not a blind count
        await press(pilot, *"60", "enter", "enter", "enter", "enter")
        assert shop.current_shift() is None
        text = screen_text(app)
        assert "S/ 60.00" in text and "Caja cuadrada: S/ 0.00" in text  # expected 50 + 10


@pilot_test
async def test_palette_lists_every_action(shop: Any, make_app: Any) -> None:
    app = make_app(shop)
    async with signed_in(app):
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


@pilot_test
async def test_z_close_from_the_day_screen(shop: Any, make_app: Any, printed: Any) -> None:
    from sqlmodel import select

    from pos.ledger.models import JournalEntry
    from pos.tui.screens.day import DayScreen
    from pos.tui.screens.prompt import PromptScreen

    app = make_app(shop)
    # Juan, a clerk: a manager must sign
    async with signed_in(app, pin="5678", name_index=0) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        await press(pilot, "ctrl+k")
        assert isinstance(app.screen, DayScreen)
        await press(pilot, "z")
        assert isinstance(app.screen, PromptScreen)
        # The manager Rosa is filled in; a wrong PIN is refused and cleared, nothing closed.
        assert app.screen.query_one("#field-manager").value == "Rosa"
        await press(pilot, *"0000", "enter", *"10", "enter")
        assert isinstance(app.screen, PromptScreen)
        assert "PIN incorrecto" in screen_text(app)
        await press(pilot, *"1234", "enter", "enter")  # the count is still there
        assert isinstance(app.screen, DayScreen)
        assert "Periodo cerrado (Z 1)" in screen_text(app)
    with shop._reader() as s:
        (z,) = s.exec(select(JournalEntry).where(JournalEntry.kind == "z")).all()
    assert (z.clerk, z.amount_cents, z.business_date) == ("Rosa", 1000, "2026-11-25")
    assert shop.current_shift() is None  # the count closed Juan's shift first
    sale, shift_slip, report = printed()
    assert any("CIERRE DE TURNO" in line for line in shift_slip.lines)
    assert sale.barcodes and any("REPORTE Z" in line for line in report.lines)
    assert any("S/ 10.00" in line for line in report.lines)


@pilot_test
async def test_another_clerk_unlocking_gets_a_fresh_sale(shop: Any, make_app: Any) -> None:
    from pos.tui.screens.login import LoginScreen
    from pos.tui.screens.sale import SaleScreen
    from pos.tui.widgets import TopBar

    now = [1000.0]
    app = make_app(shop, idle_clock=lambda: now[0])
    async with signed_in(app) as pilot:  # Rosa starts a sale and walks away
        await pilot.press("1", *"98765")
        now[0] += shop.settings.ui.idle_lock_minutes * 60
        app.check_idle_lock()
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.locked
        await login(pilot, pin="5678", name_index=0)  # Juan unlocks
        sale = app.screen
        assert isinstance(sale, SaleScreen) and app.clerk.name == "Juan"
        assert sale.clerk.name == "Juan"
        assert sale.form.step == "operator" and sale.form.text["phone"] == ""
        assert "Juan" in str(sale.query_one(TopBar).render())
        await press(pilot, *FAST_CASH_SALE)
    (view,) = shop.history()
    assert view.entry.clerk == "Juan"


@pilot_test
async def test_history_opens_the_receipt_preview(shop: Any, make_app: Any,
                                                 printed: Any) -> None:
    from pos.tui.screens.history import EntryScreen
    from pos.tui.screens.receipt import ReceiptScreen

    app = make_app(shop)
    async with signed_in(app) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        # A second sale never printed (the app closed before): its job has no bytes yet.
        draft = shop.build_draft(operator="2", phone="912345678", amount="5", method="yape",
                                 id_spec="dni:45678912", op_number="123456")
        unprinted = shop.sell(app.clerk, draft, print_now=False)
        first = shop.history()[-1].entry.ticket
        for ticket in (first, unprinted.ticket):
            await press(pilot, "ctrl+t")
            await press(pilot, *ticket, "enter")
            assert isinstance(app.screen, EntryScreen)
            await press(pilot, "p")
            assert isinstance(app.screen, ReceiptScreen)
            preview = str(app.screen.query_one("#receipt-preview").render())
            assert ticket in preview and "Solo en pantalla" in screen_text(app)
            await pilot.press("1")  # not a new sale from here
            assert isinstance(app.screen, ReceiptScreen)
            await press(pilot, "escape")
            assert isinstance(app.screen, EntryScreen)
            await press(pilot, "escape", "escape")
        assert len(printed()) == 1  # looking is not printing
        await press(pilot, "ctrl+t")
        await press(pilot, *unprinted.ticket, "enter", "p")
        await press(pilot, "r")
    _sale, copy = printed()
    assert copy.barcodes == (unprinted.ticket,)
    assert any("123456" in line for line in copy.lines)
    assert [job.status for job in shop.print_queue() if job.kind == "sale"] == ["pending"]
    assert shop.view(unprinted.ticket).entry.kind == "sale"


async def footer_fits(pilot: Any) -> list[str]:
    """The footer keys of the current screen: none cut off at 80 columns."""
    from textual.widgets._footer import FooterKey

    await pilot.pause()
    keys = list(pilot.app.screen.query(FooterKey))
    palette = [k for k in keys if k.has_class("-command-palette")]
    limit = palette[0].region.x if palette else SIZE[0]
    for key in keys:
        if key not in palette:
            assert key.region.right <= limit, (type(pilot.app.screen).__name__,
                                               key.description, key.region)
    return [f"{k.key_display or k.key} {k.description}" for k in keys]


@pilot_test
async def test_every_footer_fits_80_columns_in_spanish(shop: Any, make_app: Any) -> None:
    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await footer_fits(pilot) == ["^P Menú"]  # login: no "palette" in English
        await login(pilot)
        assert "^L Bloquear" in await footer_fits(pilot)  # sale
        await press(pilot, *FAST_CASH_SALE[:-1])
        await footer_fits(pilot)  # confirm
        await press(pilot, "enter")
        shown = await footer_fits(pilot)  # receipt
        assert "^L Bloquear" in shown and "esc Otra venta" in shown
        await press(pilot, "ctrl+t")
        assert "^L Bloquear" in await footer_fits(pilot)  # history
        await press(pilot, "down", "enter")
        await footer_fits(pilot)  # one ticket
        await press(pilot, "p")
        await footer_fits(pilot)  # its receipt
        await press(pilot, "escape", "v")
        await footer_fits(pilot)  # void prompt
        await press(pilot, "escape", "escape", "ctrl+k")
        shown = await footer_fits(pilot)  # day
        assert "^L Bloquear" in shown and "Z Cierre Z" in shown
        await press(pilot, "ctrl+n")  # hidden from the day footer, still works
        assert type(app.screen).__name__ == "SaleScreen"
