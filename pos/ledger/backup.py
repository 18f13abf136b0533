"""`pos backup`: a consistent copy of a SQLite ledger, with its key and witness.

The database is copied with SQLite's online backup API (a snapshot, while terminals keep
selling); the copy gets its own key file and a witness of its own heads, named after it, so
that a config pointing at the copy (`url = "sqlite:///FILE"`, `key_file = "FILE.key"`)
opens and verifies it like the original: `FILE`, `FILE.key`, `FILE.key.<series>.witness`.
Everything is written owner-only, through temporary files renamed into place; nothing that
exists is replaced without `force`, and never the live ledger, its key or its witnesses.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

from pos.i18n import N_, _
from pos.domain.errors import ValidationError
from pos.ledger import witness
from pos.ledger.errors import LedgerError

_HEADS = {
    witness.JOURNAL: "SELECT series, seq, hash FROM journal_entry j WHERE seq ="
                     " (SELECT max(seq) FROM journal_entry WHERE series = j.series)",
    witness.EVENTS: "SELECT series, seq, hash FROM event_log e WHERE seq ="
                    " (SELECT max(seq) FROM event_log WHERE series = e.series)",
}
_TABLE = {witness.JOURNAL: "journal_entry", witness.EVENTS: "event_log"}


def backup_files(output: Path) -> tuple[Path, Path]:
    """The copy and its key file."""
    return output, output.with_name(f"{output.name}.key")


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _check_target(path: Path, protected: list[Path], force: bool) -> None:
    if any(_same(path, p) for p in protected):
        raise ValidationError("output", N_("{path} is part of the live ledger (the database, "
                                           "its key, a witness or the config): choose another "
                                           "file."), path=str(path)[:200])
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise ValidationError("output", N_("{path} is not a regular file: choose another "
                                           "file."), path=str(path)[:200])
    if path.exists() and not force:
        raise ValidationError("output", N_("{path} already exists: add --force to replace "
                                           "it."), path=str(path)[:200])


def _heads(conn: sqlite3.Connection) -> dict[str, dict[str, witness.Head]]:
    heads: dict[str, dict[str, witness.Head]] = {}
    for kind, sql in _HEADS.items():
        for series, seq, entry_hash in conn.execute(sql):
            heads.setdefault(series, {})[kind] = witness.Head(series, int(seq), entry_hash)
    return heads


def _temp_beside(path: Path) -> tuple[Path, int]:
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    return temp, os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def _write_temp(path: Path, data: bytes) -> Path:
    temp, fd = _temp_beside(path)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return temp


def backup_sqlite(ledger: Path, key_path: Path, key: bytes, output: Path, *, force: bool,
                  protected: list[Path]) -> list[Path]:
    """Copy the ledger to `output` (+ key and witnesses beside it); the files written."""
    folder = output.parent
    if not folder.is_dir():
        raise ValidationError("output", N_("The folder {folder} does not exist."),
                              folder=str(folder)[:200])
    live = [ledger, ledger.with_name(ledger.name + "-wal"), ledger.with_name(ledger.name + "-shm"),
            key_path, *witness.witness_files(key_path).values(), *protected]
    copy_db, copy_key = backup_files(output)
    for target in (copy_db, copy_key):
        _check_target(target, live, force)
    # The witnesses are read before the snapshot: each is then at or behind it.
    witnessed = {series: witness.read_witness(path, key, series, whole=False)
                 for series, path in witness.witness_files(key_path).items()}
    temps: list[tuple[Path, Path]] = []
    try:
        temp, fd = _temp_beside(copy_db)
        os.close(fd)
        temps.append((temp, copy_db))
        source = sqlite3.connect(f"{ledger.resolve().as_uri()}?mode=ro", uri=True)
        copy_conn = sqlite3.connect(temp)
        try:
            source.backup(copy_conn)
            heads = _heads(copy_conn)
            for series, state in witnessed.items():
                for kind in (witness.JOURNAL, witness.EVENTS):
                    head = state.head(kind)
                    if head is None:
                        continue
                    row = copy_conn.execute(f"SELECT hash FROM {_TABLE[kind]} WHERE series = ?"
                                         " AND seq = ?", (series, head.seq)).fetchone()
                    if row is None or row[0] != head.hash:
                        raise LedgerError(_("The ledger does not match the witness of {series}: "
                                            "no backup was made. Run pos verify.",
                                            series=series))
        finally:
            copy_conn.close()
            source.close()
        with temp.open("rb+") as fh:
            os.fsync(fh.fileno())
        temps.append((_write_temp(copy_key, key.hex().encode("ascii") + b"\n"), copy_key))
        for series, kinds in heads.items():
            path = witness.witness_path(copy_key, series)
            _check_target(path, live, force)
            lines = b"".join(witness.encode_line(key, kind, head) for kind, head in
                             sorted(kinds.items()))
            temps.append((_write_temp(path, lines), path))
        for temp_path, final in temps:
            os.replace(temp_path, final)
        folder_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(folder_fd)
        finally:
            os.close(folder_fd)
    except sqlite3.Error as exc:
        raise LedgerError(_("The backup failed: {reason}", reason=str(exc)[:200])) from None
    except OSError as exc:
        raise LedgerError(_("The backup could not be written to {path}: {reason}.",
                            path=output, reason=exc.strerror or str(exc))) from None
    finally:
        for temp_path, _final in temps:
            temp_path.unlink(missing_ok=True)
    return [final for _temp, final in temps]
