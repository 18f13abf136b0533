"""The history list fits 80 columns with the full linked ticket of a void (issue 14)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.tui.conftest import SIZE, login, pilot_test, settle


@pilot_test
async def test_history_shows_whole_linked_tickets_at_80_columns(bare_shop: Any,
                                                                make_app: Any) -> None:
    from textual.widgets import DataTable

    shop = bare_shop  # Rosa opens the shift herself
    rosa = next(c for c in shop.clerks() if c.name == "Rosa")
    shop.open_shift(rosa, Decimal("100"))
    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("2", *"912345678", "enter", *"300", "enter", *"45678912", "enter",
                          "enter", "enter")
        await settle(pilot)
        (sale,) = shop.history()
        void = shop.void(sale.entry.ticket, "número equivocado", rosa, print_now=False)
        await pilot.press("ctrl+t")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.virtual_size.width <= table.size.width  # nothing scrolled off
        shown = [table.render_line(y).text for y in range(table.size.height)]
    text = "\n".join(shown)
    assert f"anulado por {void.ticket}" in text
    assert f"anula {sale.entry.ticket}" in text
    assert "S/ 300.00" in text and "912 345 678" in text
