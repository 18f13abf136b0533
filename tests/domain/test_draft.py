"""The one draft builder (issue 11): what was typed + the shop's rules → a SaleDraft, or the
first wrong field's ValidationError. `pos sell` and the sale screen both go through it."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from pos.domain.draft import DraftRules, TypedSale, build_draft, split_card_spec
from pos.domain.errors import ValidationError
from pos.domain.identity import DocType, IdDocument
from pos.domain.payment import CardPayment, CashPayment, Method, WalletPayment
from pos.domain.sale import Operator

CLARO = Operator("claro", "Claro", "1", Decimal(3), Decimal(300), (Decimal(5),))
BITEL = Operator("bitel", "Bitel", "4", Decimal(1), Decimal(300))
RULES = DraftRules({"claro": CLARO, "bitel": BITEL}, ("cash", "card", "yape"),
                   ("visa", "mastercard"), require_id=True)
DOMAIN = Path(__file__).resolve().parents[2] / "pos" / "domain"


def field_of(typed: TypedSale, rules: DraftRules = RULES) -> str:
    with pytest.raises(ValidationError) as refused:
        build_draft(typed, rules)
    return refused.value.field


def test_a_cash_sale_with_change() -> None:
    draft = build_draft(TypedSale("claro", "987 654 321", "20", "efectivo", tendered="50",
                                  id_spec="dni:45678912"), RULES)
    assert draft.operator is CLARO and draft.phone.digits == "987654321"
    assert draft.amount == Decimal("20.00")
    assert draft.payment == CashPayment(Decimal("50.00"), Decimal("30.00"))
    assert draft.id_document == IdDocument(DocType.DNI, "45678912")


def test_no_tendered_means_the_exact_amount() -> None:
    draft = build_draft(TypedSale(BITEL, "912345678", "1.50", "cash",
                                  id_type="passport", id_number="ab12345"), RULES)
    assert draft.operator is BITEL
    assert draft.payment == CashPayment(Decimal("1.50"), Decimal("0.00"))
    assert draft.id_document == IdDocument(DocType.PASSPORT, "AB12345")


def test_the_card_in_either_form_is_the_same_payment() -> None:
    compact = build_draft(TypedSale("1", "987654321", "10", "tarjeta",
                                    card_spec="visa:4242:123456", id_spec="dni:45678912"),
                          RULES)
    fields = build_draft(TypedSale("1", "987654321", "10", "card", card_brand="visa",
                                   card_last4="4242", card_auth="123456",
                                   id_type="dni", id_number="45678912"), RULES)
    assert compact == fields
    assert compact.payment == CardPayment("visa", "4242", "123456")


def test_the_card_spec_is_brand_last4_auth_and_never_a_full_number() -> None:
    assert split_card_spec("visa:4242:123456") == ("visa", "4242", "123456")
    for spec in ("", "visa:4242", "visa:4242:12:34"):
        with pytest.raises(ValidationError) as wrong:
            split_card_spec(spec)
        assert wrong.value.field == "card"
    with pytest.raises(ValidationError) as full:
        split_card_spec("visa:4111111111111111:123456")
    assert full.value.field == "card"


def test_a_wallet_payment() -> None:
    draft = build_draft(TypedSale("claro", "987654321", "5", "yape", op_number="00123456",
                                  id_spec="dni:45678912"), RULES)
    assert draft.payment == WalletPayment(Method.YAPE, "00123456")


def test_fields_are_checked_in_the_sales_order() -> None:
    """Everything wrong at once: the operator is named first, then each next field."""
    wrong = dict(operator="9", phone="12", amount="0", method="bitcoin", id_spec="dni:1",
                 tendered="x")
    order = []
    for name, good in (("operator", "claro"), ("phone", "987654321"), ("amount", "10"),
                       ("id", "dni:45678912"), ("method", "cash"), ("tendered", "20")):
        order.append(field_of(TypedSale(**wrong)))
        wrong["id_spec" if name == "id" else name] = good
    assert order == ["operator", "phone", "amount", "id", "method", "tendered"]
    assert build_draft(TypedSale(**wrong), RULES).payment == CashPayment(Decimal("20.00"),
                                                            Decimal("10.00"))


def test_the_id_rule_comes_last_and_only_when_the_shop_requires_it() -> None:
    no_id = TypedSale("claro", "987654321", "10", "card", card_spec="visa:4242")
    assert field_of(no_id) == "card"  # the payment is named before the missing ID
    paid = TypedSale("claro", "987654321", "10", "cash")
    assert field_of(paid) == "id"
    relaxed = DraftRules(RULES.operators, RULES.methods, RULES.card_brands, require_id=False)
    assert build_draft(paid, relaxed).id_document is None


def test_only_the_shops_methods_and_brands() -> None:
    assert field_of(TypedSale("claro", "987654321", "10", "plin", op_number="1234",
                              id_spec="dni:45678912")) == "method"
    assert field_of(TypedSale("claro", "987654321", "10", "card",
                              card_spec="amex:1234:123456",
                              id_spec="dni:45678912")) == "card_brand"
    assert RULES.default_method is Method.CASH
    assert DraftRules(RULES.operators, ("yape", "card")).default_method is Method.YAPE


def test_the_domain_imports_nothing_of_pos_but_itself_and_i18n() -> None:
    offences = []
    for path in sorted(DOMAIN.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom)
                     and not node.level else [])
            for name in names:
                if (name == "pos" or name.startswith("pos.")) and not (
                        name.startswith("pos.domain") or name == "pos.i18n"):
                    offences.append(f"{path.name}: {name}")
    assert offences == []
