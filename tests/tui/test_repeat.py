"""Repeat a sale from history (issue 14): one key, a new draft with the same operator, phone
and amount; the ID is asked again and the sale is confirmed like any other."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.tui.conftest import cash_sale, pilot_test, press, screen_text, signed_in


@pilot_test
async def test_repeat_a_sale_from_history(open_shop: Any, make_app: Any) -> None:
    from pos.tui.screens.confirm import ConfirmScreen
    from pos.tui.screens.history import EntryScreen
    from pos.tui.screens.receipt import ReceiptScreen
    from pos.tui.screens.sale import SaleScreen

    shop = open_shop  # Rosa's shift
    app = make_app(shop)
    async with signed_in(app) as pilot:
        await press(pilot, *cash_sale("2", "912345678", "15"))
        assert isinstance(app.screen, ReceiptScreen)
        (first,) = shop.history()
        await press(pilot, "ctrl+t")
        await press(pilot, *first.entry.ticket, "enter")
        assert isinstance(app.screen, EntryScreen)
        assert "S: vender de nuevo" in screen_text(app)
        await press(pilot, "s")
        assert isinstance(app.screen, SaleScreen)
        form = app.screen.form
        assert (form.operator.code, form.text["phone"], form.amount) == (
            "movistar", "912345678", Decimal("15.00"))
        assert form.step == "id" and form.text["id"] == ""  # the ID is checked again
        assert first.entry.ticket in screen_text(app)
        await pilot.press("enter")  # no ID: refused, this shop requires it
        assert form.step == "id" and form.errors["id"]
        await pilot.press(*"87654321", "enter", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.request_id != first.entry.request_id
        await press(pilot, "enter")
    second, again = shop.history()
    assert second.entry.ticket != first.entry.ticket
    assert (second.entry.operator, second.entry.phone, second.entry.amount_cents) == (
        "movistar", "912345678", 1500)
