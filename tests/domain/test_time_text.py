"""A slip's date and time are built without strftime: they must be strftime's text exactly."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st

from pos.domain.entry import date_time_text

SLIP_FORMAT = "%d/%m/%Y %H:%M:%S"  # what receipts have always printed


@given(st.datetimes(timezones=st.one_of(st.none(), st.just(timezone.utc), st.timezones())))
@example(datetime(2024, 2, 29, 0, 0, 0))  # a leap day, at midnight
@example(datetime(2028, 2, 29, 23, 59, 59, 999999))
@example(datetime(9999, 12, 31, 23, 59, 59, 999999))
@example(datetime(1000, 1, 1))
@example(datetime(999, 12, 31, 23, 59, 59))  # strftime's own path
@example(datetime(1, 1, 1))
@example(datetime(2026, 11, 25, 10, 30, tzinfo=ZoneInfo("America/Lima")))
@example(datetime(2026, 3, 1, 0, 0, 0, tzinfo=timezone(timedelta(hours=-5))))
def test_slip_time_is_strftimes(moment: datetime) -> None:
    assert date_time_text(moment) == moment.strftime(SLIP_FORMAT)
