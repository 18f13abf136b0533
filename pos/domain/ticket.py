"""Ticket numbers: `R001-00000042`, the terminal's series and its entry's sequence."""

from __future__ import annotations

from pos.domain.errors import ValidationError
from pos.i18n import N_


def ticket_number(series: str, seq: int) -> str:
    """`R001-00000042`."""
    return f"{series}-{seq:08d}"


def normalise_ticket(text: str) -> str:
    """`r001-42`, `R001-00000042` or `R00100000042` (a scanner) → `R001-00000042`."""
    raw = (text or "").strip().upper().replace(" ", "")
    series, sep, number = raw.partition("-")
    if not sep and len(raw) > 4:
        series, number = raw[:4], raw[4:]
    if (len(series) == 4 and series.isascii() and series.isalnum() and series[0].isalpha()
            and number.isascii() and number.isdigit() and 1 <= len(number) <= 8):
        return ticket_number(series, int(number))
    raise ValidationError("ticket", N_("'{value}' is not a ticket number (e.g. R001-00000042)."),
                          value=(text or "")[:24])
