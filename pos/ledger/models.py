"""The ledger's tables. Money in integer céntimos; times as ISO-8601 UTC text."""

from __future__ import annotations

from pydantic import ConfigDict
from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel

GENESIS = "0" * 64
# Table rows are built by the ORM and by model_construct, never validated on the sale's path:
# their pydantic validators are built on first use instead of at import (~8 ms of every
# `pos` command).
_ROW_CONFIG = ConfigDict(defer_build=True)


class JournalEntry(SQLModel, table=True):
    """One append-only, chained journal entry: a sale, a void, a shift event or a Z close."""

    model_config = _ROW_CONFIG  # type: ignore[assignment]

    __tablename__ = "journal_entry"
    __table_args__ = (
        UniqueConstraint("series", "seq", name="uq_journal_series_seq"),
        Index("ix_journal_series_date", "series", "business_date"),
        Index("ix_journal_date", "business_date"),
        Index("ix_journal_phone", "phone"),
        Index("ix_journal_series_kind", "series", "kind", "business_date"),
        Index("ix_journal_id_digest", "id_digest"),
        Index("ix_journal_series_kind_seq", "series", "kind", "seq"),
        # A sale can be voided once, whichever terminal voids it (a lookup index as well).
        # PostgreSQL gets the same partial index from migration 0002, which builds every
        # ledger: naming `postgresql_where` here imported the PostgreSQL dialect (~30 ms) into
        # every SQLite process (tests/test_import_cost.py).
        Index("uq_journal_void_ref", "ref_ticket", unique=True,
              sqlite_where=text("kind = 'void'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    series: str = Field(max_length=8)
    seq: int
    ticket: str = Field(max_length=20, unique=True)
    kind: str = Field(max_length=16)  # sale | void | shift_open | shift_close | pay_in | pay_out | z
    created_at: str = Field(max_length=32)  # UTC, e.g. 2026-11-25T18:06:55.123456Z
    business_date: str = Field(max_length=10)  # shop-local date, YYYY-MM-DD
    clerk: str = Field(max_length=40)
    operator: str | None = Field(default=None, max_length=20)
    phone: str | None = Field(default=None, max_length=9)
    amount_cents: int = 0  # a void carries the negative of the voided amount
    method: str | None = Field(default=None, max_length=8)
    tendered_cents: int | None = None
    change_cents: int | None = None
    card_brand: str | None = Field(default=None, max_length=20)
    card_last4: str | None = Field(default=None, max_length=4)
    card_auth: str | None = Field(default=None, max_length=12)
    op_number: str | None = Field(default=None, max_length=20)
    id_type: str | None = Field(default=None, max_length=10)
    id_masked: str | None = Field(default=None, max_length=30)
    id_digest: str | None = Field(default=None, max_length=64)
    id_number: str | None = Field(default=None, max_length=12)  # only with id_storage = "full"
    ref_ticket: str | None = Field(default=None, max_length=20)  # the voided ticket
    reason: str | None = Field(default=None, max_length=200)
    request_id: str | None = Field(default=None, max_length=64, unique=True)
    data: str | None = None  # canonical JSON: shift and Z figures
    # The Z period the entry belongs to (1 + the terminal's Zs before it; a Z closes its own).
    # Added in 0003: entries written before carry None and are placed by sequence instead.
    period: int | None = None
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class EventEntry(SQLModel, table=True):
    """Chained event log: start-up, printer faults, voids, failed manager PINs."""

    model_config = _ROW_CONFIG  # type: ignore[assignment]

    __tablename__ = "event_log"
    __table_args__ = (UniqueConstraint("series", "seq", name="uq_event_series_seq"),
                      Index("ix_event_kind_detail", "kind", "detail"))

    id: int | None = Field(default=None, primary_key=True)
    series: str = Field(max_length=8)
    seq: int
    created_at: str = Field(max_length=32)
    kind: str = Field(max_length=24)
    detail: str = Field(default="", max_length=500)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class PrintJob(SQLModel, table=True):
    """A receipt waiting to print, printed, or failed. Lives outside the journal on purpose."""

    model_config = _ROW_CONFIG  # type: ignore[assignment]

    __tablename__ = "print_job"

    id: int | None = Field(default=None, primary_key=True)
    series: str = Field(max_length=8, index=True)
    ticket: str = Field(max_length=20, index=True)
    kind: str = Field(max_length=16)  # sale | void | reprint | x | z | shift
    # None until first printed: a sale's receipt is rendered from its entry after the commit.
    data: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    # pending | sending (claimed) | printed | failed (nothing reached the printer) |
    # unconfirmed (it may be on paper: printed again only as a COPIA) | replaced (by a COPIA)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    claim: str | None = Field(default=None, max_length=32)  # token of the sending process
    claimed_at: str | None = Field(default=None, max_length=32)
    mac: str | None = Field(default=None, max_length=64)  # HMAC of `data` with the ledger key
    last_error: str | None = Field(default=None, max_length=300)
    created_at: str = Field(max_length=32)
    printed_at: str | None = Field(default=None, max_length=32)


class Clerk(SQLModel, table=True):
    """Someone who sells (clerk) or also voids and closes the day (manager)."""

    model_config = _ROW_CONFIG  # type: ignore[assignment]

    __tablename__ = "clerk"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)
    role: str = Field(max_length=10)  # clerk | manager
    pin_hash: str = Field(max_length=200)
    active: bool = True
    created_at: str = Field(max_length=32)
    # HMAC (ledger key) over the fields above: see pos.ledger.clerks.clerk_mac.
    mac: str | None = Field(default=None, max_length=64)
