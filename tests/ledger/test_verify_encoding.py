"""Verify encodes rows read as tuples: its bytes must be exactly canonical()'s, which signed them.

Hypothesis generates journal entries and events (any text, negative and huge integers, every
optional column set or unset); the tuple encoding is compared with canonical() of the model, and
a chain of such entries written to a real SQLite file verifies, while a changed one does not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import configure_mappers
from sqlmodel import Session, SQLModel

from pos.ledger import journal
from pos.ledger.errors import ChainBroken
from pos.ledger.models import GENESIS, EventEntry, JournalEntry

KEY = b"k" * 32
configure_mappers()  # model_construct needs the mapped classes ready
TEXT = st.text(max_size=30)  # any code point but surrogates: JSON and SQLite keep them
INT = st.integers(min_value=-(2**62), max_value=2**62)


# What a tampered file could hold instead: SQLite gives back floats, or (in a dict) booleans.
ODD = st.one_of(st.floats(), st.booleans(), st.binary(max_size=4))


def _value(name: str, info: Any, odd: bool) -> st.SearchStrategy[Any]:
    annotation = str(info.annotation)
    base = INT if "int" in annotation else TEXT
    if odd:
        base = st.one_of(base, ODD)
    return st.one_of(st.none(), base) if "None" in annotation else base


def _entries(model: type[SQLModel], odd: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    fields = {name: _value(name, info, odd) for name, info in model.model_fields.items()
              if name not in ("id", "hash")}
    return st.fixed_dictionaries(fields)


def _encode(encoder: Any, *args: Any) -> bytes | str:
    """The bytes, or the name of the error both encodings must raise alike."""
    try:
        return encoder(*args)  # type: ignore[no-any-return]
    except (TypeError, ValueError) as exc:
        return type(exc).__name__


def _shape(model: type[SQLModel]) -> Any:
    return journal.JOURNAL_SHAPE if model is JournalEntry else journal.EVENT_SHAPE


@settings(max_examples=300, deadline=None)
@given(data=st.data(), model=st.sampled_from([JournalEntry, EventEntry]))
def test_tuple_encoding_is_canonical(data: st.DataObject, model: type[SQLModel]) -> None:
    values = data.draw(_entries(model, odd=True))
    shape = _shape(model)
    as_tuple = (*(values[name] for name in shape.hashed), "stored hash")  # as verify reads it
    expected = _encode(journal.canonical, model.model_construct(**values, hash=""))
    assert _encode(journal.canonical_tuple, shape, as_tuple) == expected
    assert _encode(journal.canonical, values) == expected  # the dict form append_entry signs


def test_optional_fields_set_and_unset() -> None:
    """`period` (OPTIONAL_FIELDS) is hashed when set and left out while None."""
    base = {name: None for name in journal.JOURNAL_SHAPE.hashed} | {
        "series": "R001", "seq": 1, "ticket": "R001-00000001", "kind": "sale",
        "created_at": "2026-11-25T15:30:00.000000Z", "business_date": "2026-11-25",
        "clerk": "Juan", "amount_cents": 500, "prev_hash": GENESIS}
    for period in (None, 0, 3):
        values = base | {"period": period}
        row = tuple(values[name] for name in journal.JOURNAL_SHAPE.hashed)
        encoded = journal.canonical_tuple(journal.JOURNAL_SHAPE, row)
        assert encoded == journal.canonical(JournalEntry.model_construct(**values, hash=""))
        assert (b'"period"' in encoded) is (period is not None)
        assert b'"phone":null' in encoded  # an ordinary None column is hashed as null


def _chain(entries: list[dict[str, Any]], series: str = "R001") -> list[dict[str, Any]]:
    rows, prev = [], GENESIS
    for seq, values in enumerate(entries, start=1):
        row = values | {"series": series, "seq": seq, "ticket": journal.ticket_number(series, seq),
                        "prev_hash": prev}
        row["hash"] = journal.entry_hash(KEY, JournalEntry.model_construct(**row))
        prev = row["hash"]
        rows.append(row)
    return rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(_entries(JournalEntry), min_size=1, max_size=6), victim=st.data())
def test_generated_chain_verifies_and_a_change_breaks_it(tmp_path: Path, entries: list[Any],
                                                         victim: st.DataObject) -> None:
    db = tmp_path / f"ledger-{len(list(tmp_path.iterdir()))}.db"
    engine = create_engine(f"sqlite:///{db}")
    SQLModel.metadata.create_all(engine, tables=[SQLModel.metadata.tables["journal_entry"],
                                                 SQLModel.metadata.tables["event_log"]])
    for i, values in enumerate(entries):  # request_id is unique in the schema
        if values["request_id"] is not None:
            values["request_id"] = f"{values['request_id']}#{i}"
    rows = _chain(entries)
    table = SQLModel.metadata.tables["journal_entry"]
    with engine.begin() as conn:
        conn.execute(insert(table), rows)
    with Session(engine) as s:
        result = journal.verify(s, KEY)
    assert result.entries == len(rows)
    assert result.heads == {"R001": rows[-1]["hash"]}

    index = victim.draw(st.integers(0, len(rows) - 1))
    column = victim.draw(st.sampled_from(["clerk", "amount_cents", "period", "phone", "data"]))
    old = rows[index][column]
    new: Any = 7 if column in ("amount_cents", "period") else "x"
    if old == new:
        new = 8 if isinstance(new, int) else "y"
    with engine.begin() as conn:
        conn.execute(table.update().where(table.c.seq == index + 1).values({column: new}))
    with Session(engine) as s, pytest.raises(ChainBroken) as broken:
        journal.verify(s, KEY)
    assert rows[index]["ticket"] in str(broken.value)
    engine.dispose()
