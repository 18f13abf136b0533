"""Typing that cannot go wrong (issue 14): a full field refuses more keys with a bell and a
reason, nothing typed spills into the next field, and a burst of keys (a laggy remote
terminal, a scanner, a macro) lands exactly as if typed slowly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.tui.conftest import burst, pilot_test, screen_text, settle, signed_in


def bells(app: Any) -> list[int]:
    """Count the bells the app rings (Textual's bell writes to the terminal)."""
    rung: list[int] = []
    original = app.bell

    def bell() -> None:
        rung.append(1)
        original()

    app.bell = bell
    return rung


def confirm_draft(app: Any) -> Any:
    from pos.tui.screens.confirm import ConfirmScreen

    assert isinstance(app.screen, ConfirmScreen), type(app.screen).__name__
    return app.screen.draft


@pilot_test
async def test_a_doubled_phone_digit_is_refused_not_carried(open_shop: Any,
                                                             make_app: Any) -> None:
    app = make_app(open_shop)
    async with signed_in(app) as pilot:
        rung = bells(app)
        # The case: a 10th digit (the last key pressed twice), then "10", Enter.
        await pilot.press("1", *"9876543211")
        form = app.screen.form
        assert form.step == "phone" and form.text["phone"] == "987654321"
        assert rung == [1]
        assert "Celular completo (9 dígitos)" in screen_text(app)
        await pilot.press(*"1111")  # held down: each one refused, the phone unchanged
        assert form.text["phone"] == "987654321" and len(rung) == 5
        assert form.text["amount"] == ""
        await pilot.press("enter", *"10", "enter", *"45678912", "enter", "enter")
        draft = confirm_draft(app)
        assert draft.phone.digits == "987654321" and draft.amount == Decimal("10.00")


@pilot_test
async def test_a_doubled_dni_digit_is_refused_not_carried(open_shop: Any,
                                                           make_app: Any) -> None:
    app = make_app(open_shop)
    async with signed_in(app) as pilot:
        rung = bells(app)
        await pilot.press("1", *"987654321", "f2", *"456789122")
        form = app.screen.form
        assert form.step == "id" and form.text["id"] == "45678912"
        assert form.text["tendered"] == "" and rung == [1]
        assert "DNI completo (8 dígitos)" in screen_text(app)
        await pilot.press("enter", "enter")  # on to the cash, Enter = exact
        draft = confirm_draft(app)
        assert draft.id_document.number == "45678912"
        assert draft.payment.tendered == Decimal("10.00")


@pilot_test
async def test_impossible_dni_is_refused_at_the_field(open_shop: Any, make_app: Any) -> None:
    app = make_app(open_shop)
    async with signed_in(app) as pilot:
        await pilot.press("1", *"987654321", "f2", *"00000000", "enter")
        form = app.screen.form
        assert form.step == "id"
        assert "Ningún documento tiene ese número" in form.errors["id"]


@pilot_test
async def test_three_decimals_are_refused_with_their_reason(open_shop: Any,
                                                            make_app: Any) -> None:
    app = make_app(open_shop)
    async with signed_in(app) as pilot:
        rung = bells(app)
        await pilot.press("1", *"987654321", "enter", *"20.505")
        form = app.screen.form
        assert form.text["amount"] == "20.50" and rung == [1]
        assert "Máximo dos decimales" in form.errors["amount"]


@pilot_test
async def test_a_whole_cash_sale_in_one_burst(open_shop: Any, make_app: Any) -> None:
    """Operator to confirmation with no pause: digits right after F-keys, Enter between."""
    app = make_app(open_shop)
    async with signed_in(app) as pilot:
        await burst(pilot, ["1", *"987654321", "f3", *"45678912", "enter", *"50", "enter"])
        draft = confirm_draft(app)
        assert (draft.operator.code, draft.phone.digits) == ("claro", "987654321")
        assert draft.amount == Decimal("20.00")
        assert draft.id_document.number == "45678912"
        assert (draft.payment.tendered, draft.payment.change) == (Decimal("50.00"),
                                                                  Decimal("30.00"))


@pilot_test
async def test_typed_amount_enter_and_dni_in_one_burst(open_shop: Any, make_app: Any) -> None:
    """The issue's case: `20`, Enter, `41234567` sent together gave S/ 204.00, DNI 1234567."""
    app = make_app(open_shop)
    async with signed_in(app) as pilot:
        await burst(pilot, ["2", *"912345678", "enter", *"20", "enter", *"41234567", "enter",
                            "enter"])
        draft = confirm_draft(app)
        assert draft.amount == Decimal("20.00")
        assert draft.id_document.number == "41234567"


@pilot_test
async def test_a_card_sale_in_one_burst(open_shop: Any, make_app: Any) -> None:
    app = make_app(open_shop)
    async with signed_in(app) as pilot:
        await burst(pilot, ["3", *"998877665", "f2", *"45678912", "enter", "f2", "1",
                            *"4242", "enter", *"a1b2c3", "enter"])
        draft = confirm_draft(app)
        payment = draft.payment
        assert (payment.brand, payment.last4, payment.auth_code) == ("visa", "4242", "A1B2C3")
        assert draft.amount == Decimal("10.00")


@pilot_test
async def test_a_burst_through_the_confirmation_sells_once(open_shop: Any, make_app: Any,
                                                          printed: Any) -> None:
    """The confirming Enter in the same burst reaches the confirmation, not the sale form
    (the anti-bounce delay is off in these tests), and commits exactly once."""
    from pos.tui.screens.receipt import ReceiptScreen

    app = make_app(open_shop)
    async with signed_in(app) as pilot:
        await burst(pilot, ["1", *"987654321", "f2", *"45678912", "enter", "enter", "enter",
                            "enter"])
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen)
    (sale,) = open_shop.history()
    assert (sale.entry.phone, sale.entry.amount_cents) == ("987654321", 1000)


@pilot_test
async def test_refused_card_number_then_the_last_four(open_shop: Any, make_app: Any) -> None:
    app = make_app(open_shop)
    async with signed_in(app) as pilot:
        rung = bells(app)
        await burst(pilot, ["1", *"987654321", "f2", *"45678912", "enter", "f2", "1",
                            *"4111111111111111"])
        form = app.screen.form
        assert form.step == "card_last4" and form.text["card_last4"] == ""
        assert len(rung) == 12  # the 5th digit and every one after it
        assert "Enter y solo los últimos 4" in screen_text(app)
        await pilot.press("enter", *"1111", "enter", *"A1B2C3", "enter")
        assert confirm_draft(app).payment.last4 == "1111"
