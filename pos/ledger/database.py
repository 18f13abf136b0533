"""The one place that creates engines, opens sessions and migrates the ledger."""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, DisconnectionError, OperationalError, SQLAlchemyError
from sqlmodel import Session, create_engine

from pos.i18n import _
from pos.ledger.errors import LedgerError

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest revision in migrations/versions; kept here so that opening an up-to-date ledger
# need not import Alembic (tests/ledger/test_migrations.py checks it against Alembic's head).
HEAD_REVISION = "0005"
SQLITE_MAGIC = b"SQLite format 3\x00"


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return None
    return Path(url.removeprefix("sqlite:///"))


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite ledger URL (None for other databases)."""
    return _sqlite_path(url)


def check_sqlite_file(path: Path, create_parent: bool = False) -> None:
    """Refuse a missing folder, an unwritable folder or a file that is not SQLite — never recreate."""
    folder = path.parent
    if not folder.is_dir():
        if create_parent:
            folder.mkdir(parents=True, exist_ok=True)
        else:
            raise LedgerError(_("The ledger folder {folder} does not exist.", folder=folder))
    if path.exists():
        if not path.is_file():
            raise LedgerError(_("The ledger {path} is not a file.", path=path))
        try:
            with path.open("rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise LedgerError(_("The ledger {path} cannot be read: {reason}.",
                                path=path, reason=exc.strerror)) from None
        if head and head != SQLITE_MAGIC:
            raise LedgerError(_("The ledger {path} is not a SQLite database (damaged?). "
                                "It was left untouched.", path=path))
        if not os.access(path, os.W_OK):
            raise LedgerError(_("The ledger {path} is read-only.", path=path))
        if head:
            _refuse_foreign(_sqlite_tables(path))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise LedgerError(_("The ledger folder {folder} is read-only.", folder=folder))


def _sqlite_tables(path: Path) -> set[str]:
    """Table names, read without writing (our connections would switch the file to WAL)."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return {name for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise LedgerError(_("The ledger cannot be opened: {reason}",
                            reason=str(exc)[:200])) from None


def _refuse_foreign(tables: set[str]) -> None:
    if tables and "alembic_version" not in tables:
        raise LedgerError(_("The database holds other tables ({tables}); it is not a "
                            "ledger of this program and was left untouched.",
                            tables=", ".join(sorted(tables))[:100]))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Autocommit at the driver level so that "begin" below can say BEGIN IMMEDIATE.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # Writes take the lock up front: the sequence read and the insert happen under one lock.
    # Reads (read_session) begin deferred, so a long export or verify never blocks a sale.
    options = conn.get_execution_options()
    if options.get("pos_read_only"):
        conn.exec_driver_sql("BEGIN")
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, create_parent: bool = False) -> Engine:
    """An engine for the ledger URL, with the pragmas DESIGN.md asks for on SQLite."""
    path = _sqlite_path(url)
    if path is not None:
        check_sqlite_file(path, create_parent=create_parent)
        engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql"):
        try:
            engine = create_engine(url, pool_size=5, max_overflow=5,
                                   connect_args={"connect_timeout": 5})
        except ImportError:
            raise LedgerError(_("A PostgreSQL ledger needs the psycopg driver: "
                                "pip install 'recarga-pos[postgres]'.")) from None
        event.listen(engine, "checkout", _ping_unless_recent)
        event.listen(engine, "checkin", _mark_used)
        return engine
    return create_engine(url)


# -- PostgreSQL: which checkouts ping the server first -----------------------------------------
# SQLAlchemy's pool_pre_ping pings on every checkout: a round trip before each transaction, two
# per sale, a quarter of a sale's CPU. Here every checkout still pings (what pool_pre_ping did,
# for every Session), except a sale path's (`Tx.checkout`) on a connection given back less than
# IDLE_PING seconds ago: it was working then. Should the server have dropped it meanwhile, the
# Tx sees a broken connection before anything was committed and the terminal starts the
# transaction again on a new one (Terminal.write_tx), as the ping would have.
IDLE_PING = 1.0
_USED = "pos_used"
_checkout = threading.local()


@contextmanager
def trusting_recent_connections() -> Iterator[None]:
    """Checkouts inside this block skip the ping on a connection used in the last second."""
    _checkout.trust_recent = True
    try:
        yield
    finally:
        _checkout.trust_recent = False


def _mark_used(dbapi_conn: Any, record: Any) -> None:
    if record is not None:
        record.info[_USED] = time.monotonic()


def _ping_unless_recent(dbapi_conn: Any, record: Any, proxy: Any) -> None:
    used = record.info.get(_USED)
    if (getattr(_checkout, "trust_recent", False) and used is not None
            and time.monotonic() - used < IDLE_PING):
        return
    # On failure the pool replaces it with a new connection (SQLAlchemy's pessimistic
    # handling).
    ping(dbapi_conn)


def ping(dbapi_conn: Any) -> None:
    """One round trip on a PostgreSQL connection; DisconnectionError if it is not usable."""
    try:
        cur = dbapi_conn.cursor()
        try:
            cur.execute("SELECT 1")
        finally:
            cur.close()
        if not dbapi_conn.autocommit:
            dbapi_conn.rollback()  # the ping's implicit transaction ends here
    except Exception as exc:  # noqa: BLE001 - any failure: the connection is not usable
        raise DisconnectionError(str(exc)[:200]) from exc


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest migration revision shipped with this code."""
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)
    return ScriptDirectory.from_config(cfg).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (Alembic); a no-op when already there.

    On PostgreSQL the whole check-and-upgrade runs under one advisory lock, so terminals
    starting together on a new database migrate it once, one after the other, instead of
    racing to create the same tables (a raw constraint error for all but one).
    """
    try:
        if current_revision(engine) == HEAD_REVISION:
            return
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Transaction-scoped: released by the commit or rollback below, never leaked.
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('pos:migrate'))"))
            current = _revision_on(conn)
            if current == HEAD_REVISION:  # another terminal migrated while we waited
                return
            if current is None:
                _refuse_foreign(set(inspect(conn).get_table_names()))
            from alembic import command
            from alembic.util import CommandError

            try:
                command.upgrade(_alembic_config(conn), "head")
            except CommandError:  # e.g. a revision this program does not know: a newer version
                raise LedgerError(_("The ledger was written by another version of this "
                                    "program (schema {revision}); it was left untouched.",
                                    revision=current)) from None
    except LedgerError:
        raise
    except (DatabaseError, OperationalError) as exc:
        raise LedgerError(_("The ledger cannot be opened: {reason}",
                            reason=str(exc.orig).splitlines()[0][:200])) from None
    except SQLAlchemyError as exc:
        raise LedgerError(_("The ledger cannot be opened: {reason}",
                            reason=str(exc).splitlines()[0][:200])) from None


def _revision_on(conn: Any) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only snapshot: on SQLite it takes no write lock."""
    # Closing (not rolling back) keeps the loaded rows readable after the block.
    with Session(engine.execution_options(pos_read_only=True), expire_on_commit=False) as session:
        yield session


def load_or_create_key(path: Path, *, ledger_has_entries: bool) -> bytes:
    """The chain's HMAC key, created with 0600 permissions on first run; never replaced."""
    if path.exists():
        try:
            data = path.read_text(encoding="ascii").strip()
            key = bytes.fromhex(data)
        except (OSError, ValueError, UnicodeDecodeError):
            raise LedgerError(_("The key file {path} cannot be read or is damaged.",
                                path=path)) from None
        if len(key) < 32:
            raise LedgerError(_("The key file {path} is damaged (too short).", path=path))
        return key
    if ledger_has_entries:
        raise LedgerError(_("The key file {path} is missing, but the ledger already has entries: "
                            "restore the key file from your backup.", path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    # Write a temporary file and link it into place: a crash mid-write leaves a stray temporary
    # file, never an empty key file that would lock the shop out on the next start.
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key.hex() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(temp, path)  # like O_EXCL: never replaces a key that appeared meanwhile
        except FileExistsError:  # another terminal created it first: use theirs
            return load_or_create_key(path, ledger_has_entries=True)
        except OSError:  # no hard links here (e.g. FAT): create it directly, still exclusively
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(key.hex() + "\n")
                fh.flush()
                os.fsync(fh.fileno())
    finally:
        temp.unlink(missing_ok=True)
    return key
