"""The payment registry: every method is one entry that the whole program asks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos.domain.errors import ValidationError
from pos.domain.payment import (
    PAYMENT_METHODS,
    CardPayment,
    CashPayment,
    Method,
    WalletPayment,
    payment_columns,
    payment_method,
    payment_rows,
    payment_steps,
)
from pos.i18n import set_locale


@pytest.fixture(autouse=True)
def spanish():
    set_locale("es")
    yield
    set_locale("es")


def test_every_method_has_exactly_one_entry():
    assert set(PAYMENT_METHODS) == {m.value for m in Method}
    for key, entry in PAYMENT_METHODS.items():
        assert entry.method.value == key
        assert entry.steps, key
        assert {field for field, _ in entry.max_len} <= set(entry.steps)


def test_steps_in_form_order():
    assert payment_steps() == ("tendered", "card_brand", "card_last4", "card_auth", "op_number")


def test_cash_builds_change_and_columns_in_cents():
    payment = payment_method("efectivo").build(Decimal("15.50"), {"tendered": "20"}, ())
    assert payment == CashPayment(Decimal("20"), Decimal("4.50"))
    assert payment_columns(payment) == {"tendered_cents": 2000, "change_cents": 450}
    assert payment_rows("cash", payment_columns(payment)) == [
        ("Pagó con", "Efectivo"), ("Recibido", "S/ 20.00"), ("Vuelto", "S/ 4.50")]


def test_cash_without_tendered_is_the_exact_amount():
    payment = payment_method(Method.CASH).build(Decimal("10"), {}, ())
    assert payment_columns(payment) == {"tendered_cents": 1000, "change_cents": 0}


def test_card_columns_rows_and_refund():
    payment = payment_method("tarjeta").build(
        Decimal("10"), {"card_brand": "Visa", "card_last4": "4242", "card_auth": "ab12"},
        ("visa", "mastercard"))
    assert payment == CardPayment("visa", "4242", "AB12")
    stored = payment_columns(payment)
    assert stored == {"card_brand": "visa", "card_last4": "4242", "card_auth": "AB12"}
    assert payment_rows("card", stored)[1:] == [("Tarjeta", "VISA **** 4242"),
                                                ("Autorización", "AB12")]
    assert "AB12" in payment_method("card").refund("S/ 10.00", stored)


def test_card_refuses_a_full_number_in_any_box():
    with pytest.raises(ValidationError):
        payment_method("card").build(Decimal("10"), {"card_brand": "visa",
                                                     "card_last4": "4111111111111111",
                                                     "card_auth": "AB12"}, ())


@pytest.mark.parametrize("key,label", [("yape", "Yape"), ("plin", "Plin")])
def test_wallets(key, label):
    entry = payment_method(key)
    payment = entry.build(Decimal("10"), {"op_number": "1234 5678"}, ())
    assert payment == WalletPayment(Method(key), "12345678")
    assert payment_rows(key, payment_columns(payment)) == [
        ("Pagó con", label), ("N.º de operación", "12345678")]
    assert label in entry.refund("S/ 10.00", {"op_number": "12345678"})


def test_unknown_method_is_a_clear_message():
    with pytest.raises(ValidationError) as info:
        payment_method("bitcoin")
    assert info.value.field == "method"


def test_english_labels():
    set_locale("en")
    assert payment_rows("cash", {"tendered_cents": 500, "change_cents": 0})[0] == (
        "Paid with", "Cash")
