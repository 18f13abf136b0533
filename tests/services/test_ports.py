"""The services with fakes in their ports: a clock the test moves and a printer that keeps
the bytes (tests/fakes.py), wired through `Shop.open(settings, clock=..., printer=...)`.
Fast: no file printer, no subprocess; the ledger is still a real SQLite file."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.fakes import FakeClock, FakePrinter


@pytest.fixture
def printer() -> FakePrinter:
    return FakePrinter()


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def shop(make_settings: Any, fake_clock: FakeClock, printer: FakePrinter) -> Iterator[Any]:
    from pos.i18n import set_locale
    from pos.services import ClerkView, Shop

    set_locale("es_PE")
    opened = Shop.open(make_settings(), clock=fake_clock, printer=printer)
    rosa = opened.add_clerk("Rosa", "manager", "1234")
    opened.add_clerk("Juan", "clerk", "5678", by=rosa)
    opened.open_shift(ClerkView("Juan", "clerk"), Decimal("0"), print_now=False)
    yield opened
    opened.close()


def _sell(shop: Any, **typed: str) -> Any:
    from pos.services import ClerkView

    fields = {"operator": "claro", "phone": "987654321", "amount": "20", "method": "cash",
              "tendered": "50", "id_spec": "dni:12345678"} | typed
    return shop.sell(ClerkView("Juan", "clerk"), shop.build_draft(**fields))


def test_the_sale_receipt_goes_to_the_printer_port(shop: Any, printer: FakePrinter) -> None:
    result = _sell(shop)
    assert result.print_outcome is not None and result.print_outcome.printed
    (receipt,) = printer.receipts()
    assert receipt.barcodes == (result.ticket,)
    assert any("987 654 321" in line for line in receipt.lines)
    assert any("S/ 30.00" in line for line in receipt.lines)  # the change
    assert [job.status for job in shop.print_queue(pending_only=False)
            if job.kind == "sale"] == ["printed"]


def test_a_printer_fault_leaves_the_receipt_queued_then_it_prints(shop: Any,
                                                                 printer: FakePrinter) -> None:
    from receipts import PrinterError

    printer.fail = PrinterError("paper_end", "out of paper")
    result = _sell(shop)
    assert result.ticket == "R001-00000002"  # the sale stands
    outcome = result.print_outcome
    assert outcome is not None and not outcome.printed and not outcome.unconfirmed
    assert "papel" in (outcome.error or "")
    assert printer.sent == []
    printer.fail = None
    retried = {o.ticket: o for o in shop.retry_print_queue()}
    assert retried[result.ticket].printed
    assert (result.ticket,) in [r.barcodes for r in printer.receipts()]


def test_the_printer_test_page_reports_a_printer_without_status(shop: Any,
                                                                printer: FakePrinter) -> None:
    result = shop.printer_test()
    assert result.printed and result.error is None
    assert printer.sent == [result.data]
    assert "sin consulta de estado" in (result.status or "")


def test_the_clock_port_dates_entries_on_the_shops_day(shop: Any,
                                                       fake_clock: FakeClock) -> None:
    first = _sell(shop)
    fake_clock.advance(hours=14)  # 00:30 on the 26th in Lima
    second = _sell(shop)
    assert (first.entry.business_date, second.entry.business_date) == (
        "2026-11-25", "2026-11-26")
    assert second.entry.time_text == "2026-11-26 00:30:00"
    assert shop.today() == date(2026, 11, 26)


def test_values_at_the_boundary_are_plain_and_immutable(shop: Any) -> None:
    from sqlmodel import SQLModel

    from pos.domain.entry import Entry

    result = _sell(shop, amount="12.50", tendered="20")
    values: list[Any] = [result, result.entry, shop.entry(result.ticket), shop.view(result.ticket),
                         *shop.history(), shop.current_shift(), shop.report_x(),
                         *shop.print_queue(pending_only=False)]
    for value in values:
        assert dataclasses.is_dataclass(value) and not isinstance(value, SQLModel), value
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.ticket = "X"
    entry = shop.entry(result.ticket)
    assert isinstance(entry, Entry) and entry == result.entry
    assert (entry.amount, entry.amount_text, entry.tendered, entry.change) == (
        Decimal("12.50"), "S/ 12.50", Decimal("20.00"), Decimal("7.50"))
    assert entry.time_text == "2026-11-25 10:30:00"  # Lima


def test_every_manager_only_act_makes_the_one_check(shop: Any) -> None:
    from pos.services import AuthError, ClerkView

    juan = ClerkView("Juan", "clerk")
    sale = _sell(shop)
    acts = [
        lambda: shop.void(sale.ticket, "wrong number", juan),
        lambda: shop.pay_out(juan, Decimal("5"), "change for the bank", juan),
        lambda: shop.close_day(juan),
        lambda: shop.close_shift(juan, Decimal("20"), manager=juan),
        lambda: shop.accept_ledger(juan, "checked it"),
        lambda: shop.confirm_clock(juan),
        lambda: shop.deactivate_clerk(juan, "Rosa"),
    ]
    for act in acts:
        with pytest.raises(AuthError, match="Juan no es encargado"):
            act()
    assert shop.view(sale.ticket).voided_by is None


def test_the_shop_is_wired_from_parts_sharing_one_terminal(shop: Any,
                                                           printer: FakePrinter) -> None:
    terminal = shop.terminal
    assert shop.sales.terminal is shop.day.terminal is shop.clerks_uc.terminal is terminal
    assert shop.integrity.terminal is terminal and shop.printing.printer is printer
    assert shop.sales.printing is shop.day.printing is shop.printing


def test_the_x_on_screen_is_the_x_on_paper(shop: Any, printer: FakePrinter) -> None:
    """One module says what the slip says: the screen's lines are the printed bytes decoded."""
    _sell(shop)
    printer.sent.clear()
    report = shop.report_x(print_now=True)
    assert report.print_outcome is not None and report.print_outcome.printed
    (paper,) = printer.receipts()
    assert shop.report_lines(report) == list(paper.lines)
    assert report.sales_count == 1 and report.sales_total == Decimal("20.00")


def _held_sale(shop: Any) -> Any:
    from pos.services import ClerkView

    draft = shop.build_draft(operator="claro", phone="987654321", amount="20", method="cash",
                             tendered="50", id_spec="dni:12345678")
    return shop.sell(ClerkView("Juan", "clerk"), draft, print_now=False, hold_print=True)


def _waited_long(shop: Any, job_id: int) -> None:
    """The print worker reaches this held job only after a long backlog."""
    import time

    held = shop.printing._held[job_id]
    shop.printing._held[job_id] = dataclasses.replace(held, since=time.monotonic() - 3600)


def test_a_held_claim_that_waited_long_is_renewed_and_prints_once_as_original(
        shop: Any, printer: FakePrinter, fake_clock: FakeClock) -> None:
    sale = _held_sale(shop)
    _waited_long(shop, sale.job_id)
    fake_clock.advance(minutes=30)  # past the stale limit, but nobody released it meanwhile
    outcome = shop.print_job(sale.job_id)
    assert outcome.printed and not outcome.copy
    (receipt,) = printer.receipts()
    assert receipt.barcodes == (sale.ticket,) and not any("COPIA" in ln for ln in receipt.lines)
    shop.print_queue()  # a queue listing now finds nothing stale: the claim was renewed
    assert [job.status for job in shop.print_queue(pending_only=False)
            if job.kind == "sale"] == ["printed"]


def test_a_held_claim_released_as_stale_meanwhile_prints_only_a_copia(
        shop: Any, printer: FakePrinter, fake_clock: FakeClock) -> None:
    sale = _held_sale(shop)
    _waited_long(shop, sale.job_id)
    fake_clock.advance(minutes=30)
    shop.print_queue()  # another screen lists the queue: the old claim is taken for stale
    assert [job.status for job in shop.print_queue(pending_only=False)
            if job.kind == "sale"] == ["unconfirmed"]
    outcome = shop.print_job(sale.job_id)
    assert outcome.printed and outcome.copy
    (receipt,) = printer.receipts()  # one slip only, and it says COPIA: never an original
    assert any("COPIA" in line for line in receipt.lines)
