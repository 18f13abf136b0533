"""The clerk moving on while the app is still busy never loses a sale or a printer fault."""

from __future__ import annotations

import time
from typing import Any

from tests.tui.conftest import SIZE, login, pilot_test, settle

SALE_TO_CONFIRM = ["1", *"987654321", "f2", *"45678912", "enter", "enter"]


@pilot_test
async def test_keys_during_saving_do_not_pull_the_confirmation(shop: Any,
                                                               make_app: Any) -> None:
    real_sell = shop.sell

    def slow_sell(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.6)  # a slow disk or a far PostgreSQL server
        return real_sell(*args, **kwargs)

    shop.sell = slow_sell
    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press(*SALE_TO_CONFIRM)
        await pilot.pause()
        await pilot.press("enter")  # commit starts
        await pilot.press("ctrl+n", "ctrl+t", "ctrl+k", "ctrl+l")  # all refused while saving
        await settle(pilot)
        assert type(app.screen).__name__ == "ReceiptScreen"
    assert len(shop.history()) == 1


@pilot_test
async def test_a_printer_fault_is_told_after_the_clerk_moved_on(
        shop: Any, make_app: Any, monkeypatch: Any) -> None:
    import receipts

    def stuck_printer(config: Any, data: bytes) -> None:
        time.sleep(1.5)  # a network printer timing out
        raise receipts.PrinterError("timeout", "no answer from 10.0.0.9:9100")

    monkeypatch.setattr(receipts, "send", stuck_printer)
    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press(*SALE_TO_CONFIRM, "enter")
        for _ in range(40):
            await pilot.pause(0.05)
            if type(app.screen).__name__ == "ReceiptScreen":
                break
        assert app.screen.printing
        await pilot.press("2")  # the next customer (Movistar) while the printer still tries
        assert type(app.screen).__name__ == "SaleScreen"
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("impresora" in m for m in messages), messages
    assert [job.status for job in shop.print_queue() if job.kind == "sale"] == ["failed"]
    assert len(shop.history()) == 1


@pilot_test
async def test_a_bounced_enter_does_not_skip_the_read_back(shop: Any, make_app: Any,
                                                           monkeypatch: Any) -> None:
    from pos.tui.screens.confirm import ConfirmScreen

    monkeypatch.setattr(ConfirmScreen, "ARM_SECONDS", 2.0)
    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press(*SALE_TO_CONFIRM, "enter")  # the last field's Enter, doubled
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and not app.screen.committing
        assert shop.history() == []
        app.screen.shown_at -= 2.0  # the clerk has read the number to the customer
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReceiptScreen"
    assert len(shop.history()) == 1
