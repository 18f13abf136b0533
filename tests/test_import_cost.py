"""The CLI pays only for what it uses (issue 12): on a SQLite ledger no command imports the
PostgreSQL dialect, and only a command that renders a receipt imports python-escpos. And
`pos verify` shows a progress bar on stderr when stderr is a terminal, nothing otherwise.

Each check is a fresh interpreter (a subprocess), so nothing imported by the test process counts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_shop import JUAN, staffed_shop

ROOT = Path(__file__).resolve().parents[1]

# Runs the real entry point in-process, then reports which costly modules were loaded.
PROBE = """
import json, sys
from tests.wallclock import follow; follow()  # the test's clock, also under libfaketime
import pos.cli
from pos.cli import main
try:
    main(sys.argv[1:], prog_name="pos")
except SystemExit as exc:
    code = exc.code
loaded = sorted(m for m in sys.modules if m == "escpos" or m.startswith("escpos.")
                or m.startswith("sqlalchemy.dialects.postgresql"))
print(json.dumps({"code": code, "loaded": loaded}), file=sys.__stderr__)
"""


def _probe(folder: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    proc = subprocess.run([sys.executable, "-c", PROBE, "--config", str(folder / "config.toml"),
                           *args], capture_output=True, text=True, timeout=120, cwd=folder,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
                          check=False)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    return report["code"], report["loaded"]


@pytest.fixture(scope="module")
def shop_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite shop with two clerks, an open shift."""
    return staffed_shop(tmp_path_factory.mktemp("shop"))


def test_loading_a_sqlite_config_imports_neither(shop_dir: Path) -> None:
    code = ("import pos.cli, sys\n"
            "from pos.config import load_file\n"
            f"settings = load_file(__import__('pathlib').Path({str(shop_dir / 'config.toml')!r}))\n"
            "assert settings.ledger_url.startswith('sqlite:')\n"
            "print(sorted(m for m in sys.modules if m.startswith(('escpos', "
            "'sqlalchemy.dialects.postgresql'))))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert proc.stdout.strip() == "[]"


@pytest.mark.parametrize("args", [
    ["history"],
    ["verify"],
    ["clerk", "list"],
    ["print-queue", "--all"],
], ids=lambda a: " ".join(a))
def test_reading_commands_import_neither(shop_dir: Path, args: list[str]) -> None:
    code, loaded = _probe(shop_dir, *args)
    assert code == 0
    assert loaded == []


def test_export_imports_neither(shop_dir: Path) -> None:
    code, loaded = _probe(shop_dir, "export", "--date", "2026-11-25", "--output",
                          str(shop_dir / "day.csv"), "--force", "--manager", "Rosa",
                          env={"POS_MANAGER_PIN": "1234"})
    assert code == 0
    assert (shop_dir / "day.csv").is_file()
    assert loaded == []


def test_a_sale_loads_escpos_to_render_its_receipt_but_no_postgresql(shop_dir: Path) -> None:
    code, loaded = _probe(shop_dir, "sell", "--clerk", "Juan", "--operator", "claro",
                          "--phone", "987 654 321", "--amount", "20", "--pay", "cash", env=JUAN)
    assert code == 0
    assert "escpos" in loaded  # the receipt is rendered: that is what escpos is for
    assert not [m for m in loaded if m.startswith("sqlalchemy.dialects.postgresql")]


# -- the collector (issue 12): off while a command starts, on while it works ---------------

# The console script's own entry point (pos.launch), watched from outside through gc.callbacks.
GC_PROBE = """
import gc, json, sys
from tests.wallclock import follow; follow()
seen = []
gc.callbacks.append(lambda phase, info: phase == "start" and seen.append(
    (info["generation"], gc.get_freeze_count(), "pos.services" in sys.modules)))
sys.argv = ["pos", *sys.argv[1:]]
from pos.launch import main
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "seen": seen, "frozen_at_exit": gc.get_freeze_count()}),
      file=sys.__stderr__)
"""


def test_a_command_starts_without_the_collector_and_works_with_it(shop_dir: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", GC_PROBE, "--config",
                           str(shop_dir / "config.toml"), "history"], capture_output=True,
                          text=True, timeout=120, cwd=shop_dir,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None)
    # No collection while SQLAlchemy, pydantic and ours load: the first one comes after the
    # ledger's modules are imported, with what start-up made already frozen (never walked).
    assert report["seen"], "the collector never ran: it stayed off for the whole command"
    _generation, frozen, services_loaded = report["seen"][0]
    assert services_loaded
    assert frozen > 50_000  # ~120,000 today: SQLAlchemy's, pydantic's and ours
    assert report["frozen_at_exit"] >= frozen  # and what is left is frozen before shutdown


# -- verify's progress bar (issue 12): on a terminal only, on stderr -----------------------

def _verify_with_stderr_on_a_pty(folder: Path) -> tuple[int, str, bytes]:
    import pty
    import select

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "pos.cli", "--config",
                             str(folder / "config.toml"), "verify"], cwd=folder,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                            env={**os.environ, "TERM": "xterm", "COLUMNS": "100"})
    os.close(slave)
    shown = b""
    while select.select([master], [], [], 30)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    os.close(master)
    return proc.wait(timeout=60), out, shown


def test_verify_shows_a_progress_bar_on_a_terminal(shop_dir: Path) -> None:
    code, out, shown = _verify_with_stderr_on_a_pty(shop_dir)
    assert code == 0
    assert out.startswith("OK: ")  # the answer stays on stdout, clean for scripts
    assert "Verificando".encode() in shown  # the label, in the shop's language
    assert "━".encode() in shown  # the bar (Rich draws it with heavy horizontal lines)


def test_verify_without_a_terminal_prints_no_bar(shop_dir: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pos.cli", "--config",
                           str(shop_dir / "config.toml"), "verify"], capture_output=True,
                          text=True, timeout=120, cwd=shop_dir, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Verificando" not in proc.stderr and "━" not in proc.stderr
