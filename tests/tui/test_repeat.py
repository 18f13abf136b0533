"""Repeat a sale from history (issue 14): one key, a new draft with the same operator, phone
and amount; the ID is asked again and the sale is confirmed like any other."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.tui.conftest import SIZE, login, pilot_test, screen_text, settle


@pilot_test
async def test_repeat_a_sale_from_history(bare_shop: Any, make_app: Any) -> None:
    from pos.tui.screens.confirm import ConfirmScreen
    from pos.tui.screens.history import EntryScreen
    from pos.tui.screens.receipt import ReceiptScreen
    from pos.tui.screens.sale import SaleScreen

    shop = bare_shop  # Rosa opens the shift herself
    rosa = next(c for c in shop.clerks() if c.name == "Rosa")
    shop.open_shift(rosa, Decimal("100"))
    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("2", *"912345678", "enter", *"15", "enter", *"45678912", "enter",
                          "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen)
        (first,) = shop.history()
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press(*first.entry.ticket, "enter")
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen)
        assert "S: vender de nuevo" in screen_text(app)
        await pilot.press("s")
        await settle(pilot)
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
        await pilot.press("enter")
        await settle(pilot)
    second, again = shop.history()
    assert second.entry.ticket != first.entry.ticket
    assert (second.entry.operator, second.entry.phone, second.entry.amount_cents) == (
        "movistar", "912345678", 1500)
