"""Fakes for the ports of `pos.services` (pos/services/ports.py): a clock the test moves
and a printer that records the bytes it is sent (and can be told to fail)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from receipts import PrinterError, PrinterStatus, decode
from receipts.decode import DecodedReceipt

FIXED_NOW = datetime(2026, 11, 25, 15, 30, tzinfo=timezone.utc)


class FakeClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class FakePrinter:
    """A printer that keeps every receipt's bytes; `fail` makes the next sends fail."""

    kind = "fake"

    def __init__(self, *, checks_status: bool = False) -> None:
        self.checks_status = checks_status
        self.sent: list[bytes] = []
        self.fail: PrinterError | None = None

    def send(self, data: bytes) -> PrinterStatus | None:
        if self.fail is not None:
            raise self.fail
        self.sent.append(data)
        return None

    def receipts(self) -> list[DecodedReceipt]:
        """Everything printed so far, decoded as a customer would read it."""
        return [slip for data in self.sent for slip in decode(data)]
