"""The shop's receipts are byte for byte what they were before rendering cached anything.

Sales (cash with the drawer kick, card, a long operator promotion), copies, voids and a refund
slip, in Spanish and English, on the generic profile at 48 and 32 columns and on a TM-T88V at
56 columns (font B): the bytes the sale printed and the bytes rendered again with warm caches
equal the bytes of a render with every cache emptied first, and those of a fresh process.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import receipts.barcode
import receipts.layout
from pos import slips
from pos.i18n import use_locale
from pos.services import Shop
from receipts import decode
from tests.conftest import ensure_shift

ROOT = Path(__file__).resolve().parents[2]
RENDER = sys.modules["receipts.render"]
LONG = "Recarga S/ 20 y recibe 2 GB + WhatsApp ilimitado por 7 días — válido hasta agotar stock"


def _clear_caches() -> None:
    for module in (RENDER, receipts.layout, receipts.barcode):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


def _slips(shop: Shop) -> list[tuple[str, Any, bool]]:
    """(name, receipt, kick) for every kind of slip a sale makes, in the current language."""
    ensure_shift(shop)
    rosa = shop.login("Rosa", "1234")
    cash = shop.sell(rosa, shop.build_draft(operator="claro", phone="987654321", amount="20",
                                            method="cash", id_spec="dni:12345678",
                                            tendered="50"), print_now=True)
    card = shop.sell(rosa, shop.build_draft(operator="movistar", phone="+51 912 345 678",
                                            amount="35.50", method="card",
                                            id_spec="ce:001234567",
                                            card_spec="visa:4242:123456"), print_now=True)
    void = shop.void(cash.ticket, "cliente se equivocó de número", rosa)
    settings = shop.settings
    sale, card_sale, void_entry = (shop.entry(cash.ticket), shop.entry(card.ticket),
                                   shop.entry(void.ticket))
    return [
        ("sale", slips.sale_receipt(settings, sale), True),
        ("card sale", slips.sale_receipt(settings, card_sale), False),
        ("copy", slips.sale_receipt(settings, sale, copy=True), False),
        ("void", slips.void_receipt(settings, void_entry, sale), False),
        ("void copy", slips.void_receipt(settings, void_entry, sale, copy=True), False),
        ("refund", slips.refund_slip(settings, void_entry, sale), False),
    ]


@pytest.mark.parametrize(("profile", "width"), [("default", 48), ("default", 32),
                                                ("TM-T88V", 56)])
def test_receipts_equal_uncached_and_fresh_process_renders(
        make_settings: Any, clock: Any, tmp_path: Path, profile: str, width: int) -> None:
    settings = make_settings(
        printer={"profile": profile, "width": width, "cash_drawer": True},
        shop={"address": "Av. Nicolás de Piérola 1234, Int. 5, Cercado de Lima, frente al "
                         "Parque Universitario"},
        operators={"claro": {"name": "Claro", "key": "1", "min": 3, "max": 300,
                             "promotion": [LONG]},
                   "movistar": {"name": "Movistar", "key": "2", "min": 3, "max": 300}})
    shop = Shop.open(settings, clock=clock)
    try:
        rosa = shop.add_clerk("Rosa", "manager", "1234")
        shop.add_clerk("Juan", "clerk", "5678", by=rosa)
        docs = []
        for language in ("es", "en"):
            with use_locale(language):
                docs += [(f"{language} {name}", doc, kick) for name, doc, kick in _slips(shop)]
        printed = decode((tmp_path / "out" / "printer.bin").read_bytes())
        with use_locale("es"):
            warm = [shop.render(doc, kick=kick) for _, doc, kick in docs]
            again = [shop.render(doc, kick=kick) for _, doc, kick in reversed(docs)][::-1]
            cold = []
            for _, doc, kick in docs:
                _clear_caches()
                cold.append(shop.render(doc, kick=kick))
    finally:
        shop.close()
    assert warm == again == cold
    # The sales printed their receipts from the same caches: the very bytes of a cold render.
    sales = [d for d, (name, _, _) in zip(cold, docs) if name.endswith(("sale", "card sale"))]
    assert len(printed) >= 6 and all(slip.cut for slip in printed)
    assert all(data in (tmp_path / "out" / "printer.bin").read_bytes() for data in sales)
    script = ("import pickle, sys\n"
              "from receipts import render\n"
              "docs, options = pickle.load(sys.stdin.buffer)\n"
              "sys.stdout.buffer.write(pickle.dumps([render(doc, kick_drawer=kick, **options)"
              " for doc, kick in docs]))\n")
    payload = pickle.dumps(([(doc, kick) for _, doc, kick in docs],
                            {"width": width, "profile": profile}))
    fresh = subprocess.run([sys.executable, "-c", script], input=payload, cwd=ROOT,
                           capture_output=True, check=True, timeout=120)
    assert pickle.loads(fresh.stdout) == cold
    assert len(set(cold)) == len(cold)  # twelve different slips, not one rendered twelve times
