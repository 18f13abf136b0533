"""A journal entry as every layer above the ledger sees it: a plain, immutable value.

`pos.ledger` stores rows; services turn each row into an `Entry` before it leaves them, so
screens, the command line and slips read values that nothing can change or lazily load.
The attribute names are the ledger's column names, plus ready-made fields for showing it
(`amount`, `at`, `time_text`...): nobody formats céntimos or timestamp text themselves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pos.domain.money import format_money, from_cents
from pos.domain.payment import method_label

# The columns of a journal entry (pos/ledger/models.py), its database id left out.
ENTRY_FIELDS = (
    "series", "seq", "ticket", "kind", "created_at", "business_date", "clerk",
    "operator", "phone", "amount_cents", "method", "tendered_cents", "change_cents",
    "card_brand", "card_last4", "card_auth", "op_number", "id_type", "id_masked", "id_digest",
    "id_number", "ref_ticket", "reason", "request_id", "data", "period", "prev_hash", "hash",
)


def date_time_text(moment: datetime) -> str:
    """`25/11/2026 10:30:00`: `moment.strftime("%d/%m/%Y %H:%M:%S")`, without strftime's format
    parsing (every receipt prints one; tests/domain/test_time_text.py compares both)."""
    if moment.year < 1000:  # strftime's %Y pads or not, as the C library does
        return moment.strftime("%d/%m/%Y %H:%M:%S")
    return "%02d/%02d/%d %02d:%02d:%02d" % (moment.day, moment.month, moment.year, moment.hour,
                                            moment.minute, moment.second)


@dataclass(frozen=True)
class Entry:
    """One journal entry (a sale, a void, a shift event, a pay-in/out, a Z...)."""

    series: str
    seq: int
    ticket: str
    kind: str
    created_at: str  # UTC text as stored, e.g. 2026-11-25T18:06:55.123456Z
    business_date: str  # shop-local date, YYYY-MM-DD
    clerk: str
    operator: str | None
    phone: str | None
    amount_cents: int
    method: str | None
    tendered_cents: int | None
    change_cents: int | None
    card_brand: str | None
    card_last4: str | None
    card_auth: str | None
    op_number: str | None
    id_type: str | None
    id_masked: str | None
    id_digest: str | None
    id_number: str | None
    ref_ticket: str | None
    reason: str | None
    request_id: str | None
    data: str | None
    period: int | None
    prev_hash: str
    hash: str
    at: datetime  # created_at on the shop's clock (aware, shop time zone)

    @classmethod
    def of(cls, row: Any, at: datetime) -> Entry:
        """A value copied from anything with the journal's columns (a ledger row)."""
        # A loaded column is in the row's __dict__, where its attribute would read it from
        # (through the ORM's descriptor, at ten times the cost); anything else (not loaded,
        # expired, a property) is read as an attribute.
        stored = getattr(row, "__dict__", None) or {}
        fields: dict[str, Any] = {name: stored[name] if name in stored else getattr(row, name)
                                  for name in ENTRY_FIELDS}
        return cls(**fields, at=at)

    @property
    def amount(self) -> Decimal:
        """The amount in soles (a void: negative)."""
        return from_cents(self.amount_cents)

    @property
    def amount_text(self) -> str:
        return format_money(self.amount_cents)  # céntimos: the same text as of self.amount

    @property
    def tendered(self) -> Decimal | None:
        return None if self.tendered_cents is None else from_cents(self.tendered_cents)

    @property
    def change(self) -> Decimal | None:
        return None if self.change_cents is None else from_cents(self.change_cents)

    @property
    def time_text(self) -> str:
        """`2026-11-25 10:30:00`: when it was made, on the shop's clock."""
        return self.at.strftime("%Y-%m-%d %H:%M:%S")

    @property
    def date_time_text(self) -> str:
        """`25/11/2026 10:30:00`: its date and time as slips and screens show them."""
        return date_time_text(self.at)

    @property
    def hour_text(self) -> str:
        """`10:30`: its time of day on the shop's clock (the history's column)."""
        return self.at.strftime("%H:%M")

    @property
    def method_label(self) -> str:
        """How it was paid, as the clerk names it (`Efectivo`, `Yape`); "" for none."""
        if not self.method:
            return ""
        return method_label(self.method)

    @property
    def figures(self) -> dict[str, Any]:
        """The `data` JSON (shift and Z figures, top-up details) as a dict; {} when none."""
        if not self.data:
            return {}
        try:
            found = json.loads(self.data)
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}


@dataclass(frozen=True)
class EntryView:
    """A sale or void as the history shows it: the entry and the void that reverses it."""

    entry: Entry
    voided_by: str | None

    @property
    def ticket(self) -> str:
        return self.entry.ticket

    @property
    def kind(self) -> str:
        return self.entry.kind

    @property
    def amount(self) -> Decimal:
        return self.entry.amount
