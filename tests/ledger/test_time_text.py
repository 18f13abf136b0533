"""The ledger's UTC text is built without strftime: it must be strftime's text, byte for byte."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pos.ledger.journal import parse_utc, utc_now_text

UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # the form the ledger has always stored


def _reference(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(UTC_FORMAT)


def _outcome(function: object, moment: datetime) -> str:
    """The text, or the name of the error both must raise alike (a moment out of range)."""
    try:
        return function(moment)  # type: ignore[operator, no-any-return]
    except (OverflowError, ValueError) as exc:
        return type(exc).__name__


@given(st.datetimes(timezones=st.one_of(st.none(), st.just(timezone.utc), st.timezones())))
@example(datetime(2024, 2, 29, 0, 0, 0, 0, tzinfo=timezone.utc))  # a leap day, at midnight
@example(datetime(2028, 2, 29, 23, 59, 59, 999999, tzinfo=timezone.utc))
@example(datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc))  # the last moment
@example(datetime(1000, 1, 1, tzinfo=timezone.utc))  # the first 4-digit year
@example(datetime(999, 12, 31, 23, 59, 59, tzinfo=timezone.utc))  # strftime's own path
@example(datetime(1, 1, 1, tzinfo=timezone.utc))
@example(datetime(2026, 11, 25, 0, 0, tzinfo=ZoneInfo("America/Lima")))  # 05:00 UTC
@example(datetime(2026, 3, 1, 0, 0, tzinfo=timezone(timedelta(hours=-5))))  # day after Feb 28
@example(datetime(9999, 12, 31, 20, 0, tzinfo=timezone(timedelta(hours=-5))))  # past 9999
def test_utc_text_is_strftimes(moment: datetime) -> None:
    assert _outcome(utc_now_text, moment) == _outcome(_reference, moment)


@pytest.mark.parametrize("moment", [
    datetime(2026, 11, 25, 15, 30, 0, 0, tzinfo=timezone.utc),
    datetime(2024, 2, 29, 23, 59, 59, 1, tzinfo=timezone.utc),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc),
    datetime(1000, 1, 1, tzinfo=timezone.utc),
])
def test_utc_text_reads_back(moment: datetime) -> None:
    text = utc_now_text(moment)
    assert len(text) == 27
    assert parse_utc(text) == moment

