"""A new wallet is one entry of the payment registry, nothing else.

Tunki (a made-up wallet here) is registered in a copy of `PAYMENT_METHODS` with one
`wallet_method(...)` line, as a developer would add it to pos/domain/payment.py; then, with no
other change, the shop's config takes it, the sale form offers and checks its field, the one
draft builder builds it (screen and command line), the sale stores its columns, the confirm
screen, the receipt, the export and the refund slip say it.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pos import slips
from pos.config import ConfigError, parse_settings
from pos.domain import payment
from pos.domain.errors import ValidationError
from pos.domain.payment import WalletPayment, payment_rows, wallet_method
from pos.i18n import _
from pos.services import ClerkView
from pos.tui.sale_form import SaleForm
from tests.conftest import BASE_CONFIG, merge, new_shop, open_test_shift

JUAN = ClerkView("Juan", "clerk")
TUNKI = {"payments": {"methods": ["cash", "tunki", "card"]}}
SALE = dict(operator="claro", phone="987654321", amount="20", id_spec="dni:45678912")


@pytest.fixture
def tunki(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry with one more wallet: its key and its brand name."""
    registry = dict(payment.PAYMENT_METHODS)
    registry["tunki"] = wallet_method("tunki", "Tunki")
    monkeypatch.setattr(payment, "PAYMENT_METHODS", registry)


@pytest.fixture
def shop(tunki: None, make_settings: Any, clock: Any) -> Any:
    opened = new_shop(make_settings(**TUNKI), clock)
    open_test_shift(opened)
    yield opened
    opened.close()


def test_the_config_takes_a_registered_wallet_and_only_then(tunki: None, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    settings = parse_settings(merge(BASE_CONFIG, TUNKI), "config.toml", tmp_path)
    assert settings.payments.methods == ["cash", "tunki", "card"]
    assert settings.draft_rules().methods == ("cash", "tunki", "card")
    with pytest.raises(ConfigError) as err:
        parse_settings(merge(BASE_CONFIG, {"payments": {"methods": ["bim"]}}), "config.toml",
                       tmp_path)
    assert err.value.key == "[payments] methods.0"
    assert "'plin' o 'tunki'" in err.value.reason or "'plin' or 'tunki'" in err.value.reason
    monkeypatch.undo()  # the registry without Tunki: the same config is refused
    with pytest.raises(ConfigError) as err:
        parse_settings(merge(BASE_CONFIG, TUNKI), "config.toml", tmp_path)
    assert err.value.key == "[payments] methods.1"


def test_the_sale_form_offers_and_checks_its_field(shop: Any) -> None:
    form = SaleForm(shop.settings.draft_rules())
    for key in "1987654321":
        form.type(key)
    form.enter()
    form.choose(2)  # S/ 10
    for key in "45678912":
        form.type(key)
    assert form.enter() is False and form.step == "tendered"
    assert [label for label, _value in form.choices()] == ["Efectivo", "Tunki", "Tarjeta"]
    assert form.choose(2) and form.method == "tunki" and form.step == "op_number"
    assert form.steps[-1:] == ("op_number",)
    assert form.type("A") is False and form.refused  # its field takes digits only
    assert form.errors["op_number"] == _("The operation number has 4 to 20 digits.")
    for key in "1234 5678".replace(" ", ""):
        form.type(key)
    row = next(r for r in form.rows() if r.name == "op_number")
    assert row.value == f"Tunki  {_('Op. no.')}: 12345678"
    assert form.enter() is True
    assert form.draft().payment == WalletPayment("tunki", "12345678")


def test_sold_stored_confirmed_printed_exported_and_refunded(shop: Any, printed: Any,
                                                              tmp_path: Path) -> None:
    from pos.tui.screens.confirm import draft_summary  # lazy: Textual, for the confirm rows

    draft = shop.build_draft(**SALE, method="Tunki", op_number="1234-5678")
    assert draft.payment == WalletPayment("tunki", "12345678")
    summary = draft_summary(draft).plain
    assert "Tunki" in summary and "12345678" in summary

    result = shop.sell(JUAN, draft)
    e = result.entry
    assert (e.method, e.op_number, e.tendered_cents, e.change_cents, e.card_brand) == (
        "tunki", "12345678", None, None, None)
    assert result.change == Decimal("0.00") and e.method_label == "Tunki"

    assert payment_rows(e.method, {"op_number": e.op_number}) == [
        (_("Paid with"), "Tunki"), (_("Operation no."), "12345678")]
    [receipt] = [r for r in printed() if result.ticket in r.text]
    assert "Tunki" in receipt.text and "12345678" in receipt.text
    assert not receipt.drawer_kick  # a wallet opens no cash drawer

    assert slips.refund_instruction(e) == _(
        "ANNUL the {method} payment {amount} (op. {number})", method="Tunki",
        amount="S/ 20.00", number="12345678")

    out = tmp_path / "export.csv"
    shop.export(date(2026, 11, 25), date(2026, 11, 25), "csv", out, headers="machine")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = [row for row in csv.DictReader(fh, delimiter=";") if row["ticket"] == e.ticket]
    assert [(r["method"], r["op_number"], r["tendered"]) for r in rows] == [
        ("tunki", "#12345678", "")]


def test_a_shop_that_does_not_take_it_refuses_it(tunki: None, make_settings: Any,
                                                 clock: Any) -> None:
    opened = new_shop(make_settings(payments={"methods": ["cash", "yape"]}), clock)
    try:
        with pytest.raises(ValidationError) as err:
            opened.build_draft(**SALE, method="tunki", op_number="12345678")
        assert err.value.field == "method" and "Tunki" in err.value.message
    finally:
        opened.close()


def test_every_typed_field_of_every_method_says_why_it_refuses_a_key() -> None:
    for key, entry in payment.PAYMENT_METHODS.items():
        hints = dict(entry.hints)
        for step, takes in entry.keys:
            assert step in entry.steps, (key, step)
            if takes in ("digits", "code"):
                assert hints.get(step), (key, step)
