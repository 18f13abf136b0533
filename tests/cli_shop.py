"""The `pos` command run in-process in a shop folder: shared by tests/test_cli.py and
tests/test_auth.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parents[1]
# PINs and the customer's ID never go on the command line (`ps` shows it): the environment.
JUAN = {"POS_PIN": "5678", "POS_CUSTOMER_ID": "dni:45678912"}
ROSA = {"POS_MANAGER_PIN": "1234"}


def shipped_config() -> str:
    """The config.toml the project ships."""
    return (ROOT / "config.toml").read_text(encoding="utf-8")


def enter_shop_folder(folder: Path, config_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Write `config_text` as the folder's config.toml and work there (no POS_CONFIG)."""
    (folder / "config.toml").write_text(config_text, encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.delenv("POS_CONFIG", raising=False)


def pos(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    """`pos ARGS` in-process: never a traceback, never an exception other than the exit."""
    from pos.cli import main

    result = CliRunner().invoke(main, list(args), env=env, input=input)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def add_staff() -> None:
    """Rosa (manager, 1234) and Juan (clerk, 5678), and Juan's shift with an empty drawer
    (R001-00000001): sales need an open shift."""
    assert pos("clerk", "add", "Rosa", "--role", "manager",
               env={"POS_NEW_PIN": "1234"}).exit_code == 0
    assert pos("clerk", "add", "Juan", "--manager", "Rosa",
               env={**ROSA, "POS_NEW_PIN": "5678"}).exit_code == 0
    assert pos("shift", "open", "--clerk", "Juan", "--float", "0", env=JUAN).exit_code == 0


def staffed_shop(folder: Path, *, sale: bool = False) -> Path:
    """`folder` as a shop with the shipped config, Rosa and Juan and Juan's shift open (and,
    with `sale`, one printed cash sale), made with `pos --config` in-process."""
    from pos.i18n import set_locale

    (folder / "config.toml").write_text(shipped_config(), encoding="utf-8")
    base = ("--config", str(folder / "config.toml"))
    steps = [(("clerk", "add", "Rosa", "--role", "manager"), {"POS_NEW_PIN": "1234"}),
             (("clerk", "add", "Juan", "--manager", "Rosa"), {**ROSA, "POS_NEW_PIN": "5678"}),
             (("shift", "open", "--clerk", "Juan", "--float", "0"), JUAN)]
    if sale:
        steps.append((("sell", "--clerk", "Juan", "--operator", "claro", "--phone",
                       "987654321", "--amount", "10", "--pay", "cash"), JUAN))
    try:
        for args, env in steps:
            result = pos(*base, *args, env=env)
            assert result.exit_code == 0, result.output
    finally:
        set_locale("es_PE")
    return folder


def real_pos(folder: Path, *args: str, env: dict[str, str] | None = None,
             stdin: str | None = None, wrap: list[str] | None = None
             ) -> subprocess.CompletedProcess[str]:
    """`pos ARGS` as its own process in `folder`, following the test's wall clock (also when
    CI fakes the machine's clock), with no PIN, ID or config inherited from the test's
    environment; `wrap` runs it under another program (strace)."""
    code = ("import sys; from tests.wallclock import follow; follow(); "
            "from pos.cli import main; main(sys.argv[1:], prog_name='pos')")
    base = {k: v for k, v in os.environ.items()
            if k not in ("POS_CONFIG", "POS_PIN", "POS_MANAGER_PIN", "POS_CUSTOMER_ID")}
    proc = subprocess.run([*(wrap or []), sys.executable, "-c", code, *args], cwd=folder,
                          env={**base, "PYTHONPATH": str(ROOT), **(env or {})}, input=stdin,
                          capture_output=True, text=True, timeout=180, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc
