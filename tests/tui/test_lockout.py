"""The app's login and lock screens obey the same PIN lockout as the CLI (issue 10)."""

from __future__ import annotations

from typing import Any

from tests.tui.conftest import pilot_test, press, screen_text, settle, signed_in


@pilot_test
async def test_login_screen_says_until_when_a_clerk_is_locked(shop: Any, make_app: Any) -> None:
    from pos.tui.screens.login import LoginScreen
    from pos.tui.screens.sale import SaleScreen

    for _n in range(5):  # five wrong PINs elsewhere (another terminal, the CLI)
        try:
            shop.login("Juan", "0000")
        except Exception:  # noqa: BLE001, S110 - the refusals are the point
            pass
    app = make_app(shop)
    async with signed_in(app, pin="5678", name_index=0) as pilot:  # Juan's right PIN
        assert isinstance(app.screen, LoginScreen)
        assert "Juan está bloqueado hasta las 10:35:00" in screen_text(app)
        await pilot.press(*"1234")  # another clerk is not locked
        app.screen.query_one("#clerks").highlighted = 1
        await press(pilot, "enter")
        assert isinstance(app.screen, SaleScreen) and app.clerk.name == "Rosa"


@pilot_test
async def test_lock_screen_counts_wrong_pins(shop: Any, make_app: Any) -> None:
    from pos.tui.screens.login import LoginScreen

    now = [1000.0]
    app = make_app(shop, idle_clock=lambda: now[0])
    async with signed_in(app) as pilot:  # Rosa
        now[0] += shop.settings.ui.idle_lock_minutes * 60 + 1
        app.check_idle_lock()
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.locked
        for _n in range(5):
            await press(pilot, *"9999", "enter")
        assert "Rosa está bloqueado hasta las" in screen_text(app)
        await press(pilot, *"1234", "enter")  # the right PIN, too late
        assert isinstance(app.screen, LoginScreen) and app.locked
        assert "bloqueado" in screen_text(app)
