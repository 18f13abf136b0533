"""Export file safety (issue 10, Files): never over an existing file without --force, never
over the shop's own files or anything but a regular file, a temporary file in the target
folder renamed into place, a missing folder created, a full disk a clear message; and
everything the app creates is owner-only."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pos.domain.errors import ValidationError
from pos.ledger.errors import LedgerError

DAY = date(2026, 11, 25)
ROOT = Path(__file__).resolve().parents[2]


def _sell(shop: Any, amount: str = "20") -> Any:
    draft = shop.build_draft(operator="claro", phone="987654321", amount=amount, method="cash",
                             id_spec="dni:12345678", tendered=amount)
    return shop.sell(shop.login("Juan", "5678"), draft, print_now=True)


@pytest.fixture
def sold(shop: Any, tmp_path: Path) -> Any:
    (tmp_path / "config.toml").write_text("# the shop's config\n", encoding="utf-8")
    _sell(shop)
    return shop


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_existing_file_is_kept_without_force(sold: Any, tmp_path: Path) -> None:
    out = tmp_path / "day.csv"
    out.write_text("the accountant's own notes\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        sold.export(DAY, DAY, "csv", out)
    assert "--force" in err.value.message and str(out) in str(err.value.params)
    assert out.read_text(encoding="utf-8") == "the accountant's own notes\n"
    assert _leftovers(tmp_path) == []
    assert sold.export(DAY, DAY, "csv", out, force=True) == 2  # the shift and the sale
    assert "R001-00000002" in out.read_text(encoding="utf-8-sig")
    assert stat.S_IMODE(out.stat().st_mode) & 0o077 == 0  # owner-only, whatever the umask


@pytest.mark.parametrize("name", ["ledger.db", "ledger.db-wal", "ledger.key",
                                  "ledger.key.R001.witness", "config.toml", "out/printer.bin"])
@pytest.mark.parametrize("force", [False, True])
def test_the_shops_own_files_are_never_written(sold: Any, tmp_path: Path, name: str,
                                               force: bool) -> None:
    target = tmp_path / name
    assert target.exists(), name
    before = _digest(target)
    for fmt in ("csv", "json", "xlsx"):
        with pytest.raises(ValidationError) as err:
            sold.export(DAY, DAY, fmt, target, force=force)
        assert err.value.field == "output"
        assert _digest(target) == before
    assert sold.verify().entries >= 1  # the ledger is whole


@pytest.mark.parametrize("force", [False, True])
def test_own_files_are_recognised_through_links_and_relative_paths(
        sold: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, force: bool) -> None:
    (tmp_path / "sym.csv").symlink_to(tmp_path / "ledger.db")
    os.link(tmp_path / "ledger.key", tmp_path / "hard.csv")  # same inode, another name
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    before = {p: _digest(tmp_path / p) for p in ("ledger.db", "ledger.key")}
    for target in (tmp_path / "sym.csv", tmp_path / "hard.csv", Path("../ledger.key"),
                   Path("../sub/../ledger.db")):
        with pytest.raises(ValidationError):
            sold.export(DAY, DAY, "csv", target, force=force)
    assert {p: _digest(tmp_path / p) for p in before} == before


@pytest.mark.parametrize("force", [False, True])
def test_only_regular_files_are_written(sold: Any, tmp_path: Path, force: bool) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    fifo = tmp_path / "a-pipe"
    os.mkfifo(fifo)
    targets = [folder, fifo]
    if os.path.exists("/dev/full"):
        targets.append(Path("/dev/full"))
    for target in targets:
        with pytest.raises(ValidationError) as err:
            sold.export(DAY, DAY, "csv", target, force=force)
        assert "regular" in err.value.msgid
    assert stat.S_ISFIFO(fifo.stat().st_mode) and folder.is_dir()
    if os.path.exists("/dev/full"):
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # still the device, not a CSV


def test_missing_folder_is_created_and_nothing_goes_to_tmp(
        sold: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "system-tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where "/tmp" files would land
    out = tmp_path / "exports" / "2026" / "nov.xlsx"
    pytest.importorskip("openpyxl")
    assert sold.export(DAY, DAY, "xlsx", out) == 2
    assert out.is_file() and list(scratch.iterdir()) == []
    assert sorted(p.name for p in out.parent.iterdir()) == ["nov.xlsx"]


# -- a full disk: a real tmpfs of a few kilobytes ---------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8k,mode=0700", "tmpfs",
                           str(mount)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        # Fill it, leaving no free block.
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"x" * 512)
        except OSError:
            pass
        finally:
            os.close(fd)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_gets_a_clear_message_and_leaves_nothing(sold: Any, tiny_disk: Path) -> None:
    for _ in range(20):
        _sell(sold, "7")
    out = tiny_disk / "day.csv"
    with pytest.raises(LedgerError) as err:
        sold.export(DAY, DAY, "csv", out)
    assert "NO se escribió" in str(err.value) and str(out) in str(err.value)
    assert not out.exists() and _leftovers(tiny_disk) == []


def test_full_disk_through_the_cli_exits_1_without_traceback(tmp_path: Path,
                                                             tiny_disk: Path) -> None:
    assert _pos(tmp_path, "clerk", "add", "Juan", "--role", "manager").returncode == 0
    result = _pos(tmp_path, "export", "--date", DAY.isoformat(), "--output",
                  str(tiny_disk / "x" / "day.csv"), "--manager", "Juan")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "disco está lleno" in result.stderr
    assert not (tiny_disk / "x" / "day.csv").exists()


# -- owner-only files, through the real `pos` entry point ---------------------------------------


def _pos(folder: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    config = folder / "config.toml"
    if not config.exists():
        config.write_text((ROOT / "config.toml").read_text(encoding="utf-8"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "POS_CONFIG"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env["XDG_DATA_HOME"] = str(folder / "xdg-data")
    # PINs and the customer's ID come from the environment, never the command line.
    env |= {"POS_PIN": "5678", "POS_MANAGER_PIN": "5678", "POS_NEW_PIN": "5678",
            "POS_CUSTOMER_ID": "dni:45678912"}
    return subprocess.run([sys.executable, "-m", "pos.launch", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_everything_the_app_creates_is_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # a permissive umask in the parent, as on most systems
    try:
        _check_owner_only(tmp_path)
    finally:
        os.umask(previous)


def _check_owner_only(tmp_path: Path) -> None:
    assert _pos(tmp_path, "clerk", "add", "Juan", "--role", "manager").returncode == 0
    assert _pos(tmp_path, "shift", "open", "--clerk", "Juan", "--float", "0").returncode == 0
    sold = _pos(tmp_path, "sell", "--clerk", "Juan", "--operator", "claro",
                "--phone", "987654321", "--amount", "20", "--pay", "cash")
    assert sold.returncode == 0, sold.stderr
    exported = _pos(tmp_path, "export", "--date", DAY.isoformat(), "--format", "csv",
                    "--output", "exports/nov/day.csv", "--manager", "Juan")
    assert exported.returncode == 0, exported.stderr
    created = [p for p in tmp_path.rglob("*") if p.name != "config.toml"]
    names = {p.relative_to(tmp_path).as_posix() for p in created}
    assert {"ledger.db", "ledger.key", "receipts-out/printer.bin", "exports/nov/day.csv",
            "exports", "exports/nov", "ledger.key.R001.witness"} <= names, names
    loose = {p.relative_to(tmp_path).as_posix(): oct(stat.S_IMODE(p.lstat().st_mode))
             for p in created if stat.S_IMODE(p.lstat().st_mode) & 0o077}
    assert loose == {}


def test_crash_log_is_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pos.cli import _crash_log
    from pos.locations import user_data_dir

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    folder = user_data_dir()
    folder.mkdir(parents=True)
    (folder / "crash.log").write_text("old\n", encoding="utf-8")
    os.chmod(folder / "crash.log", 0o644)  # left world-readable by an older version
    path = Path(_crash_log(RuntimeError("boom 987654321")))
    assert path == folder / "crash.log" and "boom" in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
