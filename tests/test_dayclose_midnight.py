"""Periods, midnight and the PC's clock: dates are always the real ones."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from pos.domain.errors import ValidationError
from pos.ledger.journal import ClockSuspect
from pos.services import AuthError, Shop


def lima(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    """A Lima wall-clock time (UTC−5, no DST) as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=timezone(timedelta(hours=-5))
                    ).astimezone(timezone.utc)


def sell(shop: Shop, amount: str = "20", tendered: str = "50") -> Any:
    clerk = shop.login("Juan", "5678")
    draft = shop.build_draft(operator="claro", phone="987654321", amount=amount,
                             method="cash", id_spec="dni:12345678", tendered=tendered)
    return shop.sell(clerk, draft, print_now=False)


@pytest.fixture
def shop(bare_shop: Shop) -> Shop:
    return bare_shop


def test_z_at_half_past_midnight_closes_the_late_evening(shop: Shop, clock: Any) -> None:
    manager = shop.login("Rosa", "1234", manager=True)
    clock.now = lima(25, 21)
    shop.open_shift(manager, Decimal("100"), print_now=False)
    clock.now = lima(25, 23, 50)
    evening = sell(shop)
    assert evening.entry.business_date == "2026-11-25"
    clock.now = lima(26, 0, 20)
    after_midnight = sell(shop)
    assert after_midnight.entry.business_date == "2026-11-26"  # the real date, always
    clock.now = lima(26, 0, 30)

    z = shop.close_day(manager, Decimal("140"), print_now=False)

    assert z.z_number == 1 and z.sales_count == 2 and z.sales_total == Decimal("40.00")
    assert z.expected_cash == Decimal("140.00") and z.result == "exact"
    assert z.first_at == lima(25, 21).astimezone(z.first_at.tzinfo)
    assert z.last_at is not None and z.last_at.hour == 0 and z.last_at.minute == 30
    assert z.business_date == date(2026, 11, 26)  # the Z's own date
    # The morning's sales are the 26th's, in a new period.
    clock.now = lima(26, 9)
    shop.open_shift(manager, Decimal("0"), print_now=False)
    morning = sell(shop)
    assert (morning.entry.business_date, morning.entry.period) == ("2026-11-26", 2)
    assert [v.ticket for v in shop.history(day=date(2026, 11, 26))] == [
        morning.ticket, after_midnight.ticket]
    day = shop.report_x(date(2026, 11, 26))
    assert day.kind == "day" and day.sales_count == 2
    shop.verify()


def test_forgotten_z_is_taken_the_next_morning(shop: Shop, clock: Any) -> None:
    manager = shop.login("Rosa", "1234", manager=True)
    clock.now = lima(24, 18)
    shop.open_shift(manager, Decimal("0"), print_now=False)
    sell(shop, "10", "10")
    clock.now = lima(25, 9)
    sell(shop, "5", "5")
    z = shop.close_day(manager, Decimal("15"), print_now=False)
    assert z.z_number == 1 and z.sales_total == Decimal("15.00")  # everything still open
    assert z.grand_total == Decimal("15.00")
    assert shop.report_x(date(2026, 11, 24)).sales_total == Decimal("10.00")
    assert shop.report_x(date(2026, 11, 25)).sales_total == Decimal("5.00")


@pytest.mark.parametrize("moment", [
    lima(31, 23, 59, month=12),  # New Year's Eve, a minute to midnight
    lima(29, 23, 59, month=2, year=2028),  # a leap day
    lima(1, 0, 0, month=1, year=2027),  # midnight itself
])
def test_awkward_moments_get_their_own_date(make_settings: Any, clock: Any,
                                            moment: datetime) -> None:
    from tests.conftest import new_shop

    clock.now = moment
    shop = new_shop(make_settings(), clock)
    try:
        shop.open_shift(shop.login("Juan", "5678"), Decimal("0"), print_now=False)
        sale = sell(shop)
        local = moment.astimezone(shop.tz)
        assert sale.entry.business_date == local.date().isoformat()
        clock.now = moment + timedelta(seconds=61)  # across midnight
        later = sell(shop)
        assert later.entry.business_date == (moment + timedelta(seconds=61)).astimezone(
            shop.tz).date().isoformat()
        z = shop.close_day(shop.login("Rosa", "1234", manager=True), Decimal("40"),
                           print_now=False)
        assert z.sales_count == 2 and z.z_number == 1
    finally:
        shop.close()


# -- a wrong clock is caught, not obeyed ---------------------------------------------------


def test_clock_behind_the_newest_entry_stops_until_a_manager_confirms(shop: Shop,
                                                                    clock: Any) -> None:
    manager = shop.login("Rosa", "1234", manager=True)
    clerk = shop.login("Juan", "5678")
    shop.open_shift(clerk, Decimal("0"), print_now=False)
    sold = sell(shop)
    clock.now -= timedelta(days=2)  # a dead clock battery
    problem = shop.clock_problem()
    assert problem is not None and not problem.ahead
    with pytest.raises(ClockSuspect) as err:
        sell(shop)
    assert "pos clock confirm" in str(err.value) and "atrasado" in str(err.value)
    assert [v.ticket for v in shop.history()] == [sold.ticket]  # nothing filed into the past
    with pytest.raises(AuthError):
        shop.confirm_clock(clerk)
    shop.confirm_clock(manager)
    assert shop.clock_problem() is None
    again = sell(shop)  # the manager said the clock is right: the clock's date it is
    assert again.entry.business_date == "2026-11-23"
    shop.verify()


def test_clock_years_ahead_then_corrected(shop: Shop, clock: Any) -> None:
    manager = shop.login("Rosa", "1234", manager=True)
    clerk = shop.login("Juan", "5678")
    real = clock.now
    shop.open_shift(clerk, Decimal("0"), print_now=False)
    sell(shop)
    clock.now = real.replace(year=2031)  # the PC's clock jumped years ahead
    with pytest.raises(ClockSuspect) as err:
        sell(shop)
    assert err.value.ahead and "adelantado" in str(err.value)
    # A careless manager confirms the wrong date: sales get 2031 …
    shop.confirm_clock(manager)
    wrong = sell(shop)
    assert wrong.entry.business_date.startswith("2031-")
    # … until the clock is fixed: the real date is now "behind" and stops again.
    clock.now = real + timedelta(hours=1)
    with pytest.raises(ClockSuspect):
        sell(shop)
    shop.confirm_clock(manager)
    right = sell(shop)
    assert right.entry.business_date == "2026-11-25"  # the real date again, for good
    clock.now += timedelta(days=1)
    assert sell(shop).entry.business_date == "2026-11-26"
    with pytest.raises(ValidationError):  # nothing to confirm now
        shop.confirm_clock(manager)
    shop.verify()


def test_a_few_days_ahead_is_normal(shop: Shop, clock: Any) -> None:
    shop.open_shift(shop.login("Juan", "5678"), Decimal("0"), print_now=False)
    sell(shop)
    clock.now += timedelta(days=6, hours=23)  # closed for a week's holiday
    assert sell(shop).entry.business_date == "2026-12-02"
    clock.now -= timedelta(minutes=3)  # a clerk fixing the minutes is not a fault
    sell(shop)
