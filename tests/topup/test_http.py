"""The real http adapter against a fake aggregator on loopback, through every path.

Each test ends with the ledger (outcome entries, refunds, verify), the float and the printed
slips checked, and with the aggregator's count of sends per reference.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

from tests.topup.conftest import http_topup, sell


def kinds(shop: Any) -> list[str]:
    from pos.ledger.models import JournalEntry

    with shop._reader() as s:
        return [e.kind for e in s.exec(select(JournalEntry).order_by(JournalEntry.seq)).all()]


def float_left(shop: Any) -> Decimal:
    from pos.topup.service import floats

    return floats(shop)["main"].left


def test_immediate_success(open_shop: Any, aggregator: Any, printed: Any) -> None:
    shop = open_shop(http_topup(aggregator.url))
    result = sell(shop)
    status = result.topup.status
    assert status.state == "confirmed" and status.operator_txn == "OP1001"
    assert aggregator.sends[result.ticket] == 1
    assert kinds(shop)[-2:] == ["sale", "topup_ok"]
    assert float_left(shop) == Decimal("490.40")  # S/ 10 at 4 % commission
    views = __import__("pos.topup.service", fromlist=["floats"]).floats(shop)
    assert views["main"].reported == Decimal("990.40")  # what the aggregator says it holds
    receipt = printed()[-1].text
    assert "Recarga CONFIRMADA" in receipt and "OP1001" in receipt
    shop.verify()


def test_pending_then_success(open_shop: Any, aggregator: Any, printed: Any) -> None:
    from pos.topup.service import desk

    shop = open_shop(http_topup(aggregator.url))
    aggregator.script = ["pending"]
    result = sell(shop)
    assert result.topup.status.state == "pending"
    assert "PENDIENTE" in printed()[-1].text and "OP" not in printed()[-1].text
    assert [p.ticket for p in desk(shop).pending()] == [result.ticket]
    assert desk(shop).reconcile() == []  # still pending at the aggregator
    aggregator.complete(result.ticket)
    [outcome] = desk(shop).reconcile()
    assert outcome.status.state == "confirmed" and outcome.status.operator_txn == "OP1001"
    assert desk(shop).pending() == [] and aggregator.sends[result.ticket] == 1
    assert float_left(shop) == Decimal("490.40")
    shop.reprint(result.ticket)
    assert "OP1001" in printed()[-1].text
    shop.verify()


def test_failure_refunds_cash(open_shop: Any, aggregator: Any, printed: Any) -> None:
    shop = open_shop(http_topup(aggregator.url))
    aggregator.script = ["fail"]
    result = sell(shop, amount="20", tendered="50")
    status = result.topup.status
    assert status.state == "failed" and status.refund_ticket is not None
    assert kinds(shop)[-3:] == ["sale", "topup_fail", "void"]
    assert float_left(shop) == Decimal("500.00")
    refund, receipt = printed()[-2:]
    assert "DEVOLVER S/ 20.00 EN EFECTIVO" in refund.text and result.ticket in refund.text
    assert "NO REALIZADA" in receipt.text
    assert shop.view(result.ticket).voided_by == status.refund_ticket
    report = shop.report_x()
    assert report.day_total == Decimal("0.00")  # the refund reverses the sale in the drawer
    assert report.expected_cash == Decimal("100.00")
    shop.verify()


def test_failure_with_card_says_annul(open_shop: Any, aggregator: Any, printed: Any) -> None:
    shop = open_shop(http_topup(aggregator.url))
    aggregator.script = ["fail"]
    result = sell(shop, method="card", card_spec="visa:4242:A1B2C3")
    assert result.topup.status.state == "failed"
    assert "ANULAR" in printed()[-2].text and "A1B2C3" in printed()[-2].text


def test_timeout_after_processing_resolves_by_reference(open_shop: Any, aggregator: Any,
                                                         printed: Any) -> None:
    from pos.topup.service import desk

    shop = open_shop(http_topup(aggregator.url))
    aggregator.script = ["slow"]  # processed, answered after the client's 0.6 s timeout
    result = sell(shop)
    assert result.topup.status.state == "pending"
    [outcome] = desk(shop).reconcile()
    assert outcome.status.state == "confirmed"
    assert aggregator.sends[result.ticket] == 1  # asked by reference, never sent again
    assert float_left(shop) == Decimal("490.40")
    shop.verify()


def test_duplicate_reference_answers_existing(open_shop: Any, aggregator: Any) -> None:
    shop = open_shop(http_topup(aggregator.url))
    # The aggregator already holds R001-00000003 (e.g. the ledger was restored from a copy).
    aggregator._process({"customIdentifier": "R001-00000003", "amount": "10"}, "SUCCESSFUL")
    result = sell(shop)
    assert result.ticket == "R001-00000003"
    assert result.topup.status.state == "confirmed"
    assert result.topup.status.operator_txn == "OP1001"  # the existing transaction
    assert len(aggregator.transactions) == 1


@pytest.mark.parametrize("action", ["500", "garbage"])
def test_unreadable_answer_stays_pending_until_given_up(open_shop: Any, aggregator: Any,
                                                        clock: Any, printed: Any,
                                                        action: str) -> None:
    from pos.topup.service import desk

    shop = open_shop(http_topup(aggregator.url))
    aggregator.script = [action]
    result = sell(shop)
    assert result.topup.status.state == "pending"
    if action == "garbage":  # processed: the query finds it
        [outcome] = desk(shop).reconcile()
        assert outcome.status.state == "confirmed"
        assert float_left(shop) == Decimal("490.40")
    else:  # a 500 before processing: unknown there; given up after give_up_minutes
        assert desk(shop).reconcile() == []
        clock.now += timedelta(minutes=16)
        [outcome] = desk(shop).reconcile()
        assert outcome.status.state == "failed" and outcome.refund_outcome is not None
        assert "DEVOLVER S/ 10.00" in printed()[-1].text
        assert float_left(shop) == Decimal("500.00")
    assert aggregator.sends[result.ticket] == 1
    shop.verify()


def test_wrong_credentials_fail_and_refund(open_shop: Any, aggregator: Any, printed: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    shop = open_shop(http_topup(aggregator.url))
    monkeypatch.setenv("POS_TEST_TOPUP_TOKEN", "wrong")
    result = sell(shop)
    status = result.topup.status
    assert status.state == "failed" and "credenciales" in (status.reason or "")
    assert aggregator.transactions == {}
    assert "DEVOLVER" in printed()[-2].text
    assert float_left(shop) == Decimal("500.00")


def test_insufficient_balance_is_refused_clearly(open_shop: Any, aggregator: Any,
                                                 printed: Any) -> None:
    shop = open_shop(http_topup(aggregator.url))
    aggregator.balance = Decimal("5.00")
    result = sell(shop, amount="20")
    status = result.topup.status
    assert status.state == "failed"
    assert "saldo del distribuidor" in (status.reason or "") and "5.00" in (status.reason or "")
    assert aggregator.transactions == {} and aggregator.balance == Decimal("5.00")
    assert "DEVOLVER S/ 20.00" in printed()[-2].text


def test_low_float_warning(open_shop: Any, aggregator: Any) -> None:
    shop = open_shop(http_topup(aggregator.url))  # warning level 480
    first = sell(shop)
    assert first.topup.warning is None  # 490.40 left
    second = sell(shop, amount="20")
    assert second.topup.warning is not None and "471.20" in second.topup.warning


def test_double_submit_sends_once(open_shop: Any, aggregator: Any) -> None:
    from pos.services import ClerkView

    shop = open_shop(http_topup(aggregator.url))
    draft = shop.build_draft(operator="claro", phone="987654321", amount="10", method="cash",
                             id_spec="dni:12345678")
    first = shop.sell(ClerkView("Juan", "clerk"), draft, request_id="draft-1")
    again = shop.sell(ClerkView("Juan", "clerk"), draft, request_id="draft-1")
    assert again.duplicate and again.topup is None
    assert aggregator.sends[first.ticket] == 1


def test_postgres_two_terminals_one_outcome(pg_url: str, make_settings: Any, clock: Any,
                                            aggregator: Any, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    """On a shared PostgreSQL ledger: a pending top-up reconciled from two terminals gets one
    outcome entry, and the aggregator saw one send."""
    from pos.services import ClerkView, Shop
    from pos.topup.service import desk, floats, restock
    from tests.topup.conftest import TOKEN_ENV
    from tests.topup.fake_aggregator import TOKEN

    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    topup = http_topup(aggregator.url)
    one = Shop.open(make_settings(ledger={"url": pg_url}, topup=topup), clock=clock)
    two = Shop.open(make_settings(ledger={"url": pg_url}, shop={"series": "R002"},
                                  topup=topup), clock=clock)
    try:
        rosa = one.add_clerk("Rosa", "manager", "1234")
        one.add_clerk("Juan", "clerk", "5678", by=rosa)
        one.open_shift(ClerkView("Juan", "clerk"), Decimal("100"))
        restock(one, ClerkView("Rosa", "manager"), "main", Decimal("500"), Decimal("4"))
        aggregator.script = ["pending"]
        result = sell(one)
        assert [p.ticket for p in desk(two).pending()] == [result.ticket]
        aggregator.complete(result.ticket)
        first = desk(two).reconcile()
        again = desk(one).reconcile()
        assert [o.status.state for o in first] == ["confirmed"] and again == []
        assert kinds(one).count("topup_ok") == 1
        assert aggregator.sends[result.ticket] == 1
        assert floats(one)["main"].left == Decimal("490.40")
        one.verify()
    finally:
        one.close()
        two.close()


def test_unreadable_credentials_refuse_the_sale_before_storing(
        open_shop: Any, aggregator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from pos.ledger.errors import LedgerError
    from pos.services import Shop

    shop = open_shop(http_topup(aggregator.url))
    monkeypatch.delenv("POS_TEST_TOPUP_TOKEN")
    fresh = Shop.open(shop.settings, clock=shop.clock)  # a new start without the token
    try:
        with pytest.raises(LedgerError, match="credenciales"):
            sell(fresh)
        assert "sale" not in kinds(fresh) and aggregator.sends == {}
    finally:
        fresh.close()
