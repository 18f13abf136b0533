"""Every field refuses bad input as it is typed, says why in Spanish, and nothing is sold."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.conftest import SIZE, login, pilot_test, screen_text, settle

PHONE, DNI = list("987654321"), list("45678912")

# (keys, field the form stays on, part of the Spanish message shown)
REFUSALS = [
    (["7"], "operator", "Operador desconocido"),
    (["1", "8"], "phone", "empieza con 9"),
    (["1", "9", "x"], "phone", "solo lleva dígitos"),
    (["1", *"98765", "enter"], "phone", "9 dígitos"),
    (["1", *PHONE, "enter", *"500"], "amount", "van de S/ 3.00 a S/ 300.00"),
    (["1", *PHONE, "enter", "2", "enter"], "amount", "van de S/ 3.00 a S/ 300.00"),
    (["1", *PHONE, "enter", "enter"], "amount", "Ingrese un monto"),
    (["1", *PHONE, "enter", "a"], "amount", "no es un monto"),
    (["1", *PHONE, "f2", "A"], "id", "El DNI tiene 8 dígitos"),
    (["1", *PHONE, "f2", "enter"], "id", "exige el documento"),
    (["1", *PHONE, "f2", "f2", *"1234", "enter"], "id", "carné de extranjería"),
    (["1", *PHONE, "f2", *DNI, "enter", *"5", "enter"], "tendered", "es menor que el monto"),
    (["1", *PHONE, "f2", *DNI, "enter", "f2", "9"], "card_brand", "Marca de tarjeta desconocida"),
    (["1", *PHONE, "f2", *DNI, "enter", "f2", "1", "x"], "card_last4", "4 dígitos de la tarjeta"),
    (["1", *PHONE, "f2", *DNI, "enter", "f2", "1", *"4242", "enter", *"12", "enter"], "card_auth",
     "código de autorización"),
    (["1", *PHONE, "f2", *DNI, "enter", "f3", *"12", "enter"], "op_number", "número de operación"),
]


@pytest.mark.parametrize(("keys", "step", "message"), REFUSALS,
                         ids=[f"{r[1]}-{i}" for i, r in enumerate(REFUSALS)])
@pilot_test
async def test_refused_at_the_field(shop: Any, make_app: Any, keys: list[str], step: str,
                                    message: str) -> None:
    from pos.tui.screens.sale import SaleScreen

    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press(*keys)
        form = app.screen.form
        assert form.step == step
        assert message in form.errors.get(step, ""), form.errors
        assert message in screen_text(app)
        await pilot.press("enter")  # Enter does not get past a wrong field either
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)
        assert form.step == step and form.errors.get(step)
    assert shop.history() == []


@pilot_test
async def test_messages_in_english(shop: Any, make_app: Any) -> None:
    from pos.i18n import set_locale

    set_locale("en")
    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("1", "8")
        assert "A mobile number starts with 9." in screen_text(app)
        assert "Phone" in screen_text(app)


@pilot_test
async def test_full_card_number_is_refused(shop: Any, make_app: Any) -> None:
    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("1", *PHONE, "f2", *DNI, "enter", "f2", "1", *"4111111111111111")
        form = app.screen.form
        # The 5th digit stops it and nothing of the number is kept.
        assert form.step == "card_last4"
        assert "Enter y solo los últimos 4" in form.errors["card_last4"]
        assert "1111" not in form.text["card_last4"] + form.text["card_auth"]
        assert "solo los últimos 4" in screen_text(app)  # said on screen, not silently locked
        await pilot.press("enter")  # the number is gone: the field takes digits again
        assert form.step == "card_last4" and form.text["card_last4"] == ""
        await pilot.press(*"1111", "enter")
        assert form.step == "card_auth" and form.text["card_last4"] == "1111"
    assert shop.history() == []
