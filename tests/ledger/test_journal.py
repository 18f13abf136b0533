"""The journal: gapless chained entries, guarded by the database, keyed from outside it."""

from __future__ import annotations

import os
import sqlite3
import stat
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from pos.ledger import journal
from pos.ledger.errors import LedgerError
from pos.ledger.models import GENESIS, EventEntry, JournalEntry
from pos.services import ClerkView, Shop
from tests.ledger.conftest import sell_some

JUAN = ClerkView("Juan", "clerk")


def rows(shop: Shop) -> list[JournalEntry]:
    with Session(shop.engine) as s:
        return list(s.exec(select(JournalEntry).order_by(JournalEntry.seq)).all())


def db_path(shop: Shop) -> Path:
    return Path(shop.settings.ledger_url.removeprefix("sqlite:///"))


def test_chain_and_gapless_sequence(shop: Shop) -> None:
    tickets = sell_some(shop, 6)
    entries = rows(shop)  # the fixture's shift_open, then the six sales
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6, 7]
    assert [e.ticket for e in entries] == [f"R001-{n:08d}" for n in range(1, 8)]
    assert tickets == [e.ticket for e in entries[1:]]
    assert entries[0].prev_hash == GENESIS
    for before, after in zip(entries, entries[1:]):
        assert after.prev_hash == before.hash
    for entry in entries:
        assert entry.hash == journal.entry_hash(shop.key, entry)
        assert len(entry.hash) == 64 and entry.hash != GENESIS
    assert len({e.hash for e in entries}) == 7
    result = shop.verify()
    assert result.entries == 7 and result.heads == {"R001": entries[-1].hash}


def test_ticket_format() -> None:
    assert journal.ticket_number("R001", 42) == "R001-00000042"
    assert journal.ticket_number("B002", 1) == "B002-00000001"


def test_hash_covers_every_field_but_id_and_hash(shop: Shop) -> None:
    sell_some(shop, 1)
    entry = rows(shop)[0]
    body = journal.canonical(entry).decode()
    for name in JournalEntry.model_fields:
        assert (f'"{name}":' in body) is (name not in ("id", "hash"))


def test_the_key_changes_every_hash(shop: Shop) -> None:
    sell_some(shop, 1)
    entry = rows(shop)[0]
    assert journal.entry_hash(b"x" * 32, entry) != entry.hash


def _sqlite(shop: Shop) -> sqlite3.Connection:
    return sqlite3.connect(db_path(shop), isolation_level=None)


@pytest.mark.parametrize("statement", [
    "UPDATE journal_entry SET amount_cents = 1 WHERE seq = 1",
    "UPDATE journal_entry SET hash = hash",
    "DELETE FROM journal_entry WHERE seq = 2",
    "DELETE FROM journal_entry",
    "UPDATE event_log SET detail = 'x'",
    "DELETE FROM event_log",
])
def test_database_refuses_update_and_delete(shop: Shop, statement: str) -> None:
    sell_some(shop, 2)
    before = (len(rows(shop)), shop.verify())
    conn = _sqlite(shop)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
    finally:
        conn.close()
    assert (len(rows(shop)), shop.verify()) == before


def test_closed_period_refuses_entries(shop: Shop) -> None:
    """The Z guard lives in the database too: a raw insert into a closed period is refused."""
    sell_some(shop, 1)
    with Session(shop.engine) as s, s.begin():
        journal.append_entry(s, shop.key, series="R001", kind="z", now=shop.clock(), tz=shop.tz,
                             clerk="Rosa", data=journal.canonical_json({"total": 500}))
    z = rows(shop)[-1]
    assert z.period == 1
    conn = _sqlite(shop)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="period is closed"):
            conn.execute(
                "INSERT INTO journal_entry (series, seq, ticket, kind, created_at, business_date,"
                " clerk, amount_cents, prev_hash, hash, period) VALUES ('R001', 4,"
                " 'R001-00000004', 'sale', '2026-11-25T15:31:00.000000Z', ?, 'Juan', 100, '',"
                " '', 1)", (z.business_date,))
    finally:
        conn.close()
    # the next entry goes into the next period, with the real date (the same calendar day)
    sell_some(shop, 1)  # (this raw Z left the shift open: the service would not have)
    assert rows(shop)[-1].business_date == z.business_date
    assert rows(shop)[-1].period == 2
    assert shop.verify().entries == 4


def test_key_file_created_private_and_never_replaced(shop: Shop) -> None:
    path = shop.settings.key_path
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode == 0o600
    content, inode = path.read_bytes(), path.stat().st_ino
    assert len(bytes.fromhex(content.decode().strip())) == 32
    sell_some(shop, 1)
    shop.close()
    again = Shop.open(shop.settings)
    try:
        assert again.key == shop.key
        assert again.verify().entries == 2  # the shift and the sale
    finally:
        again.close()
    assert path.read_bytes() == content and path.stat().st_ino == inode


def test_missing_key_with_entries_is_refused(shop: Shop) -> None:
    sell_some(shop, 1)
    shop.close()
    shop.settings.key_path.unlink()
    with pytest.raises(LedgerError, match="ledger.key"):
        Shop.open(shop.settings)
    assert not shop.settings.key_path.exists()  # no new key was made


def test_missing_key_with_only_events_is_refused(make_settings: Any) -> None:
    """The event log is chained with the key too: a fresh key would break it silently."""
    settings = make_settings()
    opened = Shop.open(settings)
    opened.add_clerk("Rosa", "manager", "1234")
    opened.close()
    settings.key_path.unlink()
    with pytest.raises(LedgerError):
        Shop.open(settings)


def test_damaged_key_file_is_refused(shop: Shop) -> None:
    shop.close()
    shop.settings.key_path.write_text("not hex\n")
    with pytest.raises(LedgerError, match="damaged"):
        Shop.open(shop.settings)
    shop.settings.key_path.write_text("abcd\n")
    with pytest.raises(LedgerError, match="damaged"):
        Shop.open(shop.settings)


def test_corrupt_database_refused_and_left_untouched(make_settings: Any, tmp_path: Path) -> None:
    settings = make_settings()
    path = tmp_path / "ledger.db"
    garbage = os.urandom(8192)
    path.write_bytes(garbage)
    with pytest.raises(LedgerError, match="ledger.db"):
        Shop.open(settings)
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.db"]  # no key, no -wal


def test_damaged_sqlite_database_refused(shop: Shop) -> None:
    """A SQLite header over broken pages: refused with LedgerError, not a crash."""
    sell_some(shop, 3)
    shop.close()
    path = db_path(shop)
    data = bytearray(path.read_bytes())
    data[100:4096] = os.urandom(3996)  # the schema page
    path.write_bytes(bytes(data))
    with pytest.raises(LedgerError):
        Shop.open(shop.settings)
    assert path.read_bytes() == bytes(data)


def test_missing_ledger_folder_is_refused_not_created(make_settings: Any, tmp_path: Path) -> None:
    settings = make_settings(ledger={"url": "sqlite:///gone/ledger.db"})
    with pytest.raises(LedgerError, match="gone"):
        Shop.open(settings)
    assert not (tmp_path / "gone").exists()


def test_folder_created_for_embedded_defaults(tmp_path: Path) -> None:
    """Without a config file the app owns its data folder and may create it."""
    from pos.config import parse_settings

    settings = parse_settings({"printer": {"kind": "none"}}, "<defaults>", tmp_path / "data")
    opened = Shop.open(settings)
    opened.close()
    assert (tmp_path / "data" / "ledger.db").is_file()


def _all_bytes(shop: Shop) -> bytes:
    shop.close()  # the last connection checkpoints the WAL
    path = db_path(shop)
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


@pytest.mark.parametrize("storage", ["masked", "full"])
def test_id_storage(make_settings: Any, storage: str) -> None:
    opened = Shop.open(make_settings(ledger={"id_storage": storage}))
    opened.add_clerk("Juan", "clerk", "5678", by=opened.add_clerk("Rosa", "manager", "1234"))
    opened.open_shift(JUAN, Decimal("0"), print_now=False)
    dni = "40718293"
    draft = opened.build_draft(operator="claro", phone="987654321", amount="10", method="cash",
                               id_spec=f"dni:{dni}")
    entry = opened.sell(JUAN, draft, print_now=False).entry
    assert entry.id_masked == "DNI *****293"
    assert entry.id_digest == opened.id_digest(draft.id_document)  # searchable …
    assert len(entry.id_digest or "") == 64
    from pos.domain.identity import parse_document

    found = opened.history(document=parse_document("dni", dni))
    assert [v.ticket for v in found] == [entry.ticket]
    data = _all_bytes(opened)
    if storage == "masked":
        assert entry.id_number is None
        assert dni.encode() not in data  # … but not readable
    else:
        assert entry.id_number == dni
        assert dni.encode() in data


def test_digest_is_keyed(shop: Shop, make_settings: Any) -> None:
    from pos.domain.identity import parse_document

    doc = parse_document("dni", "40718293")
    import hashlib

    assert shop.id_digest(doc) != hashlib.sha256(b"dni:40718293").hexdigest()
    assert shop.id_digest(doc) == shop.id_digest(parse_document("dni", "4071 8293"))


def test_event_log_is_chained(shop: Shop) -> None:
    sell_some(shop, 2)
    with Session(shop.engine) as s:
        events = list(s.exec(select(EventEntry).order_by(EventEntry.seq)).all())
    # The start event rides in the process's first chained write (issue 12), after its work.
    assert [e.kind for e in events][:4] == ["clerks_sealed", "clerk_added", "start", "clerk_added"]
    assert events[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
    assert shop.verify().events == len(events)


def test_postgresql_without_its_driver_is_a_clear_message(monkeypatch: Any) -> None:
    import builtins

    from pos.ledger.database import make_engine
    from pos.ledger.errors import LedgerError

    real_import = builtins.__import__

    def no_psycopg(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "psycopg" or name.startswith("psycopg."):
            raise ModuleNotFoundError("No module named 'psycopg'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    with pytest.raises(LedgerError, match="recarga-pos\\[postgres\\]"):
        make_engine("postgresql+psycopg://pos@127.0.0.1:5999/pos")
