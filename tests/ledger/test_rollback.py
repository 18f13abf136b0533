"""A chain that rollback cannot fool: the real `pos` program against an owner's mistakes and a
dishonest clerk's tricks with the files (an older ledger.db, a deleted or zeroed witness, a
replaced key, a deleted ledger, another terminal's tail cut, the event log's tail cut), plus
`pos backup` and the paper Z's chain code.

Each test works in a shop folder with the shipped config.toml (SQLite ledger, key and
witness beside it, file printer) and runs `pos` through click (in-process) or as a real
subprocess; the attacker uses the sqlite3 module and plain file operations.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.secrets_argv import to_env

ROOT = Path(__file__).resolve().parents[2]
SELL = ["sell", "--clerk", "Juan", "--pin", "5678", "--operator", "claro",
        "--phone", "987 654 321", "--amount", "20", "--id", "dni:45678912", "--pay", "cash"]
WITNESS = "ledger.key.R001.witness"
OPEN_SHIFT = ["shift", "open", "--clerk", "Juan", "--pin", "5678", "--float", "0"]
CLOSE_SHIFT = ["shift", "close", "--clerk", "Juan", "--pin", "5678", "--counted", "60"]


@pytest.fixture
def shop_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A shop folder with the shipped config, two clerks, an open shift (R001-00000001) and
    three sales (R001-00000002…4)."""
    from pos.i18n import set_locale

    (tmp_path / "config.toml").write_text((ROOT / "config.toml").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POS_CONFIG", raising=False)
    assert pos("clerk", "add", "Rosa", "--role", "manager", "--pin", "1234").exit_code == 0
    assert pos("clerk", "add", "Juan", "--pin", "5678").exit_code == 0
    assert pos(*OPEN_SHIFT).exit_code == 0
    for _ in range(3):
        assert pos(*SELL).exit_code == 0
    yield tmp_path
    set_locale("es_PE")


def pos(*args: str, config: Path | None = None) -> Result:
    from pos.cli import main

    args_, env = to_env(args)
    argv = (["--config", str(config)] if config else []) + args_
    result = CliRunner().invoke(main, argv, env=env)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def pos_process(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv, secrets = to_env(args)
    env = {**os.environ, "PYTHONPATH": str(ROOT), **secrets}
    env.pop("POS_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "pos.cli", *argv], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)


def snapshot(folder: Path, name: str) -> Path:
    """A plain copy of ledger.db as an owner would make it (the program is not running)."""
    copy = folder / name
    shutil.copy(folder / "ledger.db", copy)
    return copy


def restore(folder: Path, copy: Path) -> None:
    for suffix in ("-wal", "-shm"):
        (folder / f"ledger.db{suffix}").unlink(missing_ok=True)
    shutil.copy(copy, folder / "ledger.db")


def drop_guards(conn: sqlite3.Connection) -> None:
    for name in ("journal_no_update", "journal_no_delete", "event_no_update",
                 "event_no_delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def tickets_sold(folder: Path) -> int:
    conn = sqlite3.connect(folder / "ledger.db")
    try:
        return conn.execute("SELECT count(*) FROM journal_entry").fetchone()[0]
    finally:
        conn.close()


def refused(result: Result | subprocess.CompletedProcess[str], *words: str) -> str:
    code = result.exit_code if isinstance(result, Result) else result.returncode
    assert code == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


# -- rollback ------------------------------------------------------------------------------

def test_older_copy_restored_then_two_sales_are_refused(shop_dir: Path) -> None:
    """The issue's case: restore an older ledger.db and sell twice (real processes)."""
    old = snapshot(shop_dir, "old.db")  # up to R001-00000004
    for _ in range(2):
        assert pos(*SELL).exit_code == 0  # R001-00000006 handed to a customer
    restore(shop_dir, old)
    for _ in range(2):
        stderr = refused(pos_process(shop_dir, *SELL), "R001-00000006", "pos ledger accept")
        assert "copia" in stderr  # "reemplazada por una copia anterior"
    assert tickets_sold(shop_dir) == 4  # no ticket was issued twice
    stderr = refused(pos("verify"), "R001-00000006")
    assert "FALL" in stderr  # reported as a failed check: this is tampering


def test_many_sales_after_the_restore_cannot_hide_it(shop_dir: Path) -> None:
    """The witness is append-only: nothing the restored ledger does brings it back down."""
    old = snapshot(shop_dir, "old.db")
    for _ in range(4):
        assert pos(*SELL).exit_code == 0
    restore(shop_dir, old)
    for _ in range(6):
        refused(pos(*SELL), "R001-00000008")
    witness_before = (shop_dir / WITNESS).read_bytes()
    refused(pos(*SELL))
    assert (shop_dir / WITNESS).read_bytes() == witness_before  # never rewritten lower


def test_a_forked_copy_is_caught(shop_dir: Path) -> None:
    """An older copy on which other sales were made elsewhere (same length, other hashes)."""
    old = snapshot(shop_dir, "old.db")
    assert pos(*SELL).exit_code == 0  # R001-00000005 as the customer has it
    shutil.copy(shop_dir / WITNESS, shop_dir / "witness.keep")
    restore(shop_dir, old)
    (shop_dir / WITNESS).unlink()  # a second copy of the shop, run without the witness...
    assert pos("ledger", "accept", "--reason", "prueba", "--clerk", "Rosa",
               "--pin", "1234").exit_code == 0
    assert pos(*SELL[:10], "30", *SELL[11:]).exit_code == 0  # ...sells another R001-00000005
    shutil.copy(shop_dir / "witness.keep", shop_dir / WITNESS)  # the original witness back
    refused(pos(*SELL), "R001-00000005")


def test_newest_rows_deleted_under_a_running_terminal(shop_dir: Path) -> None:
    """Before each sale the terminal compares the ledger's head with what it last wrote."""
    from pos.config import load_file
    from pos.ledger.errors import LedgerError
    from pos.services import ClerkView, Shop

    shop = Shop.open(load_file(shop_dir / "config.toml"))
    try:
        juan = ClerkView("Juan", "clerk")

        def sell() -> str:
            draft = shop.build_draft(operator="claro", phone="987654321", amount="10",
                                     method="cash", id_spec="dni:45678912")
            return shop.sell(juan, draft, print_now=False).ticket

        assert sell() == "R001-00000005"
        assert pos(*SELL).exit_code == 0  # another process of this terminal: fine
        assert sell() == "R001-00000007"
        conn = sqlite3.connect(shop_dir / "ledger.db", isolation_level=None)
        drop_guards(conn)
        conn.execute("DELETE FROM journal_entry WHERE seq >= 6")
        conn.close()
        with pytest.raises(LedgerError, match="R001-00000007"):
            sell()
        assert shop.integrity_problem is not None
        with pytest.raises(LedgerError):
            sell()  # stays stopped
    finally:
        shop.close()
    assert tickets_sold(shop_dir) == 5


def test_manager_accepts_the_restored_ledger(shop_dir: Path) -> None:
    old = snapshot(shop_dir, "old.db")
    assert pos(*SELL).exit_code == 0
    restore(shop_dir, old)
    refused(pos(*SELL))
    bad = pos("ledger", "accept", "--reason", "restaurado", "--clerk", "Juan", "--pin", "5678")
    assert bad.exit_code == 2  # a clerk cannot
    ok = pos("ledger", "accept", "--reason", "disco dañado, copia de ayer", "--clerk", "Rosa",
             "--pin", "1234")
    assert ok.exit_code == 0, ok.output
    assert "R001-00000005" in ok.stdout
    assert pos(*SELL).exit_code == 0
    result = pos("verify")
    assert result.exit_code == 0, result.output
    assert "R001-00000004" in result.stderr  # the note: accepted at R001-00000004
    assert "ledger_accepted" in sqlite3.connect(shop_dir / "ledger.db").execute(
        "SELECT group_concat(kind) FROM event_log").fetchone()[0]


# -- the witness gone, zeroed, cut ---------------------------------------------------------

@pytest.mark.parametrize(("damage", "says"), [
    ("missing", "falta"),
    ("empty", "vacío"),
    ("zeroed", "ceros"),
])
def test_witness_gone_is_reported_as_such(shop_dir: Path, damage: str, says: str) -> None:
    path = shop_dir / WITNESS
    size = path.stat().st_size
    if damage == "missing":
        path.unlink()
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(b"\0" * size)
    result = pos("verify")
    assert result.exit_code == 1
    assert "OK: 4 " in result.stdout  # the chain itself is fine
    assert says in result.stderr and WITNESS in result.stderr
    assert "FALL" not in result.stderr and "falsific" not in result.stderr  # not tampering
    stderr = refused(pos(*SELL), says)  # and nobody sells until a manager looks at it
    assert "pos ledger accept" in stderr


def test_torn_last_line_is_not_an_alarm(shop_dir: Path) -> None:
    """A power cut in the middle of the last append: that line is ignored."""
    path = shop_dir / WITNESS
    raw = path.read_bytes()
    last_start = raw.rstrip(b"\n").rfind(b"\n") + 1
    path.write_bytes(raw[:last_start + (len(raw) - last_start) // 2])
    result = pos("verify")
    assert result.exit_code == 0, result.output
    assert "OK: 4 " in result.stdout
    assert pos(*SELL).exit_code == 0
    assert pos("verify").exit_code == 0


def test_witness_behind_the_ledger_after_a_crash_is_no_alarm(shop_dir: Path) -> None:
    """Killed or powered off between a commit and its witness line: the witness is behind
    (here: only the lines written before the very first entry), which is caught up."""
    path = shop_dir / WITNESS
    lines = path.read_bytes().splitlines(keepends=True)
    assert lines[0].startswith(b"J|R001|0|") and lines[1].startswith(b"E|R001|0|")
    path.write_bytes(b"".join(lines[:2]))
    assert pos(*SELL).exit_code == 0
    assert pos("verify").exit_code == 0
    assert b"J|R001|5|" in path.read_bytes()


def test_witness_lines_are_owner_only_and_appended(shop_dir: Path) -> None:
    path = shop_dir / WITNESS
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_bytes()
    assert pos(*SELL).exit_code == 0
    after = path.read_bytes()
    assert after.startswith(before) and after.count(b"\n") > before.count(b"\n")
    assert b"J|R001|5|" in after


# -- the key -------------------------------------------------------------------------------

def test_replaced_key_refuses_to_sell(shop_dir: Path) -> None:
    (shop_dir / "ledger.key").write_text("ab" * 32 + "\n")
    stderr = refused(pos_process(shop_dir, *SELL), "ledger.key")
    assert "R001-00000004" in stderr  # the newest entry the key does not sign
    assert tickets_sold(shop_dir) == 4
    refused(pos("ledger", "accept", "--reason", "otra llave", "--clerk", "Rosa",
                "--pin", "1234"))


# -- a missing ledger ----------------------------------------------------------------------

def test_missing_ledger_with_its_key_is_not_recreated(shop_dir: Path) -> None:
    for name in ("ledger.db", "ledger.db-wal", "ledger.db-shm"):
        (shop_dir / name).unlink(missing_ok=True)
    stderr = refused(pos_process(shop_dir, *SELL), "ledger.db", "ledger.key", "pos ledger new")
    assert WITNESS in stderr
    refused(pos("clerk", "list"))
    assert not (shop_dir / "ledger.db").exists()
    # The explicit command starts over, keeping the old key and witness aside.
    assert pos("ledger", "new").exit_code == 2  # --yes is required
    result = pos("ledger", "new", "--yes")
    assert result.exit_code == 0, result.output
    kept = sorted(p.name for p in shop_dir.glob("*.retired-*"))
    assert len(kept) == 2 and kept[0].startswith("ledger.key.")
    assert (shop_dir / "ledger.db").exists()
    assert pos("clerk", "add", "Rosa", "--role", "manager", "--pin", "1234").exit_code == 0


def test_ledger_new_refuses_while_the_ledger_exists(shop_dir: Path) -> None:
    refused(pos("ledger", "new", "--yes"), "ledger.db")
    assert not list(shop_dir.glob("*.retired-*"))


def test_empty_ledger_in_place_of_the_old_one_is_refused(shop_dir: Path) -> None:
    (shop_dir / "ledger.db-wal").unlink(missing_ok=True)
    (shop_dir / "ledger.db-shm").unlink(missing_ok=True)
    (shop_dir / "ledger.db").unlink()
    sqlite3.connect(shop_dir / "ledger.db").execute("CREATE TABLE alembic_version "
                                                    "(version_num VARCHAR(32))").connection.close()
    refused(pos(*SELL), "pos ledger new")


# -- every terminal's tail and the event log's tail ---------------------------------------

def test_another_terminals_newest_entries_deleted_is_caught_here(shop_dir: Path) -> None:
    text = (shop_dir / "config.toml").read_text(encoding="utf-8")
    assert 'series = "R001"' in text
    other = shop_dir / "r002.toml"
    other.write_text(text.replace('series = "R001"', 'series = "R002"'), encoding="utf-8")
    assert pos(*OPEN_SHIFT, config=other).exit_code == 0
    for _ in range(3):
        assert pos(*SELL, config=other).exit_code == 0
    assert pos("verify").exit_code == 0
    conn = sqlite3.connect(shop_dir / "ledger.db", isolation_level=None)
    drop_guards(conn)
    conn.execute("DELETE FROM journal_entry WHERE series = 'R002' AND seq = 4")
    conn.close()
    refused(pos("verify"), "R002-00000004")  # verify run from R001
    assert pos(*SELL).exit_code == 0  # R001 itself is untouched and keeps selling


def test_newest_event_rows_deleted_are_caught(shop_dir: Path) -> None:
    bad_login = pos(*SELL[:4], "0000", *SELL[5:])
    assert bad_login.exit_code == 2  # a failed login: a chained event
    conn = sqlite3.connect(shop_dir / "ledger.db", isolation_level=None)
    drop_guards(conn)
    newest = conn.execute("SELECT max(seq) FROM event_log").fetchone()[0]
    # The process's start event rides in the same transaction, after the failed login.
    assert [k for (k,) in conn.execute("SELECT kind FROM event_log WHERE seq >= ? ORDER BY seq",
                                       (newest - 1,))] == ["login_failed", "start"]
    conn.execute("DELETE FROM event_log WHERE seq = ?", (newest,))
    conn.close()
    refused(pos("verify"), f"event R001#{newest}")


# -- backup --------------------------------------------------------------------------------

def test_backup_copy_verifies_clean_with_its_own_config(shop_dir: Path) -> None:
    backups = shop_dir / "backups"
    backups.mkdir()
    result = pos("backup", "--output", str(backups / "copia.db"))
    assert result.exit_code == 0, result.output
    for name in ("copia.db", "copia.db.key", "copia.db.key.R001.witness"):
        assert stat.S_IMODE((backups / name).stat().st_mode) == 0o600, name
    text = (shop_dir / "config.toml").read_text(encoding="utf-8")
    config = backups / "config.toml"
    config.write_text(text.replace('"sqlite:///ledger.db"', '"sqlite:///copia.db"')
                      .replace('"ledger.key"', '"copia.db.key"'), encoding="utf-8")
    assert 'copia.db.key' in config.read_text(encoding="utf-8")
    checked = pos_process(backups, "--config", str(config), "verify")
    assert checked.returncode == 0, checked.stderr
    assert "OK: 4 " in checked.stdout
    # The live shop sold on since: the copy is older, yet clean against its own witness.
    assert pos(*SELL).exit_code == 0
    assert pos("--config", str(config), "verify").exit_code == 0


def test_backup_taken_while_selling_verifies_clean(shop_dir: Path) -> None:
    """The online backup is a consistent snapshot while the terminal keeps selling."""
    import threading

    from pos.config import load_file
    from pos.services import ClerkView, Shop

    shop = Shop.open(load_file(shop_dir / "config.toml"))
    sold: list[str] = []

    def keep_selling() -> None:
        for _ in range(15):
            draft = shop.build_draft(operator="claro", phone="987654321", amount="10",
                                     method="cash", id_spec="dni:45678912")
            sold.append(shop.sell(ClerkView("Juan", "clerk"), draft, print_now=False).ticket)

    seller = threading.Thread(target=keep_selling)
    seller.start()
    try:
        result = pos("backup", "--output", str(shop_dir / "copia.db"))
    finally:
        seller.join()
        shop.close()
    assert result.exit_code == 0, result.output
    assert len(sold) == 15
    config = shop_dir / "copia.toml"
    config.write_text((shop_dir / "config.toml").read_text(encoding="utf-8")
                      .replace('"sqlite:///ledger.db"', '"sqlite:///copia.db"')
                      .replace('"ledger.key"', '"copia.db.key"'), encoding="utf-8")
    checked = pos("--config", str(config), "verify")
    assert checked.exit_code == 0, checked.output
    assert pos("verify").exit_code == 0


def test_backup_never_overwrites_without_force_nor_the_live_ledger(shop_dir: Path) -> None:
    target = shop_dir / "copia.db"
    target.write_bytes(b"precious")
    refused_result = pos("backup", "--output", str(target))
    assert refused_result.exit_code == 2 and "--force" in refused_result.stderr
    assert target.read_bytes() == b"precious"
    assert pos("backup", "--output", str(target), "--force").exit_code == 0
    assert target.read_bytes().startswith(b"SQLite format 3\0")
    for live in ("ledger.db", "ledger.key", WITNESS, "config.toml"):
        before = (shop_dir / live).read_bytes()
        assert pos("backup", "--output", str(shop_dir / live), "--force").exit_code == 2
        if live != "ledger.db":  # the ledger itself gains the start event: checked below
            assert (shop_dir / live).read_bytes().startswith(before), live
    assert tickets_sold(shop_dir) == 4 and pos("verify").exit_code == 0
    assert not list(shop_dir.glob(".*.tmp"))


def test_a_restored_backup_is_an_older_copy(shop_dir: Path) -> None:
    """Restoring a backup over the live ledger is a rollback like any other."""
    assert pos("backup", "--output", str(shop_dir / "copia.db")).exit_code == 0
    assert pos(*SELL).exit_code == 0
    restore(shop_dir, shop_dir / "copia.db")
    refused(pos(*SELL), "R001-00000005")


# -- the paper Z ---------------------------------------------------------------------------

def _z_code(folder: Path) -> str:
    from receipts import decode

    slips = decode((folder / "receipts-out" / "printer.bin").read_bytes())
    lines = [line for slip in slips for line in slip.text.splitlines()
             if "Código de cadena" in line]
    assert len(lines) == 1, [s.text for s in slips][-1]
    return lines[0].split(":", 1)[1].strip()


def test_z_code_checks_the_ledger_against_the_paper(shop_dir: Path) -> None:
    assert pos(*CLOSE_SHIFT).exit_code == 0  # R001-00000005
    result = pos("close-day", "--clerk", "Rosa", "--pin", "1234")
    assert result.exit_code == 0, result.output
    code = _z_code(shop_dir)
    assert len(code) == 14 and code.count("-") == 2
    checked = pos("verify", "--z-code", code.lower().replace("-", " "))
    assert checked.exit_code == 0, checked.output
    assert "R001-00000006" in checked.stdout
    assert pos(*OPEN_SHIFT).exit_code == 0
    assert pos(*SELL).exit_code == 0  # later sales do not change the answer
    assert pos("verify", "--z-code", code).exit_code == 0
    refused(pos("verify", "--z-code", "0000-0000-0000"), "0000-0000-0000")
    assert pos("verify", "--z-code", "nonsense").exit_code == 2


def test_z_code_fails_on_a_ledger_rewritten_with_the_key(shop_dir: Path) -> None:
    """Even someone holding the key and the witness cannot match the paper Z."""
    from pos.ledger import journal, witness
    from pos.ledger.models import EventEntry, JournalEntry

    assert pos(*CLOSE_SHIFT).exit_code == 0
    assert pos("close-day", "--clerk", "Rosa", "--pin", "1234").exit_code == 0
    code = _z_code(shop_dir)
    key = bytes.fromhex((shop_dir / "ledger.key").read_text().strip())
    conn = sqlite3.connect(shop_dir / "ledger.db", isolation_level=None)
    conn.row_factory = sqlite3.Row
    drop_guards(conn)
    conn.execute("BEGIN")
    prev = "0" * 64
    for row in conn.execute("SELECT * FROM journal_entry ORDER BY seq").fetchall():
        entry = JournalEntry(**dict(row))
        if entry.seq == 3:
            entry.amount_cents = 100  # the forger's edit of a sale before the Z
        entry.prev_hash = prev
        entry.hash = journal.entry_hash(key, entry)
        conn.execute("UPDATE journal_entry SET amount_cents = ?, prev_hash = ?, hash = ? "
                     "WHERE id = ?", (entry.amount_cents, entry.prev_hash, entry.hash, entry.id))
        prev = entry.hash
    conn.execute("COMMIT")
    event = EventEntry(**dict(conn.execute(
        "SELECT * FROM event_log ORDER BY seq DESC LIMIT 1").fetchone()))
    conn.close()
    seq = int(prev and tickets_sold(shop_dir))
    (shop_dir / WITNESS).write_bytes(
        witness.encode_line(key, "J", witness.Head("R001", seq, prev))
        + witness.encode_line(key, "E", witness.Head("R001", event.seq, event.hash)))
    assert pos("verify").exit_code == 0  # the machine alone can no longer tell
    refused(pos("verify", "--z-code", code), code)  # the paper can
