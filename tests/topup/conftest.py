"""Fixtures for the top-up tests: a fake aggregator on loopback and a shop wired to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from tests.topup.fake_aggregator import TOKEN, FakeAggregator

TOKEN_ENV = "POS_TEST_TOPUP_TOKEN"


@pytest.fixture
def aggregator() -> Iterator[FakeAggregator]:
    agg = FakeAggregator(slow_seconds=1.5).start()
    yield agg
    agg.stop()


def http_topup(url: str, **extra: Any) -> dict[str, Any]:
    return {"gateway": "http", "low_float": 480,
            "http": {"base_url": url, "credentials_env": TOKEN_ENV, "timeout": 0.6,
                     "connect_timeout": 1}} | extra


@pytest.fixture
def open_shop(make_settings: Callable[..., Any], clock: Any,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """Open a shop with the given [topup] section, a shift open and S/ 500 of float at 4 %."""
    from pos.i18n import set_locale
    from pos.services import ClerkView, Shop
    from pos.topup.service import restock

    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    set_locale("es_PE")
    shops = []

    def factory(topup: dict[str, Any]) -> Any:
        shop = Shop.open(make_settings(topup=topup), clock=clock)
        shops.append(shop)
        rosa = shop.add_clerk("Rosa", "manager", "1234")
        shop.add_clerk("Juan", "clerk", "5678", by=rosa)
        shop.open_shift(ClerkView("Juan", "clerk"), Decimal("100"))
        restock(shop, ClerkView("Rosa", "manager"), "main", Decimal("500"), Decimal("4"))
        return shop

    yield factory
    for shop in shops:
        shop.close()


def sell(shop: Any, amount: str = "10", method: str = "cash", **kw: Any) -> Any:
    from pos.services import ClerkView

    draft = shop.build_draft(operator="claro", phone="987654321", amount=amount,
                             method=method, id_spec="dni:12345678", **kw)
    return shop.sell(ClerkView("Juan", "clerk"), draft)
