"""Someone with write access to the database file edits the journal: `pos verify` catches it.

Each case drops the guard triggers with the sqlite3 module (as an attacker would), changes
the journal directly with SQL, and runs `pos verify --config …`: exit 1, naming the ticket.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import config_file
from tests.ledger.conftest import sell_some

SALES = 10
ENTRIES = SALES + 1  # the shift the sales were made in opens the chain
TARGET = 5  # the middle entry tampered with


def ticket(seq: int) -> str:
    return f"R001-{seq:08d}"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger of 10 sales made through Shop.sell, closed (WAL checkpointed)."""
    from pos.config import load_file
    from pos.services import Shop

    folder = tmp_path_factory.mktemp("template")
    shop = Shop.open(load_file(config_file(folder, printer={"kind": "none"})))
    shop.add_clerk("Juan", "clerk", "5678", by=shop.add_clerk("Rosa", "manager", "1234"))
    sell_some(shop, SALES)
    shop.close()
    return folder


@pytest.fixture
def ledger(template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the template ledger; returns its config.toml."""
    folder = tmp_path / "shop"
    shutil.copytree(template, folder)
    return folder / "config.toml"


def verify(config: Path) -> Result:
    from pos.cli import main

    result = CliRunner().invoke(main, ["--config", str(config), "verify"])
    assert "Traceback" not in result.output
    return result


def tamper(config: Path, *statements: str | tuple[str, tuple[object, ...]]) -> None:
    """Drop the triggers, then run the statements, as someone holding the file would."""
    conn = sqlite3.connect(config.parent / "ledger.db", isolation_level=None)
    try:
        for name in ("journal_no_update", "journal_no_delete", "event_no_update",
                     "event_no_delete"):
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("BEGIN")
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, ())
            conn.execute(sql, params)
        conn.execute("COMMIT")
    finally:
        conn.close()


def assert_caught(config: Path, *names: str) -> str:
    result = verify(config)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    for name in names:
        assert name in result.stderr, result.stderr
    return result.stderr


def test_untouched_ledger_passes(ledger: Path) -> None:
    result = verify(ledger)
    assert result.exit_code == 0, result.output
    assert f"OK: {ENTRIES} " in result.stdout
    assert result.stdout.splitlines()[1].startswith("R001\t")


def test_untouched_ledger_passes_in_a_subprocess(ledger: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pos.cli", "--config", str(ledger), "verify"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert f"OK: {ENTRIES} " in proc.stdout


# What each column is changed to (a plausible edit that keeps the row readable).
EDITS: dict[str, str] = {
    "series": "'R002'",
    "seq": "seq + 100",
    "ticket": "'R001-00000099'",
    "kind": "'void'",
    "created_at": "'2026-11-24T15:30:00.000000Z'",
    "business_date": "'2026-11-24'",
    "clerk": "'Rosa'",
    "operator": "'movistar'",
    "phone": "'999999999'",
    "amount_cents": "amount_cents + 100",
    "method": "'plin'",
    "tendered_cents": "coalesce(tendered_cents, 0) + 100",
    "change_cents": "coalesce(change_cents, 0) + 100",
    "card_brand": "'amex'",
    "card_last4": "'0000'",
    "card_auth": "'FORGED'",
    "op_number": "'55555555'",
    "id_type": "'passport'",
    "id_masked": "'DNI *****000'",
    "id_digest": "'" + "ab" * 32 + "'",
    "id_number": "'45678904'",
    "ref_ticket": "'R001-00000001'",
    "reason": "'cliente se arrepintio'",
    "request_id": "'forged-request'",
    "data": "'{\"total\":0}'",
    "period": "coalesce(period, 0) + 1",
    "prev_hash": "'" + "0" * 64 + "'",
    "hash": "'" + "f" * 64 + "'",
}


def test_every_column_is_covered() -> None:
    from pos.ledger.models import JournalEntry

    assert set(EDITS) == set(JournalEntry.model_fields) - {"id"}


@pytest.mark.parametrize("column", sorted(EDITS))
def test_edit_any_column(ledger: Path, column: str) -> None:
    tamper(ledger, f"UPDATE journal_entry SET {column} = {EDITS[column]} WHERE seq = {TARGET}")
    assert_caught(ledger, ticket(TARGET))


def test_delete_a_middle_row(ledger: Path) -> None:
    tamper(ledger, f"DELETE FROM journal_entry WHERE seq = {TARGET}")
    stderr = assert_caught(ledger, ticket(TARGET + 1), ticket(TARGET))
    assert "missing" in stderr or "falta" in stderr.lower()


def test_delete_a_row_and_renumber(ledger: Path) -> None:
    tamper(
        ledger,
        f"DELETE FROM journal_entry WHERE seq = {TARGET}",
        f"UPDATE journal_entry SET seq = seq - 1 WHERE seq > {TARGET}",
        "UPDATE journal_entry SET ticket = 'R001-' || substr('00000000' || seq, -8)",
    )
    assert_caught(ledger, ticket(TARGET))


def test_swap_two_rows_positions(ledger: Path) -> None:
    """Rows 4 and 5 exchange their sequence numbers and tickets (reordering the journal)."""
    tamper(
        ledger,
        "UPDATE journal_entry SET seq = -seq, ticket = 'x' || ticket WHERE seq IN (4, 5)",
        "UPDATE journal_entry SET seq = 5, ticket = 'R001-00000005' WHERE seq = -4",
        "UPDATE journal_entry SET seq = 4, ticket = 'R001-00000004' WHERE seq = -5",
    )
    assert_caught(ledger, ticket(4))


def test_swap_two_rows_contents(ledger: Path) -> None:
    """Rows 4 and 5 exchange everything but their place (seq, ticket)."""
    columns = [c for c in EDITS if c not in ("seq", "ticket", "request_id")]
    sets = ", ".join(f"{c} = (SELECT {c} FROM journal_entry j WHERE j.seq = 9 - journal_entry.seq)"
                     for c in columns)
    tamper(ledger, f"UPDATE journal_entry SET {sets} WHERE seq IN (4, 5)")
    assert_caught(ledger, ticket(4))


def _forge(config: Path, key: bytes, from_seq: int) -> None:
    """Rewrite entries from `from_seq` on with a new amount, re-chaining them with `key`."""
    from pos.ledger.journal import canonical
    from pos.ledger.models import JournalEntry

    conn = sqlite3.connect(config.parent / "ledger.db", isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        for name in ("journal_no_update", "journal_no_delete"):
            conn.execute(f"DROP TRIGGER {name}")
        rows = conn.execute("SELECT * FROM journal_entry ORDER BY seq").fetchall()
        prev = rows[from_seq - 2]["hash"]
        conn.execute("BEGIN")
        for row in rows[from_seq - 1:]:
            entry = JournalEntry(**dict(row))
            entry.amount_cents = 1  # the forger's edit
            entry.prev_hash = prev
            entry.hash = hmac.new(key, canonical(entry), hashlib.sha256).hexdigest()
            conn.execute("UPDATE journal_entry SET amount_cents = ?, prev_hash = ?, hash = ?"
                         " WHERE id = ?", (entry.amount_cents, entry.prev_hash, entry.hash,
                                           entry.id))
            prev = entry.hash
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_forge_a_row_with_a_wrong_key(ledger: Path) -> None:
    _forge(ledger, b"guessed key".ljust(32, b"\0"), TARGET)
    stderr = assert_caught(ledger, ticket(TARGET))
    assert ticket(TARGET + 1) not in stderr


def test_forge_the_last_row_with_a_wrong_key(ledger: Path) -> None:
    _forge(ledger, hashlib.sha256(b"x").digest(), ENTRIES)
    assert_caught(ledger, ticket(ENTRIES))


def test_forge_with_the_real_key(ledger: Path) -> None:
    """The chain's strength is the key file: whoever holds it can rewrite history.

    Re-signing entries with the real key is still caught by the witness beside the key (the
    last entry no longer has the witnessed hash) — unless the forger rewrites the witness too,
    which needs the key's folder. That is why the key lives outside the database, with 0600
    permissions, and why the paper Z and off-machine backups are the final anchor."""
    from pos.ledger import witness

    key_file = ledger.parent / "ledger.key"
    key = bytes.fromhex(key_file.read_text().strip())
    _forge(ledger, key, TARGET)
    assert_caught(ledger, ticket(ENTRIES))

    conn = sqlite3.connect(ledger.parent / "ledger.db")
    last_hash = conn.execute(f"SELECT hash FROM journal_entry WHERE seq = {ENTRIES}").fetchone()[0]
    event = conn.execute("SELECT seq, hash FROM event_log ORDER BY seq DESC LIMIT 1").fetchone()
    conn.close()
    witness.witness_path(key_file, "R001").write_bytes(
        witness.encode_line(key, "J", witness.Head("R001", ENTRIES, last_hash))
        + witness.encode_line(key, "E", witness.Head("R001", event[0], event[1])))
    assert verify(ledger).exit_code == 0


def test_edit_an_event(ledger: Path) -> None:
    tamper(ledger, "UPDATE event_log SET detail = 'nothing happened' WHERE seq = 2")
    assert_caught(ledger, "event R001#2")


def test_tail_truncation_is_caught_by_the_head_record(ledger: Path) -> None:
    """Deleting the newest entries leaves a shorter, still valid chain; the head recorded
    beside the key file (pos/ledger/witness.py) still names the last one."""
    tamper(ledger, f"DELETE FROM journal_entry WHERE seq = {ENTRIES}")
    assert_caught(ledger, ticket(ENTRIES))


def test_tail_rewritten_with_the_key_is_caught_by_the_head_record(ledger: Path) -> None:
    """Even someone holding the key who re-signs a changed last entry is caught, unless they
    also rewrite the head record (which sits with the key, outside the database)."""
    key = bytes.fromhex((ledger.parent / "ledger.key").read_text().strip())
    conn = sqlite3.connect(ledger.parent / "ledger.db")
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute(f"SELECT * FROM journal_entry WHERE seq = {ENTRIES}").fetchone())
    conn.close()
    row["amount_cents"] = 1
    body = {k: v for k, v in row.items() if k not in ("id", "hash")}
    digest = hmac.new(key, json.dumps(body, sort_keys=True, ensure_ascii=False,
                                      separators=(",", ":")).encode(), hashlib.sha256)
    tamper(ledger, (f"UPDATE journal_entry SET amount_cents = 1, hash = ? WHERE seq = {ENTRIES}",
                    (digest.hexdigest(),)))
    assert_caught(ledger, ticket(ENTRIES))


def test_forged_witness_line_is_caught(ledger: Path) -> None:
    path = ledger.parent / "ledger.key.R001.witness"
    lines = path.read_bytes().splitlines(keepends=True)
    kind, series, seq, entry_hash, mac = lines[-1].decode().strip().split("|")
    lines[-1] = f"{kind}|{series}|{int(seq) + 5}|{entry_hash}|{mac}\n".encode()  # no key
    path.write_bytes(b"".join(lines))
    stderr = assert_caught(ledger, "R001")
    assert "witness" in stderr or "testigo" in stderr


def test_missing_witness_is_reported_as_missing(ledger: Path) -> None:
    """A ledger whose witness was deleted still passes the chain check, but verify says the
    newest entries cannot be checked (exit 1) — as missing, not as tampering."""
    (ledger.parent / "ledger.key.R001.witness").unlink()
    result = verify(ledger)
    assert result.exit_code == 1, result.output
    assert f"OK: {ENTRIES} " in result.stdout
    assert "ledger.key.R001.witness" in result.stderr
    assert "FAILED" not in result.stderr and "FALL" not in result.stderr


@pytest.mark.parametrize("case", ["garbage_hash", "null_like_hash"])
def test_malformed_hash_values(ledger: Path, case: str) -> None:
    value = "'zz'" if case == "garbage_hash" else "''"
    tamper(ledger, f"UPDATE journal_entry SET hash = {value} WHERE seq = {TARGET}")
    assert_caught(ledger, ticket(TARGET))


def test_reasons_are_json_safe() -> None:
    # the canonical encoding stays stable for any text a clerk can type
    from pos.ledger.journal import canonical_json

    assert json.loads(canonical_json({"b": "ñ", "a": 1})) == {"a": 1, "b": "ñ"}

