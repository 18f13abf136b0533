"""A bad config.toml or a ledger that cannot be opened: a clear message, never a traceback,
and an existing file is never overwritten or recreated.

Exit codes: 2 for a bad config.toml (file, key and reason on stderr); 1 for a ledger or key
file that cannot be used (the message names the file).
"""

from __future__ import annotations

from tests.conftest import open_test_shift, toml_text

import hashlib
import os
import random
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.faults.crash import ROOT, SEED, write_config

SHIPPED = ROOT / "config.toml"
SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")
SHIPPED_DATA = tomllib.loads(SHIPPED_TEXT)

# Values that are wrong for one key (right type, wrong value); every key also gets a value
# of the wrong type (see wrong_type).
WRONG_VALUE: dict[tuple[str, ...], Any] = {
    ("shop", "name"): "", ("shop", "ruc"): "10456789018", ("shop", "series"): "r1",
    ("shop", "locale"): "fr_FR", ("shop", "timezone"): "Mars/Olympus",
    ("ledger", "url"): "mysql://root@localhost/pos", ("ledger", "id_storage"): "plain",
    ("printer", "kind"): "laser", ("printer", "width"): 100, ("printer", "port"): 70000,
    ("payments", "methods"): ["bitcoin"], ("ui", "idle_lock_minutes"): -1,
    ("operators", "claro", "key"): "0", ("operators", "claro", "min"): 0,
    ("operators", "claro", "max"): 1,  # below min and the presets
    ("operators", "claro", "presets"): [5, 1000],
    ("operators", "bitel", "key"): "1",  # the same key as Claro
}
REQUIRED = {"name", "key", "min", "max"}  # an operator cannot be guessed


def wrong_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "maybe"
    if isinstance(value, (int, float)):
        return "many"
    if isinstance(value, list):
        return 7
    return [1, 2]


def leaves(data: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            out += leaves(value, (*prefix, key))
        else:
            out.append((*prefix, key))
    return out


KEYS = leaves(SHIPPED_DATA)


def label(path: tuple[str, ...]) -> str:
    """How pos.config names a key: `[shop] ruc`, `[operators.claro] min`."""
    if path[0] == "operators":
        return f"[operators.{path[1]}] {path[2]}"
    return f"[{path[0]}] {path[1]}"


def edited(path: tuple[str, ...], value: Any = None, *, remove: bool = False) -> dict[str, Any]:
    data = tomllib.loads(SHIPPED_TEXT)  # a deep copy
    node = data
    for part in path[:-1]:
        node = node[part]
    if remove:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


def pos(config: Path, *args: str) -> Result:
    from pos.cli import main

    result = CliRunner().invoke(main, ["--config", str(config), *args], catch_exceptions=False)
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything, everything
    assert "Unexpected error" not in everything and "inesperado" not in everything, everything
    return result


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_shipped_config_works(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    shutil.copy(SHIPPED, config)
    assert pos(config, "history").exit_code == 0
    assert (tmp_path / "ledger.db").exists()


def shipped(path: tuple[str, ...]) -> Any:
    node: Any = SHIPPED_DATA
    for part in path:
        node = node[part]
    return node


BAD = [(key, wrong_type(shipped(key))) for key in KEYS]
BAD += list(WRONG_VALUE.items())


@pytest.mark.parametrize(("key", "value"), BAD, ids=[f"{label(k)}={v!r}" for k, v in BAD])
def test_a_wrong_key_stops_start_up(tmp_path: Path, key: tuple[str, ...], value: Any) -> None:
    config = tmp_path / "config.toml"
    config.write_text(toml_text(edited(key, value)), encoding="utf-8")
    result = pos(config, "history")
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert str(config) in result.stderr, result.stderr
    if key == ("operators", "bitel", "key") and value == "1":
        names = ["[operators]"]  # the clash is a property of the whole table
    elif key[0] == "operators" and value in ([5, 1000], 1):
        names = [f"[operators.{key[1]}]"]  # min/max/presets are checked together
    else:
        names = [label(key)]
    assert any(name in result.stderr for name in names), result.stderr
    assert not (tmp_path / "ledger.db").exists(), "a bad config must not create anything"
    assert not (tmp_path / "ledger.key").exists()


@pytest.mark.parametrize("key", KEYS, ids=[label(k) for k in KEYS])
def test_a_missing_key_takes_its_default(tmp_path: Path, key: tuple[str, ...]) -> None:
    config = tmp_path / "config.toml"
    config.write_text(toml_text(edited(key, remove=True)), encoding="utf-8")
    result = pos(config, "history")
    if key[0] == "operators" and key[-1] in REQUIRED:
        assert result.exit_code == 2, result.stderr
        assert label(key) in result.stderr and str(config) in result.stderr
        return
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("text", [
    "[shop\nname = 1\n", "[shop]\nname = 'a'\nname = 'b'\n", "[shop]\nnmae = 'Rosa'\n",
    "[typo]\n", "shop = 3\n", "[shop]\nseries = \"R001\x00\"\n",
], ids=["syntax", "duplicate", "unknown-key", "unknown-section", "not-a-table", "nul"])
def test_a_broken_file_stops_start_up(tmp_path: Path, text: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    result = pos(config, "history")
    assert result.exit_code == 2 and str(config) in result.stderr, result.stderr


def test_not_utf8_a_folder_and_a_missing_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(b"[shop]\nname = \"Do\xf1a Rosa\"\n")
    for target in (config, tmp_path, tmp_path / "missing.toml"):
        result = pos(target, "history")
        assert result.exit_code == 2 and str(target) in result.stderr, result.stderr


# -- the ledger and its key -------------------------------------------------------------------


def ledger_with_sales(folder: Path, sales: int = 3) -> Path:
    from pos.config import load_settings
    from pos.services import ClerkView, Shop

    config = write_config(folder)
    shop = Shop.open(load_settings(config))
    try:
        shop.add_clerk("Juan", "clerk", "5678", by=shop.add_clerk("Rosa", "manager", "1234"))
        open_test_shift(shop)
        for _ in range(sales):
            draft = shop.build_draft(operator="claro", phone="987654321", amount="10",
                                     method="cash", id_spec="dni:12345678")
            shop.sell(ClerkView("Juan", "clerk"), draft, print_now=False)
    finally:
        shop.close()
    return config


def test_ledger_in_a_missing_folder(tmp_path: Path) -> None:
    config = write_config(tmp_path, url="sqlite:///gone/away/ledger.db")
    result = pos(config, "history")
    assert result.exit_code == 1 and "gone" in result.stderr, result.stderr
    assert not (tmp_path / "gone").exists(), "the missing folder was created"
    assert not (tmp_path / "ledger.key").exists()


def test_ledger_path_is_a_folder(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    (tmp_path / "ledger.db").mkdir()
    result = pos(config, "history")
    assert result.exit_code == 1 and "ledger.db" in result.stderr, result.stderr
    assert (tmp_path / "ledger.db").is_dir() and not any((tmp_path / "ledger.db").iterdir())


def test_read_only_ledger(tmp_path: Path) -> None:
    """A ledger on a read-only mount (root ignores file modes, so mount it read-only)."""
    if not shutil.which("unshare") or os.geteuid() != 0:
        pytest.skip("needs root and unshare(1) to mount a read-only folder")
    shop_dir = tmp_path / "shop"
    config = ledger_with_sales(shop_dir)
    before = sha(shop_dir / "ledger.db")
    script = ('mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" || exit 99; '
              'exec "$2" -m pos.cli --config "$3" sell --clerk Juan '
              '--operator claro --phone 987654321 --amount 10 --pay cash')
    done = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(shop_dir),
                           sys.executable, str(config)],
                          check=False, cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "POS_PIN": "5678",
                               "POS_CUSTOMER_ID": "dni:12345678"})
    if done.returncode == 99:
        pytest.skip(f"cannot mount read-only here: {done.stderr.strip()[:200]}")
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr
    assert "ledger.db" in done.stderr or str(shop_dir) in done.stderr, done.stderr
    assert not done.stdout.strip(), "a ticket was printed for a sale that cannot be stored"
    assert sha(shop_dir / "ledger.db") == before


def corrupt_random(db: Path) -> None:
    db.write_bytes(random.Random(SEED).randbytes(64 * 1024))


def corrupt_magic_then_garbage(db: Path) -> None:
    db.write_bytes(b"SQLite format 3\x00" + random.Random(SEED).randbytes(16 * 1024))


def corrupt_truncate(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def corrupt_pages(db: Path) -> None:
    data = db.read_bytes()
    page = int.from_bytes(data[16:18], "big") or 65536
    # The schema page survives, every table and index page is noise.
    db.write_bytes(data[:page] + random.Random(SEED).randbytes(len(data) - page))


@pytest.mark.parametrize("damage", [corrupt_random, corrupt_magic_then_garbage,
                                    corrupt_truncate, corrupt_pages],
                         ids=["random-bytes", "header-then-garbage", "truncated", "bad-page"])
@pytest.mark.parametrize("command", [["history"], ["verify"],
                                     ["sell", "--clerk", "Juan",
                                      "--operator", "claro", "--phone", "987654321",
                                      "--amount", "10", "--pay", "cash"]],
                         ids=["history", "verify", "sell"])
def test_corrupt_ledger_is_never_overwritten(tmp_path: Path, damage: Any,
                                             command: list[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    config = ledger_with_sales(tmp_path)
    db = tmp_path / "ledger.db"
    from pos.config import load_settings
    from pos.services import Shop  # make sure the WAL is folded into the file first

    Shop.open(load_settings(config)).close()
    for extra in (tmp_path / "ledger.db-wal", tmp_path / "ledger.db-shm"):
        extra.unlink(missing_ok=True)
    damage(db)
    before = sha(db)
    monkeypatch.setenv("POS_PIN", "5678")
    monkeypatch.setenv("POS_CUSTOMER_ID", "dni:12345678")
    result = pos(config, *command)
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.strip(), "no message"
    assert "R001-" not in result.stdout, "a ticket was reported from a damaged ledger"
    assert sha(db) == before, "the damaged ledger file was changed"


def test_foreign_sqlite_database_is_left_alone(tmp_path: Path) -> None:
    import sqlite3

    config = write_config(tmp_path)
    conn = sqlite3.connect(tmp_path / "ledger.db")
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('Rosa')")
    conn.commit()
    conn.close()
    before = sha(tmp_path / "ledger.db")
    result = pos(config, "history")
    assert result.exit_code == 1 and "customers" in result.stderr, result.stderr
    assert sha(tmp_path / "ledger.db") == before
    assert not (tmp_path / "ledger.key").exists()


def test_missing_key_with_entries(tmp_path: Path) -> None:
    config = ledger_with_sales(tmp_path)
    key = tmp_path / "ledger.key"
    key.rename(tmp_path / "backup.key")
    before = sha(tmp_path / "ledger.db")
    for command in (["history"], ["verify"]):
        result = pos(config, *command)
        assert result.exit_code == 1 and "ledger.key" in result.stderr, result.stderr
        assert not key.exists(), "a new key was created for a ledger that has entries"
    assert sha(tmp_path / "ledger.db") == before


@pytest.mark.parametrize("content", [b"", b"abc", b"00" * 8, b"\xff\xfe" * 40],
                         ids=["empty", "not-hex", "too-short", "binary"])
def test_damaged_key_file(tmp_path: Path, content: bytes) -> None:
    config = ledger_with_sales(tmp_path)
    key = tmp_path / "ledger.key"
    key.write_bytes(content)
    result = pos(config, "verify")
    assert result.exit_code == 1 and "ledger.key" in result.stderr, result.stderr
    assert key.read_bytes() == content
