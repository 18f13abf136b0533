"""The history list fits 80 columns with the full linked ticket of a void (issue 14)."""

from __future__ import annotations

from typing import Any

from tests.tui.conftest import cash_sale, pilot_test, press, signed_in


@pilot_test
async def test_history_shows_whole_linked_tickets_at_80_columns(open_shop: Any,
                                                                make_app: Any) -> None:
    from textual.widgets import DataTable

    shop = open_shop  # Rosa's shift
    rosa = next(c for c in shop.clerks() if c.name == "Rosa")
    app = make_app(shop)
    async with signed_in(app) as pilot:
        await press(pilot, *cash_sale("2", "912345678", "300"))
        (sale,) = shop.history()
        void = shop.void(sale.entry.ticket, "número equivocado", rosa, print_now=False)
        await press(pilot, "ctrl+t")
        table = app.screen.query_one(DataTable)
        assert table.virtual_size.width <= table.size.width  # nothing scrolled off
        shown = [table.render_line(y).text for y in range(table.size.height)]
    text = "\n".join(shown)
    assert f"anulado por {void.ticket}" in text
    assert f"anula {sale.entry.ticket}" in text
    assert "S/ 300.00" in text and "912 345 678" in text
