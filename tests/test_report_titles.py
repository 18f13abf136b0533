"""Report titles say what the report is (issue 14): the X of the open period, the Z that
closes it, one calendar date ("RESUMEN DEL DÍA"), the whole shop — never "REPORTE X" on
figures that are not the open period's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from tests.secrets_argv import to_env
from tests.test_dayclose import DAY


def test_each_report_says_what_it_is(shop: Any, tmp_path: Path) -> None:
    from pos.cli import main

    config = tmp_path / "config.toml"
    config.write_text(
        '[shop]\nname = "Bodega Doña Rosa"\nruc = "10456789019"\nseries = "R001"\n'
        '[ledger]\nurl = "sqlite:///ledger.db"\nkey_file = "ledger.key"\n'
        '[printer]\nkind = "file"\npath = "out/printer.bin"\n', encoding="utf-8")

    def cli(*args: str) -> Any:
        argv, env = to_env(args)
        return CliRunner().invoke(main, ["--config", str(config), *argv], env=env)

    # The `shop` fixture opened Juan's shift with an empty drawer.
    sold = cli("sell", "--clerk", "Juan", "--pin", "5678", "--operator", "claro", "--phone",
               "987654321", "--amount", "20", "--pay", "cash", "--id", "dni:12345678")
    assert sold.exit_code == 0, sold.output
    open_period = cli("report", "x")
    assert "REPORTE X" in open_period.output and "REPORTE Z" not in open_period.output
    assert "Periodo" in open_period.output
    closed = cli("close-day", "--clerk", "Rosa", "--pin", "1234", "--counted", "20")
    assert closed.exit_code == 0, closed.output
    assert "REPORTE Z" in closed.output and "Número de Z" in closed.output
    day = cli("report", "x", "--date", DAY.isoformat())
    assert day.exit_code == 0, day.output
    assert "RESUMEN DEL DÍA" in day.output and "REPORTE X" not in day.output
    shop_wide = cli("report", "shop", "--date", DAY.isoformat())
    assert "RESUMEN DEL DÍA (TIENDA)" in shop_wide.output and "REPORTE X" not in shop_wide.output
