"""Report titles say what the report is (issue 14): an X asked for a day already closed
shows that day's Z, and is titled as its copy, never "REPORTE X"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from tests.test_dayclose import DAY


def test_x_of_a_closed_day_is_titled_as_the_z(shop: Any, tmp_path: Path) -> None:
    from pos.cli import main

    config = tmp_path / "config.toml"
    config.write_text(
        '[shop]\nname = "Bodega Doña Rosa"\nruc = "10456789019"\nseries = "R001"\n'
        '[ledger]\nurl = "sqlite:///ledger.db"\nkey_file = "ledger.key"\n'
        '[printer]\nkind = "file"\npath = "out/printer.bin"\n', encoding="utf-8")

    def cli(*args: str) -> Any:
        return CliRunner().invoke(main, ["--config", str(config), *args])

    assert cli("shift", "open", "--clerk", "Juan", "--pin", "5678", "--float", "100"
               ).exit_code == 0
    sold = cli("sell", "--clerk", "Juan", "--pin", "5678", "--operator", "claro", "--phone",
               "987654321", "--amount", "20", "--pay", "cash", "--id", "dni:12345678")
    assert sold.exit_code == 0, sold.output
    open_day = cli("report", "x")
    assert "REPORTE X" in open_day.output and "REPORTE Z" not in open_day.output
    assert cli("shift", "close", "--clerk", "Juan", "--pin", "5678", "--counted", "120"
               ).exit_code == 0
    closed = cli("close-day", "--clerk", "Rosa", "--pin", "1234", "--counted", "120")
    assert closed.exit_code == 0, closed.output
    again = cli("report", "x", "--date", DAY.isoformat())
    assert again.exit_code == 0, again.output
    assert "REPORTE Z (COPIA)" in again.output and "Número de Z" in again.output
    assert "REPORTE X" not in again.output
    shop_wide = cli("report", "shop", "--date", DAY.isoformat())
    assert "REPORTE X" not in shop_wide.output
