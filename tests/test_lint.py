"""Lint and types: ruff's pyflakes rules (unused or undefined names, syntax errors,
duplicate keys) over the whole tree, and mypy over the application."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_pyflakes_clean() -> None:
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]' brings it)")
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "F,E9", "--output-format", "concise", "--no-cache",
         "pos", "receipts", "tests", "bench"],
        cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_clean() -> None:
    """Type hints hold (pyproject's [tool.mypy]; migrations excluded)."""
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (pip install -e '.[test]' brings it)")
    proc = subprocess.run([sys.executable, "-m", "mypy", "pos", "receipts"], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # The contracts live in pyproject.toml ([tool.importlinter]); grimp reads the tree as text.
    return subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command;"
                           " lint_imports_command()", "--no-cache"],
                          cwd=root, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(root)})


def test_import_contracts_kept() -> None:
    """The layering of DESIGN.md: cli/tui -> services -> ledger/domain/receipts, pure domain,
    receipts without pos, SQLModel only in ledger/services, screens never import each other."""
    proc = _lint_imports(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "broken" not in proc.stdout.lower().replace("0 broken", "")


@pytest.mark.parametrize("module,line", [
    ("pos/domain/money.py", "import sqlmodel  # a database in the domain\n"),
    ("receipts/layout.py", "import pos.config  # receipts knowing the application\n"),
    ("pos/tui/screens/day.py", "import pos.tui.screens.history  # a screen importing a screen\n"),
    ("pos/services/sales.py", "import pos.tui.app  # a use case importing the screens\n"),
    ("pos/tui/screens/sale.py", "import pos.ledger.journal  # a screen reading the ledger\n"),
    ("pos/cli.py", "from pos.ledger import models  # the command line reading tables\n"),
])
def test_import_contracts_catch_a_violation(tmp_path: Path, module: str, line: str) -> None:
    """The contracts are not vacuous: one forbidden import in a copy of the tree breaks them."""
    for name in ("pos", "receipts"):
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.po", "*.pot"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + "\n" + line, encoding="utf-8")
    proc = _lint_imports(tmp_path)
    assert proc.returncode != 0, proc.stdout
    assert "BROKEN" in proc.stdout
