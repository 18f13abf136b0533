"""`pos printer test`: the test page decodes right and the printer's status answer is shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pos.services import Shop
from receipts import decode, ruler
from receipts.pages import SPANISH_SAMPLE
from tests.printer_server import PrinterServer


@pytest.mark.parametrize("width", [32, 48])
def test_test_page_decodes_right(make_settings: Any, clock: Any, tmp_path: Path,
                                 width: int) -> None:
    shop = Shop.open(make_settings(printer={"width": width}), clock=clock)
    result = shop.printer_test()
    assert result.printed and result.error is None
    assert "sin consulta de estado" in (result.status or "")  # a file printer cannot answer
    [page] = decode((tmp_path / "out" / "printer.bin").read_bytes())
    assert page.text == decode(result.data)[0].text
    assert "PRUEBA DE IMPRESORA" in page.text and "Bodega Doña Rosa" in page.text
    assert SPANISH_SAMPLE in page.lines  # ñáéíóúü ¿¡ S/ through the printer's code page
    assert ruler(width) in page.lines  # exactly the configured width on one line
    assert all(len(line) <= width for line in page.lines)
    assert page.barcodes == ("R001-00000000",) and page.cut
    shop.close()


def test_test_page_reports_the_status_answer(make_settings: Any, clock: Any) -> None:
    with PrinterServer("ok") as server:
        shop = Shop.open(make_settings(printer=server.printer()), clock=clock)
        result = shop.printer_test()
        assert result.printed and result.status == "la impresora respondió: en línea, papel OK"
        [page] = server.receipts()
        assert page.barcodes == ("R001-00000000",)
        shop.close()
    with PrinterServer("paper_end") as server:
        shop = Shop.open(make_settings(printer=server.printer(timeout=0.5)), clock=clock)
        result = shop.printer_test()
        assert not result.printed and "no tiene papel" in (result.error or "")
        shop.close()


def test_cli_printer_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pos.cli import main
    from pos.i18n import set_locale

    with PrinterServer("silent") as server:
        config = tmp_path / "config.toml"
        config.write_text('[shop]\nname = "Bodega Doña Rosa"\nruc = "10456789019"\n'
                          f'[printer]\nkind = "network"\nhost = "127.0.0.1"\nport = {server.port}\n'
                          'timeout = 0.5\n', encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        try:
            failed = CliRunner().invoke(main, ["--config", str(config), "printer", "test"])
            assert failed.exit_code == 1, failed.output
            assert "NO confirmada" in failed.stderr and "no confirmó" in failed.stderr
            config.write_text(config.read_text(encoding="utf-8") + "status_check = false\n",
                              encoding="utf-8")
            sent = CliRunner().invoke(main, ["--config", str(config), "printer", "test"])
            assert sent.exit_code == 0, sent.output
            assert "Página de prueba enviada." in sent.stdout
        finally:
            set_locale("es_PE")
