"""The shop's receipts as a real printer profile gets them, and their legal wording (Peru)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ensure_shift

from pos.services import Shop
from receipts import decode

ROOT = Path(__file__).resolve().parents[1]
NOTICE = "Constancia de recarga: NO es comprobante de pago (boleta ni factura)."


def _open(make_settings: Any, clock: Any, **sections: Any) -> Shop:
    shop = Shop.open(make_settings(**sections), clock=clock)
    shop.add_clerk("Juan", "manager", "5678")  # the first clerk of a new ledger
    return shop


def _sale(shop: Shop) -> Any:
    draft = shop.build_draft(operator="claro", phone="987654321", amount="20", method="cash",
                             id_spec="dni:12345678", tendered="50")
    ensure_shift(shop)
    return shop.sell(shop.login("Juan", "5678"), draft)


def _printed(tmp_path: Path) -> list[Any]:
    return decode((tmp_path / "out" / "printer.bin").read_bytes())


def test_sale_slip_says_it_is_not_a_comprobante_de_pago(shop: Shop, tmp_path: Path) -> None:
    _sale(shop)
    [receipt] = _printed(tmp_path)
    assert NOTICE in " ".join(receipt.text.split())
    assert "es su comprobante" not in receipt.text


def test_shipped_config_and_defaults_never_call_the_slip_a_comprobante() -> None:
    from pos.config import ReceiptSettings

    shipped = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))["receipt"]
    assert "notice" not in shipped  # so the legal line is printed
    for line in shipped["footer"] + ReceiptSettings().footer:
        assert "comprobante" not in line.lower()
    assert ReceiptSettings().notice is None


@pytest.mark.parametrize(("notice", "expected"), [("", None),
                                                  ("Boleta electrónica aparte.", "Boleta")])
def test_the_shop_may_configure_other_wording(make_settings: Any, clock: Any, tmp_path: Path,
                                              notice: str, expected: str | None) -> None:
    shop = _open(make_settings, clock, receipt={"notice": notice})
    try:
        _sale(shop)
    finally:
        shop.close()
    [receipt] = _printed(tmp_path)
    assert "comprobante de pago" not in receipt.text
    if expected:
        assert expected in receipt.text


@pytest.mark.parametrize("profile", ["TM-T88IV", "TM-T88V"])
@pytest.mark.parametrize("width", ["auto", 42])
def test_tm_t88_shop_prints_42_columns_in_font_a(make_settings: Any, clock: Any, tmp_path: Path,
                                                 profile: str, width: object) -> None:
    shop = _open(make_settings, clock, printer={"profile": profile, "width": width})
    try:
        result = _sale(shop)
    finally:
        shop.close()
    assert result.print_outcome.printed
    [receipt] = _printed(tmp_path)
    assert set(receipt.fonts) == {0} and max(receipt.columns) <= 42
    assert receipt.barcodes == (result.ticket,)


def test_width_the_profile_cannot_print_keeps_the_sale(make_settings: Any, clock: Any) -> None:
    shop = _open(make_settings, clock, printer={"profile": "POS-5890", "width": 48})
    try:
        result = _sale(shop)
        assert result.ticket == "R001-00000002"  # kept (1: the shift)
        assert not result.print_outcome.printed
        assert "POS-5890" in result.print_outcome.error and "32 / 42" in result.print_outcome.error
    finally:
        shop.close()
