"""Snapshots at 80×24 of the sale, confirmation, receipt preview and history screens.

Deterministic: fixed clock, fixed ledger key (the receipt's check code), cursor blink off.
Update with `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.tui.conftest import FAST_CASH_SALE, SIZE, login, settle


@pytest.fixture
def snap_shop(make_settings: Any, clock: Any, tmp_path: Any,
              request: pytest.FixtureRequest) -> Iterator[Any]:
    from pos.i18n import set_locale
    from pos.services import Shop

    set_locale("es_PE")
    (tmp_path / "ledger.key").write_text("5e" * 32 + "\n")
    # A key without its ledger is refused (never a silent new ledger): start an empty one.
    (tmp_path / "ledger.db").touch()
    shop = Shop.open(make_settings(), clock=clock)
    shop.add_clerk("Rosa", "manager", "1234")
    if request.node.name != "test_shift_prompt":  # sales need an open shift (R001-00000001)
        from decimal import Decimal

        shop.open_shift(shop.login("Rosa", "1234"), Decimal("0"), print_now=False)
    yield shop
    shop.close()


def steps(*keys: str, then: str | None = None) -> Any:
    async def run_before(pilot: Any) -> None:
        from textual.widgets import Input

        await login(pilot, name_index=0)
        await pilot.press(*keys)
        await settle(pilot)
        if then:
            await pilot.press(then)
            await settle(pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return run_before


class TestSaleFlow:
    def test_shift_prompt(self, snap_compare: Any, snap_shop: Any, make_app: Any) -> None:
        """No shift open: the first thing after login is the offer to open one."""
        app = make_app(snap_shop)
        assert snap_compare(app, terminal_size=SIZE, run_before=steps(*"100"))

    def test_sale_screen(self, snap_compare: Any, snap_shop: Any, make_app: Any) -> None:
        app = make_app(snap_shop)
        assert snap_compare(app, terminal_size=SIZE,
                            run_before=steps("1", *"987654321", "f2", *"4567"))

    def test_confirmation(self, snap_compare: Any, snap_shop: Any, make_app: Any) -> None:
        app = make_app(snap_shop)
        assert snap_compare(app, terminal_size=SIZE, run_before=steps(*FAST_CASH_SALE[:-1]))

    def test_receipt_preview(self, snap_compare: Any, snap_shop: Any, make_app: Any) -> None:
        app = make_app(snap_shop)
        assert snap_compare(app, terminal_size=SIZE, run_before=steps(*FAST_CASH_SALE))

    def test_history(self, snap_compare: Any, snap_shop: Any, make_app: Any) -> None:
        app = make_app(snap_shop)
        assert snap_compare(app, terminal_size=SIZE,
                            run_before=steps(*FAST_CASH_SALE, then="ctrl+t"))

    def test_sale_screen_light_theme(self, snap_compare: Any, snap_shop: Any,
                                     make_app: Any) -> None:
        app = make_app(snap_shop)
        app.settings.ui.theme = "textual-light"  # pydantic model, not frozen
        assert snap_compare(app, terminal_size=SIZE,
                            run_before=steps("1", *"98765432", "1", "enter", *"15"))

    def test_sale_screen_english(self, snap_compare: Any, snap_shop: Any,
                                 make_app: Any) -> None:
        from pos.i18n import set_locale

        set_locale("en")  # [shop] locale = "en": every label, hint and key in English
        app = make_app(snap_shop)
        assert snap_compare(app, terminal_size=SIZE,
                            run_before=steps("1", *"987654321", "f2", *"4567"))
