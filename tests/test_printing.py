"""Printing never loses or blocks a sale: faults leave the receipt in the queue for a reprint."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from pos.ledger.models import EventEntry, JournalEntry, PrintJob
from pos.services import Shop
from receipts import decode
from tests.conftest import ensure_shift
from tests.printer_server import PrinterServer


def _sale(shop: Shop, **kw: Any) -> Any:
    clerk = shop.login("Juan", "5678")
    ensure_shift(shop)
    draft = shop.build_draft(operator="claro", phone="987654321", amount=kw.pop("amount", "20"),
                             method=kw.pop("method", "cash"), id_spec="dni:12345678",
                             tendered=kw.pop("tendered", "50"), **kw)
    return shop.sell(clerk, draft)


def _rows(shop: Shop, model: type) -> list[Any]:
    with shop._reader() as s:
        return list(s.exec(select(model)).all())


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_sale_receipt_has_every_field(shop: Shop, printed: Any) -> None:
    result = _sale(shop)
    assert result.print_outcome is not None and result.print_outcome.printed
    [receipt] = printed()
    text = receipt.text
    for expected in ("Bodega Doña Rosa", "RUC 10456789019", "Jr. Huallaga 123, Lima", "RECARGA",
                     result.ticket, "25/11/2026 10:30:00", "Juan", "Claro", "987 654 321",
                     "S/ 20.00", "Efectivo", "S/ 50.00", "S/ 30.00", "DNI *****678",
                     "¡Gracias por su compra!", result.entry.hash[:8]):
        assert expected in text, expected
    assert receipt.barcodes == (result.ticket,)
    assert "12345678" not in text  # only the masked document is printed
    assert all(len(line) <= 48 for line in receipt.lines)


def test_card_and_wallet_receipts(shop: Shop, printed: Any) -> None:
    card = _sale(shop, method="card", card_spec="visa:4242:A1B2C3")
    yape = _sale(shop, method="yape", op_number="12345678")
    card_text, yape_text = (r.text for r in printed())
    assert "VISA **** 4242" in card_text and "A1B2C3" in card_text and card.ticket in card_text
    assert "Yape" in yape_text and "12345678" in yape_text and yape.ticket in yape_text


@pytest.mark.parametrize("width", [32, 48])
def test_columns_never_overflow(make_settings: Any, clock: Any, tmp_path: Path,
                                width: int) -> None:
    settings = make_settings(
        shop={"name": "Bodega y Multiservicios Señor de los Milagros de Nazarenas",
              "address": "Av. Próceres de la Independencia 1234, San Juan de Lurigancho, Lima"},
        printer={"width": width},
        receipt={"footer": ["¿Dudas? ¡Llámenos! Atención de lunes a domingo, 7 a. m. a 11 p. m."]},
    )
    shop = Shop.open(settings, clock=clock)
    shop.add_clerk("Juan", "clerk", "5678", by=shop.add_clerk("Rosa", "manager", "1234"))
    result = _sale(shop)
    [receipt] = decode((tmp_path / "out" / "printer.bin").read_bytes())
    assert all(len(line) <= width for line in receipt.lines)
    assert "Señor de los Milagros" in receipt.text.replace("\n", " ")
    assert receipt.barcodes == (result.ticket,)
    shop.close()


def test_unwritable_printer_keeps_the_sale_and_reprints_later(
        make_settings: Any, clock: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file where the printer's folder should be")
    settings = make_settings(printer={"path": str(blocker / "printer.bin")})
    shop = Shop.open(settings, clock=clock)
    shop.add_clerk("Juan", "clerk", "5678", by=shop.add_clerk("Rosa", "manager", "1234"))

    result = _sale(shop)

    assert result.print_outcome is not None and not result.print_outcome.printed
    assert result.print_outcome.error
    [entry] = [e for e in _rows(shop, JournalEntry) if e.kind == "sale"]
    assert entry.ticket == result.ticket  # the sale stands
    [job] = [j for j in _rows(shop, PrintJob) if j.kind == "sale"]
    assert (job.ticket, job.status, job.attempts) == (result.ticket, "failed", 1)
    assert job.last_error
    faults = [e for e in _rows(shop, EventEntry) if e.kind == "printer_fault"]
    assert faults and result.ticket in faults[0].detail
    # (the shift's slip was queued unprinted by the test's setup: it waits too)
    assert [j.ticket for j in shop.print_queue()] == [result.ticket, "R001-00000001"]

    # The printer comes back: the waiting receipts print, byte for byte what was rendered.
    blocker.unlink()
    blocker.mkdir()
    shift_outcome, outcome = shop.retry_print_queue()
    assert outcome.printed and shift_outcome.printed
    shift_slip, receipt = decode((blocker / "printer.bin").read_bytes())
    assert receipt.barcodes == (result.ticket,)
    assert shop.print_queue() == []
    shop.verify()
    shop.close()


def test_closed_network_port_keeps_the_sale(make_settings: Any, clock: Any) -> None:
    port = _closed_port()
    settings = make_settings(printer={"kind": "network", "host": "127.0.0.1", "port": port,
                                      "timeout": 2})
    shop = Shop.open(settings, clock=clock)
    shop.add_clerk("Juan", "clerk", "5678", by=shop.add_clerk("Rosa", "manager", "1234"))
    result = _sale(shop)
    assert result.print_outcome is not None and not result.print_outcome.printed
    assert [j.status for j in _rows(shop, PrintJob) if j.kind == "sale"] == ["failed"]

    # A printer now listens on that port: a reprint (marked COPIA) arrives intact and is
    # confirmed by the printer's status answer.
    with PrinterServer("ok", port=port) as server:
        outcome = shop.reprint(result.ticket)
        assert outcome.printed
        [receipt] = server.receipts()
    assert "COPIA" in receipt.text and receipt.barcodes == (result.ticket,)
    shop.close()


def test_void_and_reprint_receipts(shop: Shop, printed: Any) -> None:
    sale = _sale(shop)
    manager = shop.login("Rosa", "1234", manager=True)
    void = shop.void(sale.ticket, "número equivocado", manager)
    shop.reprint(sale.ticket)
    original, void_slip, copy = printed()
    assert "ANULACIÓN" in void_slip.text and sale.ticket in void_slip.text
    assert "-S/ 20.00" in void_slip.text and "número equivocado" in void_slip.text
    assert void_slip.barcodes == (void.ticket,)
    assert "COPIA" in copy.text and "COPIA" not in original.text
    assert copy.barcodes == (sale.ticket,)


def test_english_receipt(make_settings: Any, clock: Any, tmp_path: Path) -> None:
    from pos.i18n import set_locale

    shop = Shop.open(make_settings(shop={"locale": "en"}), clock=clock)
    set_locale("en")
    try:
        shop.add_clerk("Juan", "clerk", "5678", by=shop.add_clerk("Rosa", "manager", "1234"))
        _sale(shop, tendered="20")
        [receipt] = decode((tmp_path / "out" / "printer.bin").read_bytes())
        assert "TOP-UP" in receipt.text and "Cash" in receipt.text
        assert "Change" in receipt.text and "S/ 0.00" in receipt.text
    finally:
        set_locale("es_PE")
        shop.close()


def test_cash_drawer_kick_only_for_cash(make_settings: Any, clock: Any, tmp_path: Path) -> None:
    shop = Shop.open(make_settings(printer={"cash_drawer": True}), clock=clock)
    shop.add_clerk("Juan", "clerk", "5678", by=shop.add_clerk("Rosa", "manager", "1234"))
    _sale(shop)
    _sale(shop, method="yape", op_number="12345678")
    cash_slip, yape_slip = decode((tmp_path / "out" / "printer.bin").read_bytes())
    assert cash_slip.drawer_kick and not yape_slip.drawer_kick
    shop.close()


def test_unknown_printer_profile_never_fails_a_sale(make_settings: Any, clock: Any) -> None:
    shop = Shop.open(make_settings(printer={"profile": "TM-T20X"}), clock=clock)
    shop.add_clerk("Juan", "clerk", "5678", by=shop.add_clerk("Rosa", "manager", "1234"))
    result = _sale(shop)
    assert result.print_outcome is not None and not result.print_outcome.printed
    assert "TM-T20X" in (result.print_outcome.error or "")
    assert [e.ticket for e in _rows(shop, JournalEntry) if e.kind == "sale"] == [result.ticket]
    assert [j.status for j in shop.print_queue()] == ["failed", "failed"]  # sale, shift
    shop.close()


def test_printer_fault_is_told_in_spanish(make_settings: Any, clock: Any) -> None:
    settings = make_settings(printer={"kind": "network", "host": "127.0.0.1",
                                      "port": _closed_port(), "timeout": 2})
    shop = Shop.open(settings, clock=clock)
    shop.add_clerk("Juan", "clerk", "5678", by=shop.add_clerk("Rosa", "manager", "1234"))
    outcome = _sale(shop).print_outcome
    assert outcome is not None and outcome.error is not None
    assert outcome.error.startswith("la impresora de red rechazó la conexión")
    [job] = [j for j in shop.print_queue() if j.kind == "sale"]
    assert "127.0.0.1" in (job.last_error or "")  # the technical detail is kept for the owner
    shop.close()
