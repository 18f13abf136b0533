"""Payments: cash with change, card without the full number, Yape/Plin operation numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.domain.errors import ValidationError
from pos.domain.payment import (
    CardPayment,
    Method,
    card,
    cash,
    contains_card_number,
    parse_method,
    wallet,
)

FULL_CARDS = ["4242424242424242", "5555 5555 5555 4444", "4111-1111-1111-1111",
              "378282246310005", "3056 9309 0259 04"]
BRANDS = ("visa", "mastercard", "amex", "diners")


# -- cash ----------------------------------------------------------------------------------

def test_change() -> None:
    paid = cash(Decimal("20.00"), "50")
    assert (paid.tendered, paid.change, paid.method) == (Decimal("50.00"), Decimal("30.00"),
                                                         Method.CASH)


def test_exact_cash_no_change() -> None:
    assert cash(Decimal("20.50"), "20,50").change == Decimal("0.00")


def test_tendered_less_than_amount() -> None:
    with pytest.raises(ValidationError) as err:
        cash(Decimal("20.00"), "19.99")
    assert err.value.field == "tendered"
    assert "S/ 19.99" in err.value.message and "S/ 20.00" in err.value.message


@pytest.mark.parametrize("tendered", ["", "-50", "cincuenta", "5O"])
def test_tendered_not_an_amount(tendered: str) -> None:
    with pytest.raises(ValidationError) as err:
        cash(Decimal("20.00"), tendered)
    assert err.value.field == "tendered"


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity")])
def test_tendered_non_finite_decimal_refused(bad: Decimal) -> None:
    with pytest.raises(ValidationError):
        cash(Decimal("20.00"), bad)


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(300), places=2),
       st.decimals(min_value=0, max_value=Decimal("999999.99"), places=2))
def test_change_is_tendered_minus_amount(amount: Decimal, tendered: Decimal) -> None:
    try:
        paid = cash(amount, f"{tendered:.2f}")
    except ValidationError:
        assert tendered < amount
        return
    assert paid.change == tendered - amount >= 0


@given(st.text())
def test_cash_never_crashes(text: str) -> None:
    try:
        cash(Decimal("20.00"), text)
    except ValidationError:
        pass


# -- card ----------------------------------------------------------------------------------

def test_card_last_four_and_auth() -> None:
    assert card(" VISA ", "4242", " a1b2c3 ", BRANDS) == CardPayment("visa", "4242", "A1B2C3")
    assert card("mastercard", "44 44", "123456").last4 == "4444"


@pytest.mark.parametrize("number", FULL_CARDS)
def test_full_card_number_as_last4_refused(number: str) -> None:
    with pytest.raises(ValidationError) as err:
        card("visa", number, "123456", BRANDS)
    assert err.value.field == "card_last4"
    assert "4" in err.value.message


@pytest.mark.parametrize("number", FULL_CARDS)
def test_full_card_number_as_auth_refused(number: str) -> None:
    with pytest.raises(ValidationError) as err:
        card("visa", "4242", number, BRANDS)
    assert err.value.field == "card_auth"


def test_full_card_number_as_brand_refused() -> None:
    with pytest.raises(ValidationError) as err:
        card("visa 4242424242424242", "4242", "123456")
    assert err.value.field == "card_brand"


@pytest.mark.parametrize(("last4", "field"), [
    ("424", "card_last4"), ("42424", "card_last4"), ("1234567812345678", "card_last4"),
    ("abcd", "card_last4"), ("４２４２", "card_last4"), ("", "card_last4"),
])
def test_last4_must_be_four_digits(last4: str, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        card("visa", last4, "123456")
    assert err.value.field == field


@pytest.mark.parametrize("auth", ["", "123", "ABCDEFGHIJKLM", "12-34!", "ÑAND12"])
def test_auth_code_refused(auth: str) -> None:
    with pytest.raises(ValidationError) as err:
        card("visa", "4242", auth)
    assert err.value.field == "card_auth"


@pytest.mark.parametrize("auth", ["1234", "A1B2C3", "123456789012", "T01234"])
def test_auth_code_accepted(auth: str) -> None:
    assert card("visa", "4242", auth).auth_code == auth


def test_brand_must_be_configured() -> None:
    with pytest.raises(ValidationError, match="visa"):
        card("discover", "4242", "123456", BRANDS)
    with pytest.raises(ValidationError) as err:
        card("", "4242", "123456", BRANDS)
    assert err.value.field == "card_brand"


@pytest.mark.parametrize(("text", "found"), [
    ("4242424242424242", True),
    ("5555 5555 5555 4444", True),
    ("ref 4111-1111-1111-1111 ok", True),
    ("4242", False),
    ("1234567812345678", False),  # 16 digits failing Luhn: an operation number, not a card
    ("", False),
    ("A1B2C3", False),
])
def test_contains_card_number(text: str, found: bool) -> None:
    assert contains_card_number(text) is found


@given(st.text())
def test_contains_card_number_never_crashes(text: str) -> None:
    assert contains_card_number(text) in (True, False)


@given(st.text(alphabet="0123456789 -", max_size=60))
def test_contains_card_number_digit_runs(text: str) -> None:
    assert contains_card_number(text) in (True, False)


@given(st.text(), st.text(), st.text())
def test_card_never_crashes(brand: str, last4: str, auth: str) -> None:
    try:
        paid = card(brand, last4, auth, BRANDS)
    except ValidationError:
        return
    assert len(paid.last4) == 4 and paid.last4.isdigit()
    assert not contains_card_number(paid.auth_code)


@given(st.from_regex(r"\A[0-9]{4}\Z"), st.from_regex(r"\A[A-Z0-9]{4,12}\Z"))
def test_valid_cards_accepted(last4: str, auth: str) -> None:
    if contains_card_number(auth):  # 12 digits can never be a card; kept for clarity
        return
    assert card("visa", last4, auth).last4 == last4


# -- wallets -------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "op"), [
    ("yape", "12345678"), ("Yape", "0012 3456"), ("plin", "9876-5432"), (Method.PLIN, "1234"),
])
def test_wallet_operation_numbers(method: str, op: str) -> None:
    paid = wallet(method, op)
    assert paid.op_number.isdigit() and paid.method in (Method.YAPE, Method.PLIN)


@pytest.mark.parametrize("op", ["", "123", "A1234567", "123456789012345678901", "１２３４５"])
def test_wallet_operation_number_refused(op: str) -> None:
    with pytest.raises(ValidationError) as err:
        wallet("yape", op)
    assert err.value.field == "op_number"


def test_wallet_needs_a_wallet_method() -> None:
    with pytest.raises(ValidationError) as err:
        wallet("cash", "12345678")
    assert err.value.field == "method"


@given(st.text(), st.text())
def test_wallet_never_crashes(method: str, op: str) -> None:
    try:
        wallet(method, op)
    except ValidationError:
        pass


# -- method --------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "method"), [
    ("cash", Method.CASH), ("Efectivo", Method.CASH), ("TARJETA", Method.CARD),
    (" yape ", Method.YAPE), ("plin", Method.PLIN),
])
def test_parse_method(typed: str, method: Method) -> None:
    assert parse_method(typed) is method


@pytest.mark.parametrize("typed", ["", "bitcoin", "credito", None])
def test_unknown_method(typed: str | None) -> None:
    with pytest.raises(ValidationError) as err:
        parse_method(typed)  # type: ignore[arg-type]
    assert err.value.field == "method"


@given(st.text())
def test_parse_method_never_crashes(text: str) -> None:
    try:
        parse_method(text)
    except ValidationError:
        pass
