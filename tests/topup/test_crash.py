"""A real `pos sell` process killed mid top-up; the reconciler finishes it, nothing sent twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import config_file
from tests.topup.conftest import TOKEN_ENV
from tests.topup.fake_aggregator import TOKEN

ROOT = Path(__file__).resolve().parents[2]


def write_config(folder: Path, url: str) -> Path:
    """The shop's config with the `http` gateway to the fake aggregator at `url`."""
    return config_file(folder, topup={
        "gateway": "http", "give_up_minutes": 15,
        "http": {"base_url": url, "credentials_env": TOKEN_ENV, "timeout": 20}})


@pytest.fixture
def prepared(tmp_path: Path, aggregator: Any, clock: Any) -> Any:
    """A ledger with clerks, an open shift and S/ 500 of float, closed again."""
    from pos.config import load_file
    from pos.i18n import set_locale
    from pos.services import ClerkView, Shop
    from pos.topup.service import restock

    set_locale("es_PE")
    config = write_config(tmp_path, aggregator.url)
    shop = Shop.open(load_file(config), clock=clock)
    rosa = shop.add_clerk("Rosa", "manager", "1234")
    shop.add_clerk("Juan", "clerk", "5678", by=rosa)
    shop.open_shift(ClerkView("Juan", "clerk"), Decimal("100"))
    restock(shop, ClerkView("Rosa", "manager"), "main", Decimal("500"), Decimal("4"))
    shop.close()
    return config


def sell_and_kill(config: Path, aggregator: Any) -> None:
    # PIN and customer ID from the environment, as a script passes them (never on argv).
    env = dict(os.environ, **{TOKEN_ENV: TOKEN, "PYTHONPATH": str(ROOT), "POS_PIN": "5678",
                              "POS_CUSTOMER_ID": "dni:12345678"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.topup.cli_seller", "--config", str(config), "sell",
         "--clerk", "Juan", "--operator", "claro", "--phone", "987654321",
         "--amount", "10", "--pay", "cash"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert aggregator.held.wait(60), proc.communicate(timeout=5)
        proc.send_signal(signal.SIGKILL)  # the clerk's process dies mid top-up
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    aggregator.release.set()


def reopen(config: Path, clock: Any) -> Any:
    from pos.config import load_file
    from pos.services import Shop

    return Shop.open(load_file(config), clock=clock)


@pytest.mark.slow
def test_killed_between_request_and_answer(prepared: Path, aggregator: Any, clock: Any,
                                           monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from receipts import decode

    from pos.topup.service import desk, floats

    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    aggregator.script = ["hold"]  # processed at the aggregator; the answer never gets back
    sell_and_kill(prepared, aggregator)
    shop = reopen(prepared, clock)
    try:
        [pending] = desk(shop).pending()
        [outcome] = desk(shop).reconcile()
        assert outcome.status.state == "confirmed" and outcome.status.ticket == pending.ticket
        assert aggregator.sends[pending.ticket] == 1
        assert desk(shop).pending() == []
        assert floats(shop)["main"].left == Decimal("490.40")
        shop.reprint(pending.ticket)
        slip = decode((tmp_path / "out" / "printer.bin").read_bytes())[-1].text
        assert "OP1001" in slip and "CONFIRMADA" in slip
        shop.verify()
    finally:
        shop.close()


@pytest.mark.slow
def test_killed_before_the_request_arrived(prepared: Path, aggregator: Any, clock: Any,
                                           monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from receipts import decode

    from pos.topup.service import desk, floats

    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    aggregator.script = ["drop"]  # the aggregator never processes it: as if never sent
    sell_and_kill(prepared, aggregator)
    shop = reopen(prepared, clock)
    try:
        [pending] = desk(shop).pending()
        clock.now = pending.created_at + timedelta(minutes=1)  # the killed process's clock
        assert desk(shop).reconcile() == []  # unknown there, too early to give up
        clock.now = pending.created_at + timedelta(minutes=16)
        [outcome] = desk(shop).reconcile()
        assert outcome.status.state == "failed" and outcome.status.refund_ticket
        assert aggregator.sends[pending.ticket] == 1 and aggregator.transactions == {}
        assert floats(shop)["main"].left == Decimal("500.00")
        slip = decode((tmp_path / "out" / "printer.bin").read_bytes())[-1].text
        assert "DEVOLVER S/ 10.00 EN EFECTIVO" in slip
        assert shop.report_x().expected_cash == Decimal("100.00")
        shop.verify()
    finally:
        shop.close()
