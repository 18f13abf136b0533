"""Shop, the use cases: selling, voiding, looking up, clerks. Refusals store nothing."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from pos.domain.errors import ValidationError
from pos.domain.identity import parse_document
from pos.ledger.models import Clerk, JournalEntry, PrintJob
from pos.services import AuthError, ClerkView, Shop, normalise_ticket
from tests.conftest import FIXED_NOW

JUAN = ClerkView("Juan", "clerk")
ROSA = ClerkView("Rosa", "manager")
SALE = dict(operator="claro", phone="987 654 321", amount="20", id_spec="dni:45678912")


def count(shop: Shop, model: type = JournalEntry) -> int:
    with Session(shop.engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def cash_sale(shop: Shop, **extra: Any) -> Any:
    draft = shop.build_draft(**{**SALE, "method": "cash", "tendered": "50", **extra})
    return shop.sell(JUAN, draft, print_now=False)


# -- selling -------------------------------------------------------------------------------

def test_sell_cash(shop: Shop) -> None:
    result = cash_sale(shop)
    e = result.entry
    assert result.ticket == "R001-00000002" and result.change == Decimal("30.00")  # 1: shift
    assert (e.kind, e.clerk, e.operator, e.phone, e.method) == (
        "sale", "Juan", "claro", "987654321", "cash")
    assert (e.amount_cents, e.tendered_cents, e.change_cents) == (2000, 5000, 3000)
    assert e.created_at == "2026-11-25T15:30:00.000000Z"
    assert e.business_date == "2026-11-25"
    assert (e.id_type, e.id_masked, e.id_number) == ("dni", "DNI *****912", None)
    assert e.card_last4 is None and e.op_number is None
    assert shop.verify().entries == 2


def test_sell_card(shop: Shop) -> None:
    draft = shop.build_draft(**SALE, method="tarjeta", card_spec="Visa:4242:a1b2c3")
    result = shop.sell(JUAN, draft, print_now=False)
    e = result.entry
    assert (e.method, e.card_brand, e.card_last4, e.card_auth) == ("card", "visa", "4242",
                                                                  "A1B2C3")
    assert e.tendered_cents is None and result.change == Decimal("0.00")


@pytest.mark.parametrize("method", ["yape", "plin"])
def test_sell_wallet(shop: Shop, method: str) -> None:
    draft = shop.build_draft(**SALE, method=method, op_number="0012 3456")
    e = shop.sell(JUAN, draft, print_now=False).entry
    assert (e.method, e.op_number) == (method, "00123456")


def test_sell_prints_after_commit(shop: Shop, printed: Any) -> None:
    draft = shop.build_draft(**SALE, method="cash", tendered="20")
    result = shop.sell(JUAN, draft)
    assert result.print_outcome is not None and result.print_outcome.printed
    receipts = printed()
    assert len(receipts) == 1 and list(receipts[0].barcodes) == ["R001-00000002"]
    assert "987 654 321" in receipts[0].text and "45678912" not in receipts[0].text


def test_business_date_is_lima(shop: Shop, clock: Any) -> None:
    from datetime import datetime

    clock.now = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # 22:00 on the 25th in Lima
    assert cash_sale(shop).entry.business_date == "2026-11-25"


def test_request_id_is_idempotent(shop: Shop) -> None:
    draft = shop.build_draft(**SALE, method="cash", tendered="50")
    first = shop.sell(JUAN, draft, request_id="tui-7f3a", print_now=False)
    again = shop.sell(JUAN, draft, request_id="tui-7f3a", print_now=False)
    assert not first.duplicate and again.duplicate
    assert again.ticket == first.ticket and again.job_id == first.job_id
    assert count(shop) == 2 and count(shop, PrintJob) == 2  # with the shift's
    assert not shop.sell(JUAN, draft, request_id="tui-7f3b", print_now=False).duplicate
    assert count(shop) == 3


def test_sequence_continues_across_reopen(shop: Shop) -> None:
    cash_sale(shop)
    shop.close()
    again = Shop.open(shop.settings, clock=shop.clock)
    try:
        assert cash_sale(again).ticket == "R001-00000003"
    finally:
        again.close()


# -- refusals: a clear field, and nothing stored --------------------------------------------

REFUSED = [
    # (what was typed, the field refused)
    (dict(phone="(01) 4567890"), "phone"),
    (dict(phone="98765432"), "phone"),
    (dict(phone="９８７６５４３２１"), "phone"),
    (dict(amount="2"), "amount"),
    (dict(amount="301"), "amount"),
    (dict(amount="-5"), "amount"),
    (dict(amount="NaN"), "amount"),
    (dict(amount="1e3"), "amount"),
    (dict(operator="tigo"), "operator"),
    (dict(id_spec="dni:1234567"), "id"),
    (dict(id_spec="ruc:20100070970"), "id"),
    (dict(id_spec=None), "id"),  # the shop requires an ID
    (dict(method="cash", tendered="10"), "tendered"),
    (dict(method="cash", tendered="abc"), "tendered"),
    (dict(method="card", card_spec="visa:4242424242424242:123456"), "card"),
    (dict(method="card", card_spec="visa:5555 5555 5555 4444:123456"), "card"),
    (dict(method="card", card_spec="visa:4242:4242424242424242"), "card"),
    (dict(method="card", card_spec="4242424242424242"), "card"),
    (dict(method="card", card_spec="visa:4242"), "card"),
    (dict(method="card", card_spec=None), "card"),
    (dict(method="card", card_spec="visa:42424:123456"), "card_last4"),
    (dict(method="card", card_spec="discover:4242:123456"), "card_brand"),
    (dict(method="card", card_spec="visa:4242:12"), "card_auth"),
    (dict(method="yape", op_number="12"), "op_number"),
    (dict(method="yape", op_number=None), "op_number"),
    (dict(method="bitcoin"), "method"),
]


@pytest.mark.parametrize(("typed", "field"), REFUSED)
def test_refused_and_nothing_stored(shop: Shop, typed: dict[str, Any], field: str) -> None:
    before = (count(shop), count(shop, PrintJob))
    fields = {**SALE, "method": "cash", **typed}
    with pytest.raises(ValidationError) as err:
        shop.sell(JUAN, shop.build_draft(**fields), print_now=False)
    assert err.value.field == field
    assert err.value.message
    assert (count(shop), count(shop, PrintJob)) == before


def test_id_not_required_when_the_shop_says_so(make_settings: Any) -> None:
    opened = Shop.open(make_settings(shop={"require_id": False}))
    try:
        opened.open_shift(JUAN, Decimal("0"), print_now=False)
        draft = opened.build_draft(**{**SALE, "id_spec": None}, method="cash")
        assert opened.sell(JUAN, draft, print_now=False).entry.id_masked is None
    finally:
        opened.close()


def test_disabled_payment_method(make_settings: Any) -> None:
    opened = Shop.open(make_settings(payments={"methods": ["cash"]}))
    try:
        with pytest.raises(ValidationError) as err:
            opened.build_draft(**SALE, method="yape", op_number="12345678")
        assert err.value.field == "method"
        assert "Yape" in err.value.message
        # a draft built elsewhere (another terminal's config) is checked again at sell time
        from pos.domain.payment import wallet
        from pos.domain.sale import SaleDraft

        ok = opened.build_draft(**SALE, method="cash")
        forged = SaleDraft(ok.operator, ok.phone, ok.amount, wallet("yape", "12345678"),
                           ok.id_document)
        with pytest.raises(ValidationError):
            opened.sell(JUAN, forged, print_now=False)
        assert count(opened) == 0
    finally:
        opened.close()


def test_sell_rechecks_a_hand_made_draft(shop: Shop) -> None:
    from pos.domain.payment import CashPayment
    from pos.domain.sale import SaleDraft

    ok = shop.build_draft(**SALE, method="cash")
    for draft in (
        SaleDraft(ok.operator, ok.phone, Decimal(9999), ok.payment, ok.id_document),
        SaleDraft(ok.operator, ok.phone, ok.amount, ok.payment, None),
        SaleDraft(ok.operator, ok.phone, ok.amount,
                  CashPayment(Decimal("1.00"), Decimal(0)), ok.id_document),
    ):
        with pytest.raises(ValidationError):
            shop.sell(JUAN, draft, print_now=False)
    assert count(shop) == 1  # the shift only


# -- voids ---------------------------------------------------------------------------------

def test_void(shop: Shop) -> None:
    sale = cash_sale(shop)
    void = shop.void("r001-2", "  número   equivocado ", ROSA, print_now=False)
    e = void.entry
    assert (e.kind, e.ref_ticket, e.clerk, e.reason) == ("void", sale.ticket, "Rosa",
                                                         "número equivocado")
    assert e.amount_cents == -2000 and e.method == "cash"
    assert shop.view(sale.ticket).voided_by == e.ticket
    assert shop.entry(sale.ticket).amount_cents == 2000  # the sale itself never changes
    assert shop.verify().entries == 3


def test_void_refusals(shop: Shop) -> None:
    sale = cash_sale(shop)
    before = count(shop)
    with pytest.raises(AuthError):
        shop.void(sale.ticket, "cliente se arrepintió", JUAN, print_now=False)
    with pytest.raises(ValidationError) as err:
        shop.void(sale.ticket, "no", ROSA, print_now=False)
    assert err.value.field == "reason"
    with pytest.raises(ValidationError):
        shop.void(sale.ticket, "x" * 201, ROSA, print_now=False)
    with pytest.raises(ValidationError) as err:
        shop.void("R001-00000099", "no existe", ROSA, print_now=False)
    assert err.value.field == "ticket"
    with pytest.raises(ValidationError):
        shop.void("not a ticket", "no existe", ROSA, print_now=False)
    assert count(shop) == before
    void = shop.void(sale.ticket, "número equivocado", ROSA, print_now=False)
    after = count(shop)
    with pytest.raises(ValidationError, match=void.ticket):  # void twice
        shop.void(sale.ticket, "otra vez", ROSA, print_now=False)
    with pytest.raises(ValidationError):  # void of a void
        shop.void(void.ticket, "anular la anulación", ROSA, print_now=False)
    assert count(shop) == after


def test_void_request_id_idempotent(shop: Shop) -> None:
    sale = cash_sale(shop)
    first = shop.void(sale.ticket, "error", ROSA, request_id="v1", print_now=False)
    again = shop.void(sale.ticket, "error", ROSA, request_id="v1", print_now=False)
    assert again.duplicate and again.ticket == first.ticket and count(shop) == 3


# -- looking up ----------------------------------------------------------------------------

def test_history(shop: Shop, clock: Any) -> None:
    a = cash_sale(shop).ticket
    clock.now = FIXED_NOW + timedelta(days=1)
    b = cash_sale(shop, phone="912 345 678", id_spec="ce:001234567").ticket
    v = shop.void(a, "número equivocado", ROSA, print_now=False).ticket
    assert [r.ticket for r in shop.history()] == [v, b, a]  # newest first
    assert [r.ticket for r in shop.history(phone="+51 987-654-321")] == [v, a]
    assert [r.ticket for r in shop.history(ticket="r001-3")] == [b]
    assert [r.ticket for r in shop.history(day=date(2026, 11, 25))] == [a]
    assert [r.ticket for r in shop.history(day=date(2026, 11, 26))] == [v, b]
    assert [r.ticket for r in shop.history(document=parse_document("dni", "45678912"))] == [a]
    assert [r.ticket for r in shop.history(document=parse_document("ce", "001234567"))] == [b]
    assert shop.history(document=parse_document("dni", "45678913")) == []
    assert shop.history(day=date(2026, 1, 1)) == []
    sale = shop.history(ticket=a)[0]
    assert sale.voided_by == v and sale.amount == Decimal("20.00")
    with pytest.raises(ValidationError):
        shop.history(phone="12")


def test_unknown_ticket(shop: Shop) -> None:
    with pytest.raises(ValidationError) as err:
        shop.entry("R001-00000042")
    assert err.value.field == "ticket"


@pytest.mark.parametrize(("typed", "ticket"), [
    ("R001-00000042", "R001-00000042"), ("r001-42", "R001-00000042"),
    ("R00100000042", "R001-00000042"), (" B002 - 7 ", "B002-00000007"),
])
def test_normalise_ticket(typed: str, ticket: str) -> None:
    assert normalise_ticket(typed) == ticket


@pytest.mark.parametrize("typed", ["", "R001", "R001-", "1234-5", "R001-123456789", "R001-x",
                                   "R001-٤٢", "ÑA01-1"])
def test_not_a_ticket(typed: str) -> None:
    with pytest.raises(ValidationError):
        normalise_ticket(typed)


@given(st.text())
def test_normalise_ticket_never_crashes(text: str) -> None:
    try:
        ticket = normalise_ticket(text)
    except ValidationError:
        return
    assert len(ticket) == 13 and ticket[4] == "-"


# -- clerks --------------------------------------------------------------------------------

def test_login(shop: Shop) -> None:
    assert shop.login("Juan", "5678") == JUAN
    assert shop.login(" Rosa ", "1234", manager=True) == ROSA
    with pytest.raises(AuthError):
        shop.login("Juan", "0000")
    with pytest.raises(AuthError):
        shop.login("Nadie", "1234")
    with pytest.raises(AuthError):
        shop.login("Juan", "5678", manager=True)
    with pytest.raises(AuthError):
        shop.login("Juan", "")


def test_pin_is_stored_hashed(shop: Shop) -> None:
    with Session(shop.engine) as s:
        stored = s.exec(select(Clerk.pin_hash).where(Clerk.name == "Juan")).one()
    assert stored.startswith("scrypt$") and "5678" not in stored


@pytest.mark.parametrize(("name", "role", "pin", "field"), [
    ("", "clerk", "1234", "name"),
    ("   ", "clerk", "1234", "name"),
    ("x" * 41, "clerk", "1234", "name"),
    ("Ana\tB", "clerk", "1234", "name"),
    ("Ana", "boss", "1234", "role"),
    ("Ana", "clerk", "123", "pin"),
    ("Ana", "clerk", "123456789", "pin"),
    ("Ana", "clerk", "12a4", "pin"),
    ("Ana", "clerk", "１２３４", "pin"),
    ("Juan", "clerk", "1234", "name"),  # already there
])
def test_add_clerk_refusals(shop: Shop, name: str, role: str, pin: str, field: str) -> None:
    before = count(shop, Clerk)
    with pytest.raises(ValidationError) as err:
        shop.add_clerk(name, role, pin, by=ROSA)
    assert err.value.field == field
    assert count(shop, Clerk) == before


def test_a_void_is_unique_in_the_database_itself(shop: Any) -> None:
    """Two terminals sharing a ledger lock only their own series: the index holds the line."""
    import sqlite3

    from pos.services import ClerkView

    clerk = shop.login("Juan", "5678")
    draft = shop.build_draft(operator="claro", phone="987654321", amount="20", method="cash",
                             id_spec="dni:12345678", tendered="20")
    sale = shop.sell(clerk, draft, print_now=False)
    shop.void(sale.ticket, "número equivocado", ClerkView("Rosa", "manager"), print_now=False)
    conn = sqlite3.connect(shop.settings.ledger_url.removeprefix("sqlite:///"))
    try:
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO journal_entry (series, seq, ticket, kind, created_at, "
                         "business_date, clerk, amount_cents, ref_ticket, prev_hash, hash) "
                         "VALUES ('R002', 1, 'R002-00000001', 'void', 'x', '2026-11-25', 'Ana',"
                         " -2000, ?, '0', '0')", (sale.ticket,))
    finally:
        conn.close()
