"""Inputs (issue 10): no full card number in any typed field, request ids that cannot be
reused for other content, config text with sane limits."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from pos.config import ConfigError
from pos.domain.errors import ValidationError
from pos.ledger import journal
from pos.ledger.models import Clerk, JournalEntry
from pos.services import Shop

CARD = "4242 4242 4242 4242"  # Luhn-valid: a full card number


def _entries(shop: Shop) -> list[JournalEntry]:
    with shop._reader() as s:
        return list(s.exec(select(JournalEntry)).all())


def _draft(shop: Shop, **kw: Any) -> Any:
    values = {"operator": "claro", "phone": "987654321", "amount": "20", "method": "cash",
              "id_spec": "dni:12345678", "tendered": "50"} | kw
    return shop.build_draft(**values)


@pytest.mark.parametrize(("field", "kw"), [
    ("op_number", {"method": "yape", "op_number": CARD.replace(" ", "")}),
    ("op_number", {"method": "plin", "op_number": CARD}),
    ("card", {"method": "card", "card_spec": f"visa:{CARD}:A1B2C3"}),
    ("card", {"method": "card", "card_spec": "visa:4242:4242424242424242"}),
])
def test_card_number_refused_at_the_sale_fields(shop: Shop, field: str, kw: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _draft(shop, **kw)
    assert caught.value.field == field and "número completo de la tarjeta" in caught.value.message


def test_card_number_refused_in_reasons_and_names(shop: Shop) -> None:
    sale = shop.sell(shop.login("Juan", "5678"), _draft(shop), print_now=False)
    manager = shop.login("Rosa", "1234", manager=True)
    with pytest.raises(ValidationError) as caught:
        shop.void(sale.ticket, f"cliente pagó con {CARD}", manager)
    assert caught.value.field == "reason"
    with pytest.raises(ValidationError) as caught:
        shop.add_clerk(f"Ana {CARD}", "clerk", "1111", by=manager)
    assert caught.value.field == "name"
    with shop._reader() as s:
        assert all(CARD.replace(" ", "") not in c.name.replace(" ", "")
                   for c in s.exec(select(Clerk)))
    assert [e.kind for e in _entries(shop)] == ["shift_open", "sale"]


def test_the_ledger_door_refuses_any_typed_field(shop: Shop) -> None:
    """Whatever path a field takes (a new screen, a new entry kind, JSON figures), the journal
    itself refuses a full card number; machine fields such as hashes are not mistaken."""
    cases = [{"op_number": "4111111111111111"}, {"card_auth": "5555555555554444"},
             {"reason": f"ver {CARD}"}, {"clerk": CARD},
             {"data": '{"note": "tarjeta 4242-4242-4242-4242", "counted": 1500}'}]
    for fields in cases:
        with pytest.raises(ValidationError):
            shop._write(lambda s, f=fields: journal.append_entry(
                s, shop.key, series=shop.series, kind="sale", now=shop.clock(), tz=shop.tz,
                **({"clerk": "Juan"} | f)))
    assert [e.kind for e in _entries(shop)] == ["shift_open"]  # the fixture's, nothing more
    # A digest full of decimal digits in the JSON figures is not a card number.
    digest = "4242424242424242" + "0" * 48
    shop._write(lambda s: journal.append_entry(
        s, shop.key, series=shop.series, kind="sale", now=shop.clock(), tz=shop.tz,
        clerk="Juan", data=f'{{"head": "{digest}"}}'))
    assert len(_entries(shop)) == 2


def test_reused_request_id_with_other_content_is_refused(shop: Shop) -> None:
    clerk = shop.login("Juan", "5678")
    first = shop.sell(clerk, _draft(shop), request_id="req-1", print_now=False)
    # The same request again (a double Enter, a retried script): the first sale, nothing new.
    again = shop.sell(clerk, _draft(shop), request_id="req-1", print_now=False)
    assert again.duplicate and again.ticket == first.ticket and again.change == first.change
    for other in ({"tendered": "100"}, {"amount": "30"}, {"phone": "912345678"},
                  {"method": "yape", "op_number": "12345678"}):
        with pytest.raises(ValidationError) as caught:
            shop.sell(clerk, _draft(shop, **other), request_id="req-1", print_now=False)
        assert caught.value.field == "request_id" and first.ticket in caught.value.message
    with pytest.raises(ValidationError):  # another clerk reusing it is another request too
        shop.sell(shop.login("Rosa", "1234"), _draft(shop), request_id="req-1", print_now=False)
    manager = shop.login("Rosa", "1234", manager=True)
    void = shop.void(first.ticket, "número equivocado", manager, request_id="void-1",
                     print_now=False)
    assert shop.void(first.ticket, "número equivocado", manager,
                     request_id="void-1").ticket == void.ticket
    with pytest.raises(ValidationError) as caught:
        shop.void(first.ticket, "otro motivo", manager, request_id="void-1")
    assert caught.value.field == "request_id"
    with pytest.raises(ValidationError):  # a sale under a void's request id
        shop.sell(clerk, _draft(shop), request_id="void-1", print_now=False)
    assert [e.kind for e in _entries(shop)] == ["shift_open", "sale", "void"]
    assert first.change == Decimal("30.00")


@pytest.mark.parametrize(("section", "reason"), [
    ({"shop": {"name": "B" * 81}}, "como máximo 80 caracteres"),
    ({"shop": {"address": "Jr. " * 60}}, "como máximo 200 caracteres"),
    ({"shop": {"name": "Bodega\x1b@"}}, "caracteres de control"),
    ({"receipt": {"footer": ["x" * 121]}}, "como máximo 120 caracteres"),
    ({"receipt": {"footer": ["Gracias"] * 9}}, "como máximo 8"),
    ({"receipt": {"footer": ["línea\nnueva"]}}, "caracteres de control"),
    ({"payments": {"card_brands": ["v" * 21]}}, "como máximo 20 caracteres"),
    ({"operators": {"claro": {"name": "Claro", "key": "1", "min": 3, "max": 300,
                              "promotion": ["¡Doble saldo!"] * 6}}}, "como máximo 5"),
    ({"ui": {"theme": "t" * 61}}, "como máximo 60 caracteres"),
])
def test_config_text_has_sane_limits(make_settings: Any, section: dict[str, Any],
                                     reason: str) -> None:
    with pytest.raises(ConfigError) as caught:
        make_settings(**section)
    assert reason in caught.value.reason, caught.value.reason
    assert caught.value.key.startswith("[")


def test_config_within_limits_is_accepted(make_settings: Any, tmp_path: Path) -> None:
    settings = make_settings(receipt={"footer": ["¡Gracias por su compra!"] * 8},
                             shop={"name": "B" * 80})
    assert len(settings.receipt.footer) == 8
