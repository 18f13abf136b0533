"""The sale screen's form on its own (issue 11): no app, no Pilot, no ledger.

`SaleForm` takes the shop's settings as plain values (`DraftRules`: operators with their
amounts, payment methods, card brands, the ID rule) and builds its draft with the same
builder as `pos sell` (`pos.domain.draft.build_draft`). Messages are the clerk's (Spanish:
the autouse `spanish` fixture of tests/tui/conftest.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos.domain.draft import DraftRules, TypedSale, build_draft
from pos.domain.errors import ValidationError
from pos.domain.identity import DocType, IdDocument
from pos.domain.payment import CardPayment, CashPayment, Method, WalletPayment
from pos.domain.sale import Operator
from pos.tui.sale_form import ORDER, SaleForm

CLARO = Operator("claro", "Claro", "1", Decimal("3"), Decimal("300"),
                 (Decimal("5"), Decimal("10"), Decimal("20")))
MOVISTAR = Operator("movistar", "Movistar", "2", Decimal("5"), Decimal("200"),
                    (Decimal("5"), Decimal("10")))
OPERATORS = {"claro": CLARO, "movistar": MOVISTAR}
RULES = DraftRules(OPERATORS, ("cash", "card", "yape", "plin"), ("visa", "mastercard"),
                   require_id=True)


def typed(form: SaleForm, text: str) -> list[bool]:
    return [form.type(char) for char in text]


def at_payment(rules: DraftRules = RULES, amount_key: int = 2) -> SaleForm:
    """Claro, 987 654 321, the amount preset F`amount_key`, DNI 45678912: on the payment."""
    form = SaleForm(rules)
    typed(form, "1987654321")
    form.choose(amount_key)
    typed(form, "45678912")
    assert form.enter() is False
    assert form.step == "tendered"  # cash, the shop's default
    return form


# -- field order ----------------------------------------------------------------------------


def test_field_order_follows_the_payment_method() -> None:
    form = SaleForm(RULES)
    base = ("operator", "phone", "amount", "id")
    assert form.steps == (*base, "tendered")
    form = at_payment()
    assert form.choose(2) is True  # F2 Tarjeta
    assert form.method is Method.CARD and form.step == "card_brand"
    assert form.steps == (*base, "card_brand", "card_last4", "card_auth")
    assert form.choose(3) is True  # F3 Yape
    assert form.steps == (*base, "op_number") and form.step == "op_number"
    assert set(form.steps) <= set(ORDER)


def test_escape_walks_back_and_keeps_the_values() -> None:
    form = at_payment()
    assert form.back() is True and form.step == "id"
    assert form.back() is True and form.step == "amount"
    assert form.text["amount"] == "10.00" and form.text["id"] == "45678912"
    form.go_to("operator")
    assert form.back() is False and form.step == "operator"


# -- the fast path and the one builder --------------------------------------------------------


def test_a_fast_cash_sale_builds_the_same_draft_as_the_command_line() -> None:
    form = at_payment()
    assert form.enter() is True  # Enter on the cash field: exact cash, the sale is ready
    draft = form.draft()
    assert draft.operator is CLARO
    assert draft.phone.digits == "987654321"
    assert draft.amount == Decimal("10.00")
    assert draft.payment == CashPayment(tendered=Decimal("10.00"), change=Decimal("0.00"))
    assert draft.id_document == IdDocument(DocType.DNI, "45678912")
    # `pos sell --operator claro --phone 987654321 --amount 10 --id dni:45678912`
    cli = build_draft(TypedSale("claro", "987654321", "10", "efectivo",
                                id_spec="dni:45678912"), RULES)
    assert cli == draft


def test_typed_fields_are_what_the_builder_gets() -> None:
    form = at_payment()
    typed(form, "50")
    sale = form.typed()
    assert (sale.operator, sale.phone, sale.amount, sale.method) == (CLARO, "987654321",
                                                                     "10.00", "cash")
    assert (sale.id_type, sale.id_number, sale.tendered) == ("dni", "45678912", "50")
    assert build_draft(sale, RULES) == form.draft()


def test_repeat_starts_at_the_document_with_the_past_sale() -> None:
    form = SaleForm(RULES)
    first_request = form.request_id
    form.repeat(MOVISTAR, "912345678", Decimal("15"))
    assert form.step == "id" and form.operator is MOVISTAR
    assert form.text["phone"] == "912345678" and form.text["amount"] == "15.00"
    assert form.request_id != first_request  # a new sale, never the old one's id
    typed(form, "45678912")
    form.enter()
    assert form.enter() is True
    assert form.draft().amount == Decimal("15.00")


def test_every_edit_makes_a_new_request_id() -> None:
    form = SaleForm(RULES)
    ids = {form.request_id}
    typed(form, "19")
    ids.add(form.request_id)
    form.backspace()
    ids.add(form.request_id)
    form.reset()
    ids.add(form.request_id)
    assert len(ids) == 4


# -- validation messages --------------------------------------------------------------------


def test_an_unknown_operator_key_is_refused_with_its_reason() -> None:
    form = SaleForm(RULES)
    assert form.type("7") is False
    assert form.refused and form.step == "operator" and form.operator is None
    assert form.errors["operator"] == "Operador desconocido '7': pulse su tecla de número."
    assert form.type("2") is True and form.operator is MOVISTAR and form.step == "phone"
    assert "operator" not in form.errors


def test_phone_digits_only_starting_with_9_and_never_a_tenth() -> None:
    form = SaleForm(RULES)
    form.type("1")
    form.type("a")
    assert form.refused and form.text["phone"] == ""
    assert form.errors["phone"] == "El número de celular solo lleva dígitos, p. ej. 987 654 321."
    typed(form, "8")
    assert form.errors["phone"] == "Un número de celular empieza con 9."
    form.backspace()
    typed(form, "987654321")
    assert "phone" not in form.errors and form.step == "phone"  # no auto-advance: Enter
    assert form.type("1") is False and form.refused
    assert form.text["phone"] == "987654321"
    assert form.errors["phone"] == "Celular completo (9 dígitos): Enter o F1–F5."
    assert form.rows()[1].value == "987 654 321"


def test_amount_limits_come_from_the_operator() -> None:
    form = SaleForm(RULES)
    typed(form, "2912345678")
    form.enter()
    assert form.step == "amount"
    typed(form, "250")  # Movistar goes to S/ 200
    assert form.errors["amount"] == "Las recargas Movistar van de S/ 5.00 a S/ 200.00."
    assert form.enter() is False and form.step == "amount"
    form.backspace()
    form.backspace()
    form.backspace()
    typed(form, "4")  # below Movistar's S/ 5
    assert form.enter() is False and form.step == "amount"
    assert form.errors["amount"] == "Las recargas Movistar van de S/ 5.00 a S/ 200.00."
    form.backspace()
    typed(form, "20.5")
    assert form.type("0") is False and form.text["amount"] == "20.50"  # Enter moves on
    assert form.type("1") is False and form.refused  # a third decimal
    assert form.errors["amount"] == "Máximo dos decimales (céntimos), p. ej. 20.50."
    assert form.type(",") is False  # a second separator
    assert form.errors["amount"] == "'20.50,' no es un monto: use números, p. ej. 20 o 20.50."
    assert form.enter() is False and form.step == "id"
    assert form.amount == Decimal("20.50")


def test_amount_presets_are_the_operators() -> None:
    form = SaleForm(RULES)
    typed(form, "1987654321")
    form.enter()
    assert [label for label, _value in form.choices()] == ["S/ 5.00", "S/ 10.00", "S/ 20.00"]
    assert form.choose(4) is False and form.refused  # Claro has three presets
    form.choose(3)
    assert form.text["amount"] == "20.00" and form.step == "id"


def test_the_dni_takes_eight_digits_and_an_impossible_one_is_named() -> None:
    form = SaleForm(RULES)
    typed(form, "1987654321")
    form.choose(1)
    typed(form, "0000000")
    form.type("0")
    assert form.errors["id"] == "Ningún documento tiene ese número: revíselo."
    assert form.type("1") is False and form.refused
    assert form.errors["id"] == "DNI completo (8 dígitos): Enter para seguir."
    assert form.enter() is False and form.step == "id"
    form.choose(3)  # F3: passport, the number typed again
    assert form.doc_type is DocType.PASSPORT and form.text["id"] == ""
    typed(form, "ab12345")
    assert form.enter() is False and form.step == "tendered"
    assert form.document() == IdDocument(DocType.PASSPORT, "AB12345")


def test_the_id_is_required_only_when_the_shop_says_so() -> None:
    form = SaleForm(RULES)
    typed(form, "1987654321")
    form.choose(1)
    assert form.enter() is False and form.step == "id"
    assert form.errors["id"] == "Esta tienda exige el documento de identidad del cliente."
    relaxed = SaleForm(DraftRules(OPERATORS, RULES.methods, RULES.card_brands,
                                  require_id=False))
    typed(relaxed, "1987654321")
    relaxed.choose(1)
    assert relaxed.enter() is False and relaxed.step == "tendered"
    assert relaxed.enter() is True
    assert relaxed.draft().id_document is None


# -- payments -------------------------------------------------------------------------------


def test_cash_shows_the_change_live_and_refuses_too_little() -> None:
    form = at_payment()  # S/ 10
    typed(form, "5")
    assert form.change() is None
    assert form.rows()[-1].value.endswith("(falta)")
    assert form.enter() is False and form.step == "tendered"
    assert form.errors["tendered"] == "Lo recibido (S/ 5.00) es menor que el monto (S/ 10.00)."
    typed(form, "0")
    assert form.change() == Decimal("40.00")
    assert form.rows()[-1].value == "Efectivo  Recibido: 50  →  Vuelto: S/ 40.00"
    assert form.enter() is True
    assert form.draft().payment == CashPayment(Decimal("50"), Decimal("40.00"))


def test_card_brand_last4_and_auth_never_a_full_number() -> None:
    form = at_payment()
    form.choose(2)
    assert form.type("3") is False and form.refused  # two brands configured
    assert form.errors["card_brand"] == ("Marca de tarjeta desconocida '3': pulse su tecla "
                                         "de número.")
    assert form.type("2") is True and form.card_brand == "mastercard"
    assert form.step == "card_last4"
    typed(form, "42424")  # a full card number being typed: cleared at the 5th digit
    assert form.pan_blocked and form.text["card_last4"] == ""
    assert form.errors["card_last4"] == "Tarjeta completa borrada: Enter y solo los últimos 4."
    assert form.type("4") is False and form.text["card_last4"] == ""
    assert form.enter() is False and not form.pan_blocked
    typed(form, "424")
    assert form.enter() is False and form.step == "card_last4"
    assert form.errors["card_last4"] == "Últimos 4 dígitos de la tarjeta: exactamente 4 dígitos."
    typed(form, "2")
    assert form.enter() is False and form.step == "card_auth"
    assert form.type("-") is False
    assert form.errors["card_auth"] == ("El código de autorización tiene de 4 a 12 letras o "
                                        "dígitos.")
    typed(form, "ab1")
    assert form.enter() is False and form.step == "card_auth"
    assert form.errors["card_auth"] == ("El código de autorización tiene de 4 a 12 letras o "
                                        "dígitos.")
    typed(form, "2cd")
    assert form.enter() is True
    assert form.draft().payment == CardPayment("mastercard", "4242", "AB12CD")


def test_a_wallet_takes_its_operation_number() -> None:
    form = at_payment()
    form.choose(4)  # F4 Plin
    assert form.method is Method.PLIN and form.step == "op_number"
    assert form.type("x") is False
    assert form.errors["op_number"] == "El número de operación tiene de 4 a 20 dígitos."
    typed(form, "123")
    assert form.enter() is False
    assert form.errors["op_number"] == "El número de operación tiene de 4 a 20 dígitos."
    typed(form, "45678")
    assert form.enter() is True
    assert form.draft().payment == WalletPayment(Method.PLIN, "12345678")


def test_the_payment_methods_and_their_order_are_the_shops() -> None:
    rules = DraftRules(OPERATORS, ("yape", "card"), ("visa",), require_id=False)
    form = SaleForm(rules)
    assert form.method is Method.YAPE  # no cash in this shop: its first method
    assert form.steps[-1] == "op_number"
    typed(form, "1987654321")
    form.choose(1)
    form.enter()
    assert [label for label, _value in form.choices()] == ["Yape", "Tarjeta"]
    assert form.rows()[-1].hint == "F1 Yape  F2 Tarjeta"
    assert form.choose(3) is False and form.refused
    with pytest.raises(ValidationError) as refused:
        build_draft(TypedSale("claro", "987654321", "10", "cash"), rules)
    assert refused.value.field == "method"
    assert refused.value.message == "Esta tienda no acepta Efectivo."


def test_the_first_wrong_field_is_where_the_form_goes_back_to() -> None:
    form = at_payment()
    form.text["phone"] = "812345678"  # changed behind the form's back
    with pytest.raises(ValidationError) as wrong:
        form.draft()
    assert wrong.value.field == "phone"
    assert form.enter() is False and form.step == "phone"
    assert form.errors["phone"] == "Un número de celular empieza con 9."


def test_rules_from_a_real_config(make_settings: object) -> None:
    """The form works from the shop's config.toml as the app hands it over."""
    settings = make_settings()  # type: ignore[operator]
    rules = DraftRules(settings.operators, tuple(settings.payments.methods),
                       tuple(settings.payments.card_brands), settings.shop.require_id)
    form = SaleForm(rules)
    first = next(iter(settings.operators.values()))
    assert form.type(first.key) is True and form.operator == first
    assert form.rows()[0].value == first.name
