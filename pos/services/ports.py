"""The ports: what the use cases need from the world outside, and the real adapters.

- `Clock`: the time now (aware). Real: the system's UTC clock. Tests pass a fake one.
- `Printer`: sends rendered ESC/POS bytes and, where it can, confirms them with the
  printer's status answer. Real: `ReceiptPrinter` over `receipts.send`. Raises
  `receipts.PrinterError` on failure, like the real one.
- `TopupGateway`: a distributor connection (`pos.topup.gateway.Gateway`); the top-up flow
  in `pos.topup` picks the adapter per operator (http, manual). `NoGateway` is the no-op.

`pos.services.Shop.open(settings, clock=..., printer=...)` wires other adapters in.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

import receipts  # receipts.send looked up at each call: tests may stand a stuck printer in
from receipts import PrinterConfig, PrinterStatus
from pos.topup.gateway import Answer, Gateway, State, TopupRequest

if TYPE_CHECKING:
    from pos.config import Settings

TopupGateway = Gateway  # the port as pos.topup defines it: send, query, balance


class Clock(Protocol):
    """The time now, timezone-aware."""

    def __call__(self) -> datetime: ...


def system_clock() -> datetime:
    """The real clock (UTC)."""
    return datetime.now(timezone.utc)


class Printer(Protocol):
    """Where printing sends a receipt's bytes."""

    @property
    def checks_status(self) -> bool:
        """Whether a receipt counts as printed only once the printer answered its status."""
        ...

    @property
    def kind(self) -> str:
        """The configured kind (file, network, usb, serial, cups), for messages."""
        ...

    def send(self, data: bytes) -> PrinterStatus | None:
        """Write the bytes; the status that confirmed them, or None where none is asked
        for. Raises receipts.PrinterError (with `reason`, `message` and `sent`)."""
        ...


class ReceiptPrinter:
    """The configured printer ([printer] in config.toml) through `receipts.send`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # The last config built, with what it was built from: the settings (immutable, a new
        # object on a reload) and the printer path with `~` expanded (the one input outside
        # them). Building it resolved the path and validated a dataclass at every receipt.
        self._built: tuple[Settings, str, PrinterConfig] | None = None

    @property
    def kind(self) -> str:
        return self.settings.printer.kind

    @property
    def checks_status(self) -> bool:
        return self.config().checks_status

    def config(self) -> PrinterConfig:
        settings = self.settings
        p = settings.printer
        expanded = os.path.expanduser(p.path)
        built = self._built
        if built is not None and built[0] is settings and built[1] == expanded:
            return built[2]
        config = PrinterConfig(kind=p.kind, path=str(settings.printer_path), host=p.host,
                               port=p.port, timeout=p.timeout, usb_vendor=p.usb_vendor,
                               usb_product=p.usb_product, serial_port=p.serial_port,
                               baudrate=p.baudrate, cups_name=p.cups_name, width=p.width,
                               profile=p.profile, cash_drawer=p.cash_drawer,
                               status_check=p.status_check)
        self._built = (settings, expanded, config)
        return config

    def send(self, data: bytes) -> PrinterStatus | None:
        return receipts.send(self.config(), data)


class NoGateway:
    """The no-op top-up gateway: nothing is sent, every reference is unknown."""

    name = "none"
    sends = False

    def send(self, request: TopupRequest) -> Answer:
        return Answer(State.NOT_FOUND, reason="no top-up gateway")

    def query(self, reference: str) -> Answer:
        return Answer(State.NOT_FOUND, reason="no top-up gateway")

    def balance(self) -> Decimal | None:
        return None
