"""The sale draft: operator ranges from config, the ID rule, and the parts combined."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.domain.errors import ValidationError
from pos.domain.identity import parse_document
from pos.domain.payment import cash
from pos.domain.phone import parse_phone
from pos.domain.sale import Operator, check_amount, find_operator, make_draft

CLARO = Operator("claro", "Claro", "1", Decimal(3), Decimal(300), (Decimal(5),))
BITEL = Operator("bitel", "Bitel", "4", Decimal(1), Decimal(300))
OPERATORS = {"claro": CLARO, "bitel": BITEL}


@pytest.mark.parametrize(("typed", "value"), [
    ("3", "3.00"), ("300", "300.00"), ("20,50", "20.50"), ("S/ 5", "5.00"),
])
def test_amount_in_range(typed: str, value: str) -> None:
    assert check_amount(CLARO, typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["2.99", "300.01", "1000", "1", "0.5"])
def test_amount_out_of_the_operators_range(typed: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_amount(CLARO, typed)
    assert err.value.field == "amount"
    assert "Claro" in err.value.message
    assert "S/ 3.00" in err.value.message and "S/ 300.00" in err.value.message


def test_ranges_differ_by_operator() -> None:
    assert check_amount(BITEL, "1") == Decimal("1.00")


@pytest.mark.parametrize("amount", ["0", "0.00", Decimal(0), Decimal(-5), Decimal("NaN"),
                                    Decimal("Infinity")])
def test_amount_not_positive(amount: str | Decimal) -> None:
    with pytest.raises(ValidationError):
        check_amount(CLARO, amount)


@given(st.text())
def test_check_amount_never_crashes(text: str) -> None:
    try:
        value = check_amount(CLARO, text)
    except ValidationError:
        return
    assert CLARO.min <= value <= CLARO.max


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_check_amount_decimal_never_crashes(value: Decimal) -> None:
    try:
        check_amount(CLARO, value)
    except ValidationError:
        pass


@pytest.mark.parametrize("typed", ["claro", "CLARO", " Claro ", "1"])
def test_find_operator(typed: str) -> None:
    assert find_operator(OPERATORS, typed) is CLARO


@pytest.mark.parametrize("typed", ["", "2", "tigo", None])
def test_unknown_operator(typed: str | None) -> None:
    with pytest.raises(ValidationError) as err:
        find_operator(OPERATORS, typed)  # type: ignore[arg-type]
    assert err.value.field == "operator"
    assert "Claro" in err.value.message and "Bitel" in err.value.message


@given(st.text())
def test_find_operator_never_crashes(text: str) -> None:
    try:
        find_operator(OPERATORS, text)
    except ValidationError:
        pass


def test_make_draft_requires_id_when_the_shop_does() -> None:
    phone = parse_phone("987654321")
    paid = cash(Decimal(20), "20")
    with pytest.raises(ValidationError) as err:
        make_draft(CLARO, phone, Decimal(20), paid, None, require_id=True)
    assert err.value.field == "id"
    draft = make_draft(CLARO, phone, Decimal(20), paid, None, require_id=False)
    assert draft.id_document is None
    doc = parse_document("dni", "45678912")
    assert make_draft(CLARO, phone, Decimal(20), paid, doc, True).id_document == doc


def test_make_draft_checks_the_range() -> None:
    with pytest.raises(ValidationError):
        make_draft(CLARO, parse_phone("987654321"), Decimal(500),
                   cash(Decimal(500), "500"), None, require_id=False)
