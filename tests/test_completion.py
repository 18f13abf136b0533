"""Shell completion: `eval "$(_POS_COMPLETE=bash_source pos)"` prints click's script and never
starts the terminal app (put in .bashrc, a started app would hang the shell)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "POS_CONFIG"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env.update(extra)
    return env


def _entry_points() -> list[list[str]]:
    """The launcher as a module, and the installed `pos` console script when there is one."""
    commands = [[sys.executable, "-m", "pos.launch"]]
    script = shutil.which("pos")
    if script:
        commands.append([script])
    return commands


@pytest.mark.parametrize("command", _entry_points(), ids=lambda c: Path(c[-1]).name)
@pytest.mark.parametrize(("shell", "marker"),
                         [("bash", "complete -o nosort -F _pos_completion pos"),
                          ("zsh", "#compdef pos"),
                          ("fish", "complete --no-files --command pos")])
def test_completion_script_is_printed_not_the_app(tmp_path: Path, command: list[str],
                                                  shell: str, marker: str) -> None:
    env = _env(tmp_path, _POS_COMPLETE=f"{shell}_source")
    proc = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert marker in proc.stdout
    assert "\x1b[" not in proc.stdout  # no terminal app drew anything
    assert not (tmp_path / "data").exists()  # and no ledger was opened or created


def test_completion_answers_a_request(tmp_path: Path) -> None:
    env = _env(tmp_path, _POS_COMPLETE="bash_complete", COMP_WORDS="pos exp", COMP_CWORD="1")
    proc = subprocess.run([sys.executable, "-m", "pos.launch"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["plain,export"]


def test_bash_eval_of_the_script_registers_the_completion(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    launcher = tmp_path / "bin" / "pos"
    launcher.parent.mkdir()
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} -m pos.launch \"$@\"\n")
    launcher.chmod(0o700)
    env = _env(tmp_path, PATH=f"{launcher.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run([bash, "--norc", "--noprofile", "-c",
                           'eval "$(_POS_COMPLETE=bash_source pos)" && complete -p pos'],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert "_pos_completion" in proc.stdout
