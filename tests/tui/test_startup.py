"""`pos` with a config path: config.toml is validated behind the first frame (settings=None)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.tui.conftest import SIZE, pilot_test, screen_text, settle


@pilot_test
async def test_bad_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    from pos.tui.app import PosApp
    from pos.tui.screens.login import LoginScreen

    config = tmp_path / "config.toml"
    config.write_text('[shop]\nname = "Bodega Doña Rosa"\nseries = "r1"\n', encoding="utf-8")
    app = PosApp(None, config_path=str(config))
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LoginScreen)  # the first frame, from the raw file
        assert "Bodega Doña Rosa" in screen_text(app)
        await settle(pilot)
    assert app.return_code == 2
    assert app.settings is None and app.shop is None
    message = app.fatal_message or ""
    assert "Error de configuración" in message
    assert str(config) in message and "[shop] series" in message, message
    assert not (tmp_path / "ledger.db").exists()  # nothing was created for a bad config


@pilot_test
async def test_good_config_loads_behind_the_login(tmp_path: Path) -> None:
    from pos.config import load_settings
    from pos.services import Shop
    from pos.tui.app import PosApp
    from pos.tui.screens.sale import SaleScreen
    from pos.tui.widgets import TopBar

    config = tmp_path / "config.toml"
    config.write_text('[shop]\nname = "Bodega San Martín"\nseries = "T002"\n'
                      '[printer]\nkind = "none"\n', encoding="utf-8")
    shop = Shop.open(load_settings(str(config)))
    rosa = shop.add_clerk("Rosa", "manager", "1234")
    shop.add_clerk("Juan", "clerk", "5678", by=rosa)
    shop.close()
    app = PosApp(None, config_path=str(config))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.return_code is None and app.fatal_message is None
        assert app.settings.shop.series == "T002" and app.shop is not None
        names = app.screen.query_one("#clerks")
        assert [str(names.get_option_at_index(i).prompt) for i in range(names.option_count)] \
            == ["Juan", "Rosa  (encargado)"]
        assert "T002" in str(app.screen.query_one(TopBar).render())
        await pilot.press(*"5678", "enter")
        await settle(pilot)
        assert "No hay turno abierto" in screen_text(app)  # offered before the first sale
        await pilot.press(*"20", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen) and app.clerk.name == "Juan"
        assert app.shop.current_shift().float_amount == 20
    app.shop.close()


@pilot_test
async def test_names_and_pin_before_the_ledger_is_open(shop: Any) -> None:
    """Issue 14: the clerks' names come from a plain read of the ledger file, so the clerk
    picks a name and types the PIN while the ledger opens; Enter is answered once it is."""
    import threading

    from textual.widgets import Input, OptionList

    from pos.tui.app import PosApp
    from pos.tui.screens.login import LoginScreen
    from pos.tui.screens.sale import SaleScreen

    gate = threading.Event()

    def slow_open(settings: Any) -> Any:
        gate.wait(30)  # the ledger "opening" until the test lets it
        return shop

    ready: list[int] = []
    app = PosApp(shop.settings, shop_factory=slow_open)
    app.on_login_ready = lambda: ready.append(1)  # type: ignore[attr-defined]
    try:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(200):
                await pilot.pause(0.02)
                if ready:
                    break
            assert ready and app.shop is None
            screen = app.screen
            assert isinstance(screen, LoginScreen)
            names = screen.query_one("#clerks", OptionList)
            assert not names.disabled and not screen.query_one("#pin", Input).disabled
            shown = [str(names.get_option_at_index(i).prompt) for i in range(names.option_count)]
            assert shown == ["Juan", "Rosa  (encargado)"]
            names.highlighted = 1  # Rosa
            await pilot.press(*"1234", "enter")
            assert "Abriendo el registro" in screen_text(app)
            assert isinstance(app.screen, LoginScreen)
            gate.set()
            await settle(pilot)
            assert isinstance(app.screen, SaleScreen)
            assert app.clerk is not None and app.clerk.name == "Rosa"
    finally:
        gate.set()
