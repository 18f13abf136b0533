"""The manual gateway, voids of top-ups, the float figures and the CLI."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.topup.conftest import http_topup, sell


def manager() -> Any:
    from pos.services import ClerkView

    return ClerkView("Rosa", "manager")


def test_manual_code_confirms(open_shop: Any, printed: Any) -> None:
    from pos.services import ClerkView
    from pos.topup.service import desk, floats

    shop = open_shop({"gateway": "manual"})
    result = sell(shop)
    assert result.topup.status.state == "pending"
    assert "PENDIENTE" in printed()[-1].text
    assert [p.ticket for p in desk(shop).pending()] == [result.ticket]
    assert desk(shop).reconcile() == []  # only the clerk knows a manual one
    outcome = desk(shop).resolve(result.ticket, ClerkView("Juan", "clerk"), code="CLR-88123")
    assert outcome.status.state == "confirmed" and outcome.status.operator_txn == "CLR-88123"
    assert floats(shop)["main"].left == Decimal("490.40")
    shop.reprint(result.ticket)
    assert "CLR-88123" in printed()[-1].text
    from pos.domain.errors import ValidationError

    with pytest.raises(ValidationError):  # once final, it stays final
        desk(shop).resolve(result.ticket, ClerkView("Rosa", "manager"), failed=True)
    shop.verify()


def test_manual_not_arrived_refunds(open_shop: Any, printed: Any) -> None:
    from pos.services import ClerkView
    from pos.topup.service import desk

    shop = open_shop({"gateway": "manual"})
    from pos.services import AuthError

    result = sell(shop, method="yape", op_number="12345678")
    with pytest.raises(AuthError):  # a refund is money out: not on a clerk's word alone
        desk(shop).resolve(result.ticket, ClerkView("Juan", "clerk"), failed=True)
    outcome = desk(shop).resolve(result.ticket, ClerkView("Rosa", "manager"), failed=True)
    assert outcome.status.state == "failed" and outcome.status.refund_ticket
    assert "ANULAR el pago con Yape" in printed()[-1].text
    assert desk(shop).pending() == []


def test_bad_code_is_refused(open_shop: Any) -> None:
    from pos.domain.errors import ValidationError
    from pos.services import ClerkView
    from pos.topup.service import desk

    shop = open_shop({"gateway": "manual"})
    result = sell(shop)
    with pytest.raises(ValidationError) as err:
        desk(shop).resolve(result.ticket, ClerkView("Juan", "clerk"), code="x")
    assert err.value.field == "code"


def test_none_gateway_records_only(open_shop: Any) -> None:
    from pos.topup.service import desk

    shop = open_shop({"gateway": "none"})
    result = sell(shop)
    assert result.topup is None and result.entry.data is None
    assert desk(shop).pending() == []


def test_void_waits_for_pending_and_asks_for_airtime(open_shop: Any) -> None:
    from pos.domain.errors import ValidationError
    from pos.services import ClerkView
    from pos.topup.service import desk, floats

    shop = open_shop({"gateway": "manual"})
    result = sell(shop)
    with pytest.raises(ValidationError, match="pendiente"):
        shop.void(result.ticket, "cliente se arrepintió", manager())
    desk(shop).resolve(result.ticket, ClerkView("Juan", "clerk"), code="CLR-1")
    with pytest.raises(ValidationError) as err:
        shop.void(result.ticket, "cliente se arrepintió", manager())
    assert err.value.field == "airtime"
    shop.void(result.ticket, "cliente se arrepintió", manager(), airtime="reversed")
    assert floats(shop)["main"].left == Decimal("500.00")  # the operator gave it back


def test_operator_figures_for_reports(open_shop: Any, aggregator: Any) -> None:
    from sqlmodel import select

    from pos.ledger.models import JournalEntry
    from pos.slips import figures_section
    from pos.topup.floats import operator_figures
    from pos.topup.service import floats

    shop = open_shop(http_topup(aggregator.url))
    sell(shop)
    sell(shop, amount="20")
    aggregator.script = ["fail"]
    sell(shop, amount="50")
    with shop._reader() as s:
        entries = s.exec(select(JournalEntry)).all()
    [claro] = operator_figures(entries, shop.settings, floats(shop))
    assert (claro.count, claro.sold, claro.cost, claro.commission, claro.float_left) == (
        2, Decimal("30.00"), Decimal("28.80"), Decimal("1.20"), Decimal("471.20"))
    section = figures_section([claro], shop.settings)
    assert [r.value for r in section.rows] == ["S/ 30.00", "S/ 28.80", "S/ 1.20", "S/ 471.20"]


def test_cli_float_and_pending(tmp_path: Path, open_shop: Any) -> None:
    from click.testing import CliRunner


    shop = open_shop({"gateway": "manual"})
    result = sell(shop)
    shop.close()
    config = tmp_path / "config.toml"
    config.write_text('[shop]\nname = "Bodega Doña Rosa"\nruc = "10456789019"\n'
                      '[printer]\nkind = "file"\npath = "out/printer.bin"\n', encoding="utf-8")
    run = CliRunner()
    out = invoke(run, ["--config", str(config), "topup", "pending"])
    assert out.exit_code == 0 and result.ticket in out.output
    out = invoke(run, ["--config", str(config), "topup", "resolve", result.ticket,
                            "--code", "CLR-777", "--clerk", "Juan", "--pin", "5678"])
    assert out.exit_code == 0 and "confirmada CLR-777" in out.output
    out = invoke(run, ["--config", str(config), "float", "restock", "--amount", "100",
                            "--rate", "5", "--clerk", "Juan", "--pin", "5678"])
    assert out.exit_code == 2  # not a manager
    out = invoke(run, ["--config", str(config), "float", "restock", "--amount", "100",
                            "--rate", "5", "--reported", "590.40", "--clerk", "Rosa",
                            "--pin", "1234"])
    assert out.exit_code == 0, out.output
    out = invoke(run, ["--config", str(config), "float", "show"])
    assert "main: quedan S/ 590.40" in out.output and "diferencia S/ 0.00" in out.output
    out = invoke(run, ["--config", str(config), "float", "restock", "--amount", "100",
                            "--rate", "abc", "--clerk", "Rosa", "--pin", "1234"])
    assert out.exit_code == 2


def test_export_has_topup_columns(open_shop: Any, aggregator: Any, tmp_path: Path) -> None:
    import csv

    shop = open_shop(http_topup(aggregator.url))
    ok = sell(shop)
    aggregator.script = ["fail"]
    failed = sell(shop)
    aggregator.script = ["pending"]
    pending = sell(shop)
    out = tmp_path / "day.csv"
    shop.export(shop.today(), shop.today(), "csv", out, headers="machine")
    with out.open(encoding="utf-8-sig") as fh:
        rows = {r["ticket"]: r for r in csv.DictReader(fh, delimiter=";")}
    assert (rows[ok.ticket]["topup_status"], rows[ok.ticket]["operator_txn"],
            rows[ok.ticket]["cost"]) == ("confirmed", "OP1001", "9.60")
    assert rows[failed.ticket]["topup_status"] == "failed"
    assert rows[pending.ticket]["topup_status"] == "pending"
    assert rows[pending.ticket]["cost"] == ""


def test_cli_topup_report(open_shop: Any, aggregator: Any, tmp_path: Path) -> None:
    from click.testing import CliRunner


    shop = open_shop(http_topup(aggregator.url))
    sell(shop, amount="20")
    shop.close()
    config = tmp_path / "config.toml"
    config.write_text('[shop]\nname = "Bodega Doña Rosa"\nruc = "10456789019"\n'
                      '[printer]\nkind = "file"\npath = "out/printer.bin"\n', encoding="utf-8")
    out = invoke(CliRunner(), ["--config", str(config), "topup", "report",
                                    "--date", "2026-11-25"])
    assert out.exit_code == 0, out.output
    text = out.output
    assert "Claro (1)" in text and "S/ 20.00" in text and "S/ 19.20" in text
    assert "S/ 0.80" in text and "S/ 480.80" in text


def test_cli_sell_with_code(tmp_path: Path, open_shop: Any) -> None:
    from click.testing import CliRunner
    from receipts import decode


    open_shop({"gateway": "manual"}).close()
    config = tmp_path / "config.toml"
    config.write_text('[shop]\nname = "Bodega Doña Rosa"\nruc = "10456789019"\n'
                      '[printer]\nkind = "file"\npath = "out/printer.bin"\n'
                      '[topup]\ngateway = "manual"\n', encoding="utf-8")
    args = ["--config", str(config), "sell", "--clerk", "Juan", "--pin", "5678", "--operator",
            "claro", "--phone", "987654321", "--amount", "10", "--id", "dni:12345678",
            "--pay", "cash"]
    out = invoke(CliRunner(), [*args, "--code", "CLR-4242"])
    assert out.exit_code == 0, out.output
    assert "Recarga: confirmada CLR-4242" in out.output
    receipt = decode((tmp_path / "out" / "printer.bin").read_bytes())[-1]
    assert "CLR-4242" in receipt.text and "PENDIENTE" not in receipt.text
    out = invoke(CliRunner(), [*args, "--code", "x"])
    assert out.exit_code == 2 and "código" in out.output.lower()  # checked before selling
    from pos.config import load_file
    from pos.services import Shop

    shop = Shop.open(load_file(config))
    assert len(shop.history()) == 1
    shop.close()


def invoke(runner: Any, args: list[str]) -> Any:
    """`pos ARGS` with the PINs and the customer ID moved off the command line."""
    from pos.cli import main
    from tests.secrets_argv import to_env

    argv, env = to_env(args)
    return runner.invoke(main, argv, env=env)


def test_z_and_shop_report_show_sold_cost_commission_and_float(open_shop: Any,
                                                               aggregator: Any) -> None:
    """Issue 13: the Z and the shop-wide report carry the per-operator top-up figures."""
    from decimal import Decimal

    shop = open_shop(http_topup(aggregator.url))
    sell(shop)
    sell(shop, amount="20")
    aggregator.script = ["fail"]
    sell(shop, amount="50")  # failed and refunded: not sold
    x = shop.report_x()
    [claro] = x.topups
    assert (claro.operator, claro.count, claro.sold, claro.cost, claro.commission,
            claro.float_left) == ("claro", 2, Decimal("30.00"), Decimal("28.80"),
                                  Decimal("1.20"), Decimal("471.20"))
    day = shop.shop_report(shop.today())
    assert [f.sold for f in day.topups] == [Decimal("30.00")]
    lines = "\n".join(shop.report_lines(day))
    assert "Comisión" in lines and "S/ 1.20" in lines and "S/ 471.20" in lines
    rosa = shop.login("Rosa", "1234", manager=True)
    counted = shop.shift_expected()
    z = shop.close_day(rosa, counted, print_now=False)
    assert [f.commission for f in z.topups] == [Decimal("1.20")]
    assert "S/ 28.80" in "\n".join(shop.report_lines(z))
