"""The manager's back office (issue 14): a manager PIN to enter, then the print queue (list,
retry, COPY), verify and export with a progress bar, and adding a clerk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.tui.conftest import FAST_CASH_SALE, pilot_test, press, screen_text, settle, signed_in


async def until(pilot: Any, done: Any, rounds: int = 50) -> None:
    """Settle until `done()` (a loaded machine may need more than one round)."""
    for _ in range(rounds):
        await settle(pilot)
        if done():
            return


async def enter_back_office(pilot: Any, pin: str = "1234") -> None:
    await press(pilot, "ctrl+o")
    await press(pilot, "enter", *pin, "enter")  # the manager's name is filled in for Rosa


@pilot_test
async def test_a_manager_pin_opens_it_and_a_clerk_pin_does_not(open_shop: Any,
                                                               make_app: Any) -> None:
    from pos.tui.screens.backoffice import BackOfficeScreen

    app = make_app(open_shop)
    async with signed_in(app, pin="5678", name_index=0) as pilot:  # Juan, a clerk
        await press(pilot, "ctrl+o")
        await press(pilot, *"Juan", "enter", *"5678", "enter")
        assert not isinstance(app.screen, BackOfficeScreen)
        assert "encargado" in screen_text(app)  # "Juan is not a manager"
        await press(pilot, "escape")
        await press(pilot, "ctrl+o")
        await press(pilot, *"Rosa", "enter", *"1234", "enter")
        assert isinstance(app.screen, BackOfficeScreen)
        assert app.screen.manager.name == "Rosa"


@pilot_test
async def test_print_queue_retry_and_copy(open_shop: Any, make_app: Any, tmp_path: Path,
                                          printed: Any) -> None:
    from textual.widgets import DataTable

    out = tmp_path / "out"
    out.write_text("not a folder")  # the printer cannot write: the receipt waits
    app = make_app(open_shop)
    async with signed_in(app) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        (sale,) = open_shop.history()
        await enter_back_office(pilot)
        table = app.screen.query_one(DataTable)
        rows = [table.render_line(y).text for y in range(table.size.height)]
        assert any(sale.entry.ticket in row and "falló" in row for row in rows), rows
        out.unlink()
        out.mkdir()  # the printer is back
        await press(pilot, "r")
        assert f"Impreso {sale.entry.ticket}" in screen_text(app)
        assert [job.status for job in open_shop.print_queue(pending_only=False)
                if job.ticket == sale.entry.ticket] == ["printed"]
        await press(pilot, "c")
    first, copy = printed()[-2:]
    assert first.barcodes == copy.barcodes == (sale.entry.ticket,)
    assert "COPIA" in copy.text and "COPIA" not in first.text


@pilot_test
async def test_verify_with_a_progress_bar(open_shop: Any, make_app: Any) -> None:
    from textual.widgets import ProgressBar

    app = make_app(open_shop)
    async with signed_in(app) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        await enter_back_office(pilot)
        await press(pilot, "v")
        bar = app.screen.query_one(ProgressBar)
        assert bar.display and bar.percentage == 1.0
        assert "Registro verificado" in screen_text(app)


@pilot_test
async def test_export_with_a_path_prompt_and_a_progress_bar(open_shop: Any, make_app: Any,
                                                            tmp_path: Path) -> None:
    from textual.widgets import ProgressBar

    app = make_app(open_shop)
    target = tmp_path / "noviembre.csv"
    async with signed_in(app) as pilot:
        await press(pilot, *FAST_CASH_SALE)
        await enter_back_office(pilot)
        await press(pilot, "e")
        path_box = app.screen.query_one("#field-path")
        path_box.value = str(target)
        await pilot.press("enter", "enter", "enter", "enter")  # dates and format as offered
        await until(pilot, lambda: "noviembre.csv" in screen_text(app) and target.exists())
        assert target.exists(), screen_text(app)
        assert app.screen.query_one(ProgressBar).percentage == 1.0
        assert "noviembre.csv" in screen_text(app)
        before = target.read_bytes()
        await press(pilot, "e")  # the same file again: refused, never overwritten
        app.screen.query_one("#field-path").value = str(target)
        await press(pilot, "enter", "enter", "enter", "enter")
        assert "ya existe" in screen_text(app)
        assert target.read_bytes() == before
    assert len(target.read_text(encoding="utf-8-sig").splitlines()) >= 2


@pilot_test
async def test_add_a_clerk(open_shop: Any, make_app: Any) -> None:
    app = make_app(open_shop)
    async with signed_in(app) as pilot:
        await enter_back_office(pilot)
        await press(pilot, "a")
        await press(pilot, *"Ana", "enter", "enter", *"2468", "enter", *"2469", "enter")
        assert "difieren" in screen_text(app)
        assert "Ana" not in [c.name for c in open_shop.clerks()]
        await press(pilot, *"2468", "enter")  # the PIN cleared? type the second one again
        if "Ana" not in [c.name for c in open_shop.clerks()]:
            app.screen.query_one("#field-again").value = "2468"
            await press(pilot, "enter")
        assert "Ana puede ingresar" in screen_text(app)
    ana = next(c for c in open_shop.clerks() if c.name == "Ana")
    assert not ana.is_manager
    assert open_shop.login("Ana", "2468").name == "Ana"


@pilot_test
async def test_deactivate_reset_pin_and_backup(open_shop: Any, make_app: Any,
                                               tmp_path: Path) -> None:
    """The owner's other tasks: a clerk deactivated cannot log in, a reset PIN works at once,
    and a backup is a copy that verifies with its own key."""
    from pos.tui.screens.backoffice import BackOfficeScreen

    app = make_app(open_shop)
    async with signed_in(app) as pilot:
        await enter_back_office(pilot)
        assert isinstance(app.screen, BackOfficeScreen)
        assert "Desactivar a un cajero" in screen_text(app)  # listed although not in the footer
        await press(pilot, "n")
        await pilot.press(*"Juan", "enter", *"2468", "enter", *"2468", "enter")
        await until(pilot, lambda: isinstance(app.screen, BackOfficeScreen))
        assert open_shop.login("Juan", "2468").name == "Juan"
        await press(pilot, "d")
        await pilot.press(*"Juan", "enter")
        await until(pilot, lambda: isinstance(app.screen, BackOfficeScreen))
        assert [c.name for c in open_shop.clerks()] == ["Rosa"]
        target = tmp_path / "ledger-copy.db"
        await press(pilot, "b")
        await pilot.press(*str(target), "enter")
        await until(pilot, lambda: target.exists() and isinstance(app.screen,
                                                                   BackOfficeScreen))
        assert "Copia escrita" in screen_text(app)
    assert target.exists() and (target.parent / "ledger-copy.db.key").exists()
