"""`Entry.of` reads a row's loaded columns from its __dict__ (cheaper than the ORM's
descriptors): the value must be the one attribute reads give, for every state a row is in."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from pos.domain.entry import ENTRY_FIELDS, Entry
from pos.ledger.models import JournalEntry
from tests.conftest import ensure_shift


def _by_attributes(row: Any, at: Any) -> Entry:
    """The value as it was made before: every column read as an attribute."""
    return Entry(**{name: getattr(row, name) for name in ENTRY_FIELDS}, at=at)


def _sell(shop: Any) -> Any:
    ensure_shift(shop)
    draft = shop.build_draft(operator="claro", phone="987654321", amount="20", method="cash",
                             id_spec="dni:12345678", tendered="50")
    return shop.sell(shop.login("Juan", "5678"), draft, request_id="r-1", print_now=False)


def test_entry_of_every_row_state_is_what_attributes_read(shop: Any) -> None:
    sale = _sell(shop)
    terminal = shop.terminal
    at = sale.entry.at
    with Session(terminal.engine) as s:
        loaded = s.exec(select(JournalEntry).where(JournalEntry.ticket == sale.ticket)).one()
        assert Entry.of(loaded, at) == _by_attributes(loaded, at) == sale.entry
        loaded.reason = "changed, not flushed"  # a pending change is what the row says
        assert Entry.of(loaded, at) == _by_attributes(loaded, at)
        assert Entry.of(loaded, at).reason == "changed, not flushed"
        s.rollback()
        s.expire(loaded)  # expired: nothing in __dict__, every column loaded again
        assert Entry.of(loaded, at) == _by_attributes(loaded, at) == sale.entry
    with Session(terminal.engine) as s:  # a deferred column, loaded when read
        row = s.exec(select(JournalEntry).options(defer(col(JournalEntry.data)))
                     .where(JournalEntry.ticket == sale.ticket)).one()
        assert "data" not in row.__dict__
        assert Entry.of(row, at) == _by_attributes(row, at) == sale.entry
    values = {name: getattr(sale.entry, name) for name in ENTRY_FIELDS}
    built = JournalEntry.model_construct(**values)  # as append_entry returns a new row
    assert Entry.of(built, at) == _by_attributes(built, at) == sale.entry


def test_entry_of_a_value_without_dict_or_with_properties() -> None:
    values = {name: f"{name}-v" for name in ENTRY_FIELDS}

    class Plain:
        hash = property(lambda self: "from-property")  # a property, never in __dict__

    plain = Plain()
    plain.__dict__.update({k: v for k, v in values.items() if k != "hash"})
    made = Entry.of(plain, None)  # type: ignore[arg-type]
    assert made.hash == "from-property" and made.ticket == "ticket-v"
    assert made == _by_attributes(plain, None)

    class Slotted:  # no __dict__ at all: every column read as an attribute
        __slots__ = tuple(ENTRY_FIELDS)

    slotted = Slotted()
    for name, value in values.items():
        setattr(slotted, name, value)
    assert Entry.of(slotted, None) == _by_attributes(slotted, None)  # type: ignore[arg-type]
