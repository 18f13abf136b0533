from __future__ import annotations

import pickle
import socket
import threading
import time
from pathlib import Path

import pytest

from receipts import PrinterConfig, PrinterError, check, decode, render, send

from .conftest import sale_receipt


@pytest.fixture
def receipt_bytes() -> bytes:
    return render(sale_receipt(), width=32)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """Loopback printer: accepts one connection and does `behaviour` with it."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.received = bytearray()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        conn, _ = self.listener.accept()
        with conn:
            if self.behaviour == "read":
                while chunk := conn.recv(65536):
                    self.received += chunk
            elif self.behaviour == "close":
                conn.recv(1024)  # unread data left behind -> the kernel answers with RST
            elif self.behaviour == "stall":
                self.done.wait(10)
        self.done.set()

    def close(self) -> None:
        self.done.set()
        self.thread.join(5)
        self.listener.close()


def net(port: int, timeout: float = 2.0) -> PrinterConfig:
    # These tests are about the byte transport: the status answer is tested in test_status.py.
    return PrinterConfig(kind="network", host="127.0.0.1", port=port, timeout=timeout,
                         status_check=False)


def test_file_printer_appends_receipts(tmp_path: Path, receipt_bytes: bytes) -> None:
    config = PrinterConfig(kind="file", path=str(tmp_path / "out" / "printer.bin"))
    assert check(config) is None
    send(config, receipt_bytes)
    send(config, receipt_bytes)
    assert len(decode((tmp_path / "out" / "printer.bin").read_bytes())) == 2


def test_file_under_a_regular_file_is_unwritable(tmp_path: Path, receipt_bytes: bytes) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    config = PrinterConfig(kind="file", path=str(blocker / "printer.bin"))
    assert "not a folder" in (check(config) or "")
    with pytest.raises(PrinterError) as caught:
        send(config, receipt_bytes)
    assert caught.value.reason == "unwritable"
    assert "Traceback" not in str(caught.value) and "\n" not in str(caught.value)


def test_file_that_is_a_folder(tmp_path: Path, receipt_bytes: bytes) -> None:
    config = PrinterConfig(kind="file", path=str(tmp_path))
    assert check(config)
    with pytest.raises(PrinterError) as caught:
        send(config, receipt_bytes)
    assert caught.value.reason == "unwritable"


def test_full_device(receipt_bytes: bytes) -> None:
    config = PrinterConfig(kind="file", path="/dev/full")
    with pytest.raises(PrinterError) as caught:
        send(config, receipt_bytes)
    assert caught.value.reason == "unwritable"


def test_character_device_is_written_not_appended(receipt_bytes: bytes) -> None:
    send(PrinterConfig(kind="file", path="/dev/null"), receipt_bytes)


def test_missing_device_is_not_created(receipt_bytes: bytes) -> None:
    config = PrinterConfig(kind="file", path="/dev/recarga-pos-no-such-lp0")
    assert "not found" in (check(config) or "")
    with pytest.raises(PrinterError) as caught:
        send(config, receipt_bytes)
    assert caught.value.reason == "unavailable"
    assert not Path(config.path).exists()


def test_network_refused_quickly(receipt_bytes: bytes) -> None:
    config = net(closed_port())
    started = time.monotonic()
    with pytest.raises(PrinterError) as caught:
        send(config, receipt_bytes)
    assert caught.value.reason == "refused"
    assert time.monotonic() - started < 1.0
    assert "refused" in (check(config) or "")


def test_network_bytes_arrive_intact(receipt_bytes: bytes) -> None:
    server = Server("read")
    try:
        assert check(net(server.port)) is None
    finally:
        server.close()
    server = Server("read")
    try:
        send(net(server.port), receipt_bytes)
        assert server.done.wait(5)
        assert bytes(server.received) == receipt_bytes
    finally:
        server.close()


def test_network_peer_closes_mid_send() -> None:
    server = Server("close")
    try:
        with pytest.raises(PrinterError) as caught:
            send(net(server.port, timeout=5.0), b"\x1b@" + b"A" * (32 * 1024 * 1024))
        assert caught.value.reason == "disconnected"
    finally:
        server.close()


def test_network_stalled_printer_times_out() -> None:
    server = Server("stall")
    try:
        started = time.monotonic()
        with pytest.raises(PrinterError) as caught:
            send(net(server.port, timeout=0.5), b"A" * (32 * 1024 * 1024))
        assert caught.value.reason == "timeout"
        assert time.monotonic() - started < 3.0
    finally:
        server.close()


def test_network_unknown_host(receipt_bytes: bytes) -> None:
    config = PrinterConfig(kind="network", host="no-such-host.invalid", timeout=1.0)
    with pytest.raises(PrinterError) as caught:
        send(config, receipt_bytes)
    assert caught.value.reason == "unreachable"


def test_kind_none_does_nothing(receipt_bytes: bytes) -> None:
    config = PrinterConfig(kind="none")
    send(config, receipt_bytes)
    assert check(config) is None


@pytest.mark.parametrize(
    ("kind", "module"), [("usb", "usb"), ("serial", "serial"), ("cups", "cups")]
)
def test_missing_driver_packages(kind: str, module: str, receipt_bytes: bytes) -> None:
    pytest.importorskip("receipts")  # keeps the parametrised id readable
    try:
        __import__(module)
    except ImportError:
        pass
    else:
        pytest.skip(f"{module} is installed here")
    config = PrinterConfig(kind=kind, cups_name="x", serial_port="/dev/recarga-no-tty")
    with pytest.raises(PrinterError) as caught:
        send(config, receipt_bytes)
    assert caught.value.reason == "unavailable"
    assert check(config)


def test_printer_error_pickles() -> None:
    error = pickle.loads(pickle.dumps(PrinterError("timeout", "Printer stopped")))
    assert error.reason == "timeout" and str(error) == "Printer stopped"


def test_config_is_validated() -> None:
    with pytest.raises(ValueError):
        PrinterConfig(kind="bluetooth")
    with pytest.raises(ValueError):
        PrinterConfig(width=100)
