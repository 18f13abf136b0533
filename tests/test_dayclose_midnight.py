"""A Z taken after midnight closes the day whose sales are still open."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from pos.services import Shop


def lima(day: int, hour: int, minute: int = 0) -> datetime:
    """A November 2026 Lima wall-clock time as UTC (Lima is UTC−5, no DST)."""
    return datetime(2026, 11, day, hour + 5, minute, tzinfo=timezone.utc) if hour < 19 else \
        datetime(2026, 11, day + 1, hour - 19, minute, tzinfo=timezone.utc)


def sell(shop: Shop, amount: str = "20", tendered: str = "50") -> Any:
    clerk = shop.login("Juan", "5678")
    draft = shop.build_draft(operator="claro", phone="987654321", amount=amount,
                             method="cash", id_spec="dni:12345678", tendered=tendered)
    return shop.sell(clerk, draft, print_now=False)


def test_z_after_midnight_closes_the_evening(shop: Shop, clock: Any) -> None:
    manager = shop.login("Rosa", "1234", manager=True)
    clock.now = lima(25, 21)
    shop.open_shift(manager, Decimal("100"), print_now=False)
    clock.now = lima(25, 22)
    evening = sell(shop)
    assert evening.entry.business_date == "2026-11-25"
    clock.now = lima(26, 0, 20)
    shop.close_shift(manager, Decimal("120"), print_now=False)
    clock.now = lima(26, 0, 30)

    z = shop.close_day(manager, Decimal("120"), print_now=False)

    assert z.business_date == date(2026, 11, 25)
    assert z.sales_count == 1 and z.sales_total == Decimal("20.00")
    assert z.expected_cash == Decimal("120.00") and z.difference == Decimal("0.00")
    # The morning's sales belong to the 26th, not the 27th.
    clock.now = lima(26, 9)
    assert sell(shop).entry.business_date == "2026-11-26"
    clock.now = lima(26, 23)
    assert shop.close_day(manager, None, print_now=False).business_date == date(2026, 11, 26)
    shop.verify()


def test_forgotten_z_is_taken_the_next_morning(shop: Shop, clock: Any) -> None:
    manager = shop.login("Rosa", "1234", manager=True)
    clock.now = lima(24, 18)
    sell(shop, "10", "10")
    clock.now = lima(25, 9)
    sell(shop, "5", "5")
    first = shop.close_day(manager, None, print_now=False)
    second = shop.close_day(manager, None, print_now=False)
    assert (first.business_date, first.sales_total) == (date(2026, 11, 24), Decimal("10.00"))
    assert (second.business_date, second.sales_total) == (date(2026, 11, 25), Decimal("5.00"))
    assert second.grand_total == Decimal("15.00")
