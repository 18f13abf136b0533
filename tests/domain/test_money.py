"""Amounts as clerks type them: soles with up to two decimals, never floats."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.domain.errors import ValidationError
from pos.domain.money import MAX_AMOUNT, format_money, from_cents, parse_amount, to_cents


@pytest.mark.parametrize(("typed", "soles"), [
    ("20", "20.00"),
    ("20.5", "20.50"),
    ("20,50", "20.50"),
    ("S/ 20", "20.00"),
    ("S/20", "20.00"),
    ("S/. 20", "20.00"),
    ("  7.05 ", "7.05"),
    ("0", "0.00"),  # parses; the operator's range refuses it (test_sale)
    ("999999.99", "999999.99"),
])
def test_amounts_clerks_type(typed: str, soles: str) -> None:
    assert parse_amount(typed) == Decimal(soles)


@pytest.mark.parametrize("typed", [
    "-5", "1e3", "NaN", "nan", "Infinity", "-Infinity", "٢٠", "２０", "20.505", "1,000",
    "20.", ".5", "20 soles", "$20", "20-", "0x14", "1_000", "20.5.1", "S/", "S/ -5",
])
def test_not_an_amount(typed: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_amount(typed)
    assert err.value.field == "amount"
    assert "20.50" in err.value.message  # says what is expected


@pytest.mark.parametrize("typed", ["", " ", "\t\n", None])
def test_empty_amount_asks_for_one(typed: str | None) -> None:
    with pytest.raises(ValidationError, match="20.50"):
        parse_amount(typed)  # type: ignore[arg-type]


@pytest.mark.parametrize("typed", ["1000000", "9999999", "9999999.99", "99999999"])
def test_huge_amount_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        parse_amount(typed)


def test_field_name_is_kept() -> None:
    with pytest.raises(ValidationError) as err:
        parse_amount("abc", "tendered")
    assert err.value.field == "tendered"


def test_messages_follow_the_locale() -> None:
    from pos.i18n import set_locale

    try:
        set_locale("en")
        with pytest.raises(ValidationError, match="is not an amount"):
            parse_amount("abc")
        set_locale("es_PE")
        with pytest.raises(ValidationError, match="no es un monto"):
            parse_amount("abc")
    finally:
        set_locale("es_PE")


def test_to_cents_refuses_non_finite() -> None:
    for bad in (Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")):
        with pytest.raises(ValueError):
            to_cents(bad)


def test_format_money() -> None:
    assert format_money(Decimal("1234.5"), "es_PE") == "S/ 1,234.50"
    assert format_money(2000) == "S/ 20.00"
    assert format_money(-2000) == "-S/ 20.00"


@given(st.text())
def test_parse_amount_never_crashes(text: str) -> None:
    try:
        value = parse_amount(text)
    except ValidationError:
        return
    assert Decimal(0) <= value < MAX_AMOUNT
    assert value == value.quantize(Decimal("0.01"))


@given(st.from_regex(r"\A(S/ ?)?[0-9]{1,6}([.,][0-9]{1,2})?\Z"))
def test_well_formed_amounts_parse(text: str) -> None:
    value = parse_amount(text)
    digits = text.removeprefix("S/").strip().replace(",", ".")
    assert value == Decimal(digits)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_cents_round_trip(cents: int) -> None:
    assert to_cents(from_cents(cents)) == cents


@given(st.decimals(min_value=0, max_value=MAX_AMOUNT - Decimal("0.01"), places=2,
                   allow_nan=False, allow_infinity=False))
def test_soles_round_trip(amount: Decimal) -> None:
    assert from_cents(to_cents(amount)) == amount
    assert parse_amount(f"{amount:.2f}") == amount


def test_more_than_two_decimals_says_so() -> None:
    """Issue 14: "20.505" is refused with the reason, not as "not an amount"."""
    from pos.domain.errors import ValidationError
    from pos.domain.money import parse_amount

    for text in ("20.505", "S/ 3,125", "0.001"):
        with pytest.raises(ValidationError) as caught:
            parse_amount(text)
        assert "two decimals" in caught.value.msgid or "dos decimales" in str(caught.value)


@given(st.integers(min_value=-(10**12), max_value=10**12), st.sampled_from(["es_PE", "en_US"]))
def test_cents_format_as_their_soles(cents: int, locale: str) -> None:
    # format_money(int) has its own cache keyed by the integer: the text of the Decimal.
    from pos.domain.money import _format_money

    expected = _format_money.__wrapped__(from_cents(cents), locale)
    assert format_money(cents, locale) == expected
    assert format_money(from_cents(cents), locale) == expected
