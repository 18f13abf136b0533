"""Complete sales through the keyboard, checked in the ledger and on the printed paper."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.tui.conftest import FAST_CASH_SALE, pilot_test, press, screen_text, settle, signed_in


@pilot_test
async def test_fast_cash_sale_key_count(shop: Any, make_app: Any, printed: Any) -> None:
    from pos.tui.screens.receipt import ReceiptScreen

    app = make_app(shop)
    async with signed_in(app) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        assert isinstance(app.screen, ReceiptScreen)
        assert "S/ 0.00" in screen_text(app)  # the change, shown large
    digits = 9 + 8
    assert len(FAST_CASH_SALE) <= digits + 6, len(FAST_CASH_SALE)
    (sale,) = shop.history()
    e = sale.entry
    assert (e.operator, e.phone, e.amount_cents, e.method) == ("claro", "987654321", 1000, "cash")
    assert (e.tendered_cents, e.change_cents, e.id_type, e.clerk) == (1000, 0, "dni", "Rosa")
    (receipt,) = printed()
    assert receipt.barcodes == (e.ticket,)
    assert any("987 654 321" in line for line in receipt.lines)
    assert receipt.cut


@pilot_test
async def test_cash_sale_with_change(shop: Any, make_app: Any, printed: Any) -> None:
    app = make_app(shop)
    async with signed_in(app) as pilot:
        await pilot.press("2", *"912345678", "enter", *"15", "enter", *"45678912", "enter")
        form = app.screen.form
        assert form.step == "tendered"
        await pilot.press(*"20")
        assert form.change() == 5
        assert "S/ 5.00" in screen_text(app)
        await press(pilot, "enter", "enter")
    (sale,) = shop.history()
    assert (sale.entry.operator, sale.entry.amount_cents, sale.entry.tendered_cents,
            sale.entry.change_cents) == ("movistar", 1500, 2000, 500)
    (receipt,) = printed()
    assert any("S/ 5.00" in line for line in receipt.lines)


@pilot_test
async def test_card_sale(shop: Any, make_app: Any, printed: Any) -> None:
    app = make_app(shop)
    async with signed_in(app) as pilot:
        # F2 in the payment field = card; brand key 1 = visa.
        await pilot.press("3", *"998877665", "f3", *"45678912", "enter", "f2", "1", *"4242", "enter",
                          *"a1b2c3", "enter")
        assert type(app.screen).__name__ == "ConfirmScreen"
        await press(pilot, "enter")
    (sale,) = shop.history()
    e = sale.entry
    assert (e.operator, e.amount_cents, e.method) == ("entel", 2000, "card")
    assert (e.card_brand, e.card_last4, e.card_auth) == ("visa", "4242", "A1B2C3")
    (receipt,) = printed()
    assert any("4242" in line for line in receipt.lines)


@pilot_test
async def test_yape_sale(shop: Any, make_app: Any, printed: Any) -> None:
    app = make_app(shop)
    async with signed_in(app) as pilot:
        await press(pilot, "4", *"976543210", "enter", *"7", "enter", *"45678912", "enter", "f3",
                    *"123456", "enter", "enter")
    (sale,) = shop.history()
    e = sale.entry
    assert (e.operator, e.amount_cents, e.method, e.op_number) == ("bitel", 700, "yape",
                                                                     "123456")
    (receipt,) = printed()
    assert any("123456" in line for line in receipt.lines)


@pilot_test
async def test_double_enter_and_key_repeat_sell_once(shop: Any, make_app: Any,
                                                     printed: Any) -> None:
    from pos.tui.screens.receipt import ReceiptScreen

    app = make_app(shop)
    async with signed_in(app) as pilot:
        await press(pilot, *FAST_CASH_SALE, "enter", "enter", "enter")
        assert isinstance(app.screen, ReceiptScreen)  # the extra Enters skip nothing
        await press(pilot, "enter")
    assert len(shop.history()) == 1
    assert len(printed()) == 1


@pilot_test
async def test_confirm_guard_ignores_second_press(shop: Any, make_app: Any) -> None:
    """Even two confirm actions before the worker starts commit a single sale."""
    app = make_app(shop)
    async with signed_in(app) as pilot:
        await pilot.press(*FAST_CASH_SALE[:-1])
        confirm = app.screen
        confirm.action_confirm()
        confirm.action_confirm()
        await settle(pilot)
    assert len(shop.history()) == 1


@pilot_test
async def test_reprint_key(shop: Any, make_app: Any, printed: Any) -> None:
    app = make_app(shop)
    async with signed_in(app) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        await press(pilot, "r")
        assert "Impres" in screen_text(app)
    first, copy = printed()
    assert first.barcodes == copy.barcodes
    assert any("COPIA" in line or "COPY" in line for line in copy.lines)
    assert len(shop.history()) == 1


@pilot_test
async def test_printer_fault_keeps_the_sale_and_reprints(make_settings: Any, clock: Any,
                                                         make_app: Any, tmp_path: Any) -> None:
    from pos.services import Shop
    from receipts import decode

    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    settings = make_settings(printer={"kind": "file", "path": "afile/printer.bin"})
    shop = Shop.open(settings, clock=clock)
    shop.add_clerk("Rosa", "manager", "1234")
    shop.open_shift(shop.login("Rosa", "1234"), Decimal("0"), print_now=False)
    app = make_app(shop)
    async with signed_in(app, name_index=0) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        banner = app.screen.query_one("#print-banner")
        assert banner.has_class("-error")
        assert "FALLA DE IMPRESORA" in screen_text(app)
        (sale,) = shop.history()  # the sale is done
        assert [job.status for job in shop.print_queue() if job.kind == "sale"] == ["failed"]
        # The clerk fixes the printer, then R prints a copy.
        blocker.unlink()
        blocker.mkdir()
        await press(pilot, "r")
        assert banner.has_class("-ok")
    (receipt,) = decode((blocker / "printer.bin").read_bytes())
    assert receipt.barcodes == (sale.entry.ticket,)
    shop.close()


@pilot_test
async def test_receipt_preview_is_the_printed_receipt(shop: Any, make_app: Any,
                                                      printed: Any) -> None:
    app = make_app(shop)
    async with signed_in(app) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        preview = str(app.screen.query_one("#receipt-preview").render())
    (receipt,) = printed()
    for line in receipt.lines:
        assert line.rstrip() in preview
    assert receipt.barcodes[0] in preview


@pilot_test
async def test_escape_goes_back_and_ctrl_n_starts_over(shop: Any, make_app: Any) -> None:
    app = make_app(shop)
    async with signed_in(app) as pilot:
        await pilot.press("1", *"987654321")
        form = app.screen.form
        assert form.step == "phone"  # a full phone waits for Enter (or a preset key)
        await pilot.press("enter")
        assert form.step == "amount"
        await pilot.press("escape")
        assert form.step == "phone" and form.text["phone"] == "987654321"
        await pilot.press("backspace", "8")
        assert form.step == "phone" and form.text["phone"] == "987654328"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert form.step == "operator" and form.text["phone"] == "" and form.operator is None
        await pilot.press("escape")  # nothing before the first field
        assert form.step == "operator"


@pilot_test
async def test_operator_key_on_receipt_starts_next_sale(shop: Any, make_app: Any) -> None:
    from pos.tui.screens.sale import SaleScreen

    app = make_app(shop)
    async with signed_in(app) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        await press(pilot, "2")
        assert isinstance(app.screen, SaleScreen)
        assert app.screen.form.operator.code == "movistar"
        assert app.screen.form.step == "phone"


@pilot_test
async def test_ce_and_passport_sales(shop: Any, make_app: Any, printed: Any) -> None:
    """F2 = carné de extranjería (9–12 digits), F3 = passport (letters and digits): no
    auto-advance, Enter accepts; the ledger keeps the type and the masked number only."""
    app = make_app(shop)
    async with signed_in(app) as pilot:
        await pilot.press("1", *"987654321", "f2", "f2", *"001234567")
        form = app.screen.form
        assert form.step == "id" and "CE 001234567" in screen_text(app)
        await press(pilot, "enter", "enter", "enter")
        await pilot.press("escape")
        await pilot.press("2", *"912345678", "f1", "f3", *"ab12345x")
        form = app.screen.form
        assert form.step == "id" and form.text["id"] == "AB12345X"
        assert "Pasaporte AB12345X" in screen_text(app)
        await press(pilot, "enter", "enter", "enter")
    passport, ce = (v.entry for v in shop.history())
    assert (ce.operator, ce.amount_cents, ce.id_type) == ("claro", 1000, "ce")
    assert (passport.operator, passport.amount_cents, passport.id_type) == (
        "movistar", 500, "passport")
    assert ce.id_masked.endswith("567") and "001234" not in ce.id_masked
    assert passport.id_masked.endswith("45X") and "AB123" not in passport.id_masked
    assert ce.id_number is None and passport.id_number is None  # id_storage = masked
    first, second = printed()
    assert any(ce.id_masked in line for line in first.lines)
    assert any(passport.id_masked in line for line in second.lines)
    assert not any("001234567" in line for line in first.lines)


@pilot_test
async def test_receipt_preview_barcode_sits_where_the_paper_prints_it(
        open_shop: Any, make_app: Any, printed: Any) -> None:
    """Above the ticket's human-readable line and before the footer, as on the paper."""
    from receipts import barcode_text

    app = make_app(open_shop)  # Rosa's shift
    async with signed_in(app) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        preview = str(app.screen.query_one("#receipt-preview").render()).splitlines()
    receipt = printed()[-1]
    ticket = receipt.barcodes[0]
    bars = barcode_text(ticket)
    at = preview.index(bars)
    assert preview[at + 1] == bars and preview[at + 2].strip() == ticket
    footer = receipt.lines[-1]
    assert footer and footer != ticket
    assert at < max(i for i, line in enumerate(preview) if line == footer)
