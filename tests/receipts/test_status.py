"""A network receipt counts as printed only when the printer answered DLE EOT after it.

Real loopback TCP printers (tests/printer_server.py) that answer, stay silent, answer with an
error bit, stall, close or reset mid-receipt.
"""

from __future__ import annotations

import pytest

from receipts import PrinterConfig, PrinterError, parse_status, render, send
from receipts.printers import STATUS_REQUEST
from tests.printer_server import PrinterServer

from .conftest import sale_receipt

BIG = b"\x1b@" + b"A" * (32 * 1024 * 1024)  # more than any socket buffer holds


def net(port: int, timeout: float = 1.0, **extra: object) -> PrinterConfig:
    return PrinterConfig(kind="network", host="127.0.0.1", port=port, timeout=timeout,
                         **extra)  # type: ignore[arg-type]


@pytest.fixture
def receipt_bytes() -> bytes:
    return render(sale_receipt(), width=32)


def test_answered_status_confirms_the_receipt(receipt_bytes: bytes) -> None:
    with PrinterServer("ok") as server:
        status = send(net(server.port), receipt_bytes)
        assert status is not None and status.ok and not status.paper_low
        [data] = server.connections
        # The status request goes on the same connection, after the whole receipt.
        assert bytes(data) == receipt_bytes + STATUS_REQUEST
        [receipt] = server.receipts()
        assert receipt.barcodes == ("R001-00000042",)


@pytest.mark.parametrize(("behaviour", "reason"), [
    ("silent", "no_answer"), ("paper_end", "paper_end"), ("cover_open", "cover_open"),
    ("garbage", "no_answer"),
])
def test_unconfirmed_receipts(receipt_bytes: bytes, behaviour: str, reason: str) -> None:
    with PrinterServer(behaviour) as server:
        with pytest.raises(PrinterError) as caught:
            send(net(server.port, timeout=0.5), receipt_bytes)
        # The bytes went out: whoever retries must print a copy, not the original.
        assert (caught.value.reason, caught.value.sent) == (reason, True)
        assert bytes(server.connections[0]).startswith(receipt_bytes)


@pytest.mark.parametrize(("behaviour", "reasons"), [
    ("close", {"disconnected"}), ("reset", {"disconnected"}), ("stall", {"timeout"}),
])
def test_broken_connections_mid_receipt(behaviour: str, reasons: set[str]) -> None:
    with PrinterServer(behaviour) as server:
        with pytest.raises(PrinterError) as caught:
            send(net(server.port, timeout=1.0), BIG)
        assert caught.value.reason in reasons and caught.value.sent


def test_refused_connection_sent_nothing(receipt_bytes: bytes) -> None:
    with PrinterServer("ok") as server:
        port = server.port
    with pytest.raises(PrinterError) as caught:
        send(net(port), receipt_bytes)
    assert (caught.value.reason, caught.value.sent) == ("refused", False)


def test_status_check_off_and_defaults(receipt_bytes: bytes, tmp_path: object) -> None:
    with PrinterServer("silent") as server:
        assert send(net(server.port, status_check=False), receipt_bytes) is None
        server.wait_closed()
        assert bytes(server.connections[0]) == receipt_bytes  # no status request sent
    assert net(1).checks_status
    assert not PrinterConfig(kind="file").checks_status
    assert not PrinterConfig(kind="cups").checks_status
    assert not PrinterConfig(kind="file", status_check=True).checks_status  # nobody answers
    assert PrinterConfig(kind="serial").checks_status


def test_status_bytes() -> None:
    assert parse_status(b"\x12\x12\x12").ok
    low = parse_status(b"\x12\x12\x1e")
    assert low.ok and low.paper_low
    assert parse_status(b"\x1a\x32\x72").problems == ("paper_end",)
    assert parse_status(b"\x1a\x16\x12").problems == ("cover_open",)
    assert parse_status(b"\x12\x52\x12").problems == ("error",)
    assert parse_status(b"\x1a\x12\x12").problems == ("offline",)
    for bad in (b"", b"\x12\x12", b"\x00\x00\x00", b"\xff\x12\x12"):
        with pytest.raises(PrinterError):
            parse_status(bad)
