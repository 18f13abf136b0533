"""The manual top-up through the app (issue 13): code typed, "no llegó", the pending list."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from tests.tui.conftest import FAST_CASH_SALE, pilot_test, press, screen_text, signed_in


@pytest.fixture
def manual_shop(make_settings: Callable[..., Any], clock: Any) -> Iterator[Any]:
    from pos.services import ClerkView, Shop
    from pos.topup.service import restock

    shop = Shop.open(make_settings(topup={"gateway": "manual"}), clock=clock)
    rosa = shop.add_clerk("Rosa", "manager", "1234")
    shop.add_clerk("Juan", "clerk", "5678", by=rosa)
    shop.open_shift(ClerkView("Rosa", "manager"), Decimal("100"))
    restock(shop, ClerkView("Rosa", "manager"), "main", Decimal("500"), Decimal("4"))
    yield shop
    shop.close()


def kinds(shop: Any) -> list[str]:
    from sqlmodel import select

    from pos.ledger.models import JournalEntry

    with shop._reader() as s:
        return [e.kind for e in s.exec(select(JournalEntry).order_by(JournalEntry.seq)).all()]


@pilot_test
async def test_code_typed_after_confirm(manual_shop: Any, make_app: Any, printed: Any) -> None:
    from pos.tui.screens.receipt import ReceiptScreen
    from pos.tui.screens.topup import TopupScreen

    app = make_app(manual_shop)
    async with signed_in(app) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        assert isinstance(app.screen, TopupScreen)
        assert "R001-00000003" in screen_text(app)
        assert len(printed()) == 1  # the shift slip only: the receipt waits for the code
        await press(pilot, *"CLR-55123", "enter")
        assert isinstance(app.screen, ReceiptScreen)
    assert kinds(manual_shop)[-2:] == ["sale", "topup_ok"]
    shift_slip, receipt = printed()
    assert "CLR-55123" in receipt.text and "CONFIRMADA" in receipt.text


@pilot_test
async def test_not_arrived_refunds(manual_shop: Any, make_app: Any, printed: Any) -> None:
    from pos.tui.screens.receipt import ReceiptScreen

    app = make_app(manual_shop)
    async with signed_in(app) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        await press(pilot, "f8")
        assert isinstance(app.screen, ReceiptScreen)
    assert kinds(manual_shop)[-3:] == ["sale", "topup_fail", "void"]
    shift_slip, refund, receipt = printed()
    assert "DEVOLVER S/ 10.00 EN EFECTIVO" in refund.text
    assert "NO REALIZADA" in receipt.text


@pilot_test
async def test_pending_list_with_age(manual_shop: Any, make_app: Any, printed: Any,
                                     clock: Any) -> None:
    from datetime import timedelta

    from pos.tui.screens.receipt import ReceiptScreen
    from pos.tui.screens.topup import TopupScreen

    app = make_app(manual_shop)
    async with signed_in(app) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        await press(pilot, "escape")  # the clerk goes on with the next customer
        assert isinstance(app.screen, ReceiptScreen)
        assert "PENDIENTE" in printed()[-1].text
        clock.now += timedelta(minutes=7)
        await press(pilot, "ctrl+r")
        assert isinstance(app.screen, TopupScreen)
        table = app.screen.query_one("#topup-table")
        assert [str(c) for c in table.get_row_at(0)] == [
            "R001-00000003", "Claro", "987 654 321", "S/ 10.00", "7 min"]
        await press(pilot, *"CLR-9", "enter")
        assert "No hay recargas pendientes." in screen_text(app)
    assert kinds(manual_shop)[-1] == "topup_ok"


@pilot_test
async def test_void_of_delivered_topup_asks_about_airtime(manual_shop: Any, make_app: Any
                                                         ) -> None:
    from pos.topup.service import floats
    from pos.tui.screens.history import EntryScreen
    from pos.tui.screens.prompt import PromptScreen
    from pos.tui.screens.receipt import ReceiptScreen

    app = make_app(manual_shop)
    async with signed_in(app) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        await press(pilot, *"CLR-1", "enter")
        await press(pilot, "ctrl+t")
        await press(pilot, *"R00100000003", "enter")
        assert isinstance(app.screen, EntryScreen)
        await press(pilot, "v")
        assert isinstance(app.screen, PromptScreen)
        assert "revirtió el saldo" in screen_text(app)
        await press(pilot, *"1234", "enter", *"número equivocado", "enter", "s", "enter")
        assert isinstance(app.screen, ReceiptScreen)  # the void slip, as printed (issue 14)
        await press(pilot, "escape")
        assert isinstance(app.screen, EntryScreen)
    void = manual_shop.view(manual_shop.view("R001-00000003").voided_by).entry
    assert '"airtime":"reversed"' in (void.data or "")
    assert floats(manual_shop)["main"].left == Decimal("500.00")
