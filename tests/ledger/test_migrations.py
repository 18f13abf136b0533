"""Alembic migrations: the schema they build is the models' schema, and only ours is touched."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from pos.ledger import (
    database,
    models,  # noqa: F401  (registers the tables)
)
from pos.ledger.errors import LedgerError


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Any]:
    """An engine on a new SQLite file, tmp_path/ledger.db, disposed after the test."""
    made = database.make_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
    yield made
    made.dispose()


def test_head_revision_constant_matches_alembic() -> None:
    assert database.HEAD_REVISION == database.head_revision()


def test_empty_database_migrates_to_the_models(engine: Any) -> None:
    assert database.current_revision(engine) is None
    database.migrate(engine)
    assert database.current_revision(engine) == database.HEAD_REVISION
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert tables == set(SQLModel.metadata.tables) | {"alembic_version"}
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        assert diff == []
        triggers = {name for (name,) in conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    assert triggers == {"journal_no_update", "journal_no_delete", "journal_period_closed",
                        "event_no_update", "event_no_delete"}


def test_migrating_twice_is_a_no_op(engine: Any) -> None:
    database.migrate(engine)
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT type, name, sql FROM sqlite_master "
                                   "ORDER BY name")).all()
    database.migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT type, name, sql FROM sqlite_master "
                                 "ORDER BY name")).all() == schema


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('Rosa')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="customers"):
        engine = database.make_engine(f"sqlite:///{path}")
        database.migrate(engine)
    assert path.read_bytes() == before  # not even switched to WAL
    conn = sqlite3.connect(path)
    try:
        names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    assert names == {"customers"}


def test_unknown_newer_revision_is_refused(engine: Any) -> None:
    """A ledger written by a newer version of the program: refused, not downgraded."""
    database.migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(LedgerError):
        database.migrate(engine)
