"""The app routes between screens (issue 11): no screen module imports another one, and
every screen reaches the app through one typed `pos_app`, not `# type: ignore`s."""

from __future__ import annotations

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "pos" / "tui"
SCREENS = TUI / "screens"


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in a file, at any depth (inside functions too)."""
    package = "pos.tui.screens"
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against pos.tui.screens
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
                # `from . import sale` imports a sibling module by its name
                found += [(node.lineno, f"{module}.{a.name}") for a in node.names] \
                    if not node.module else [(node.lineno, module)]
            else:
                module = node.module or ""
                found.append((node.lineno, module))
                if module == package:  # `from pos.tui.screens import sale`
                    found += [(node.lineno, f"{module}.{a.name}") for a in node.names]
    return found


def screen_imports(path: Path) -> list[str]:
    return [f"{path.name}:{line} imports {module}" for line, module in imported_modules(path)
            if module == "pos.tui.screens" or module.startswith("pos.tui.screens.")]


def test_there_are_screens_to_check() -> None:
    names = {p.stem for p in SCREENS.glob("*.py")}
    assert {"sale", "confirm", "receipt", "history", "backoffice", "prompt"} <= names


def test_no_screen_imports_another_screen() -> None:
    offences = [o for path in sorted(SCREENS.glob("*.py")) for o in screen_imports(path)]
    assert offences == []


def test_the_walk_sees_every_form_of_import(tmp_path: Path) -> None:
    """The check itself: each way of importing a sibling screen is caught."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import pos.tui.screens.sale\n"
        "from pos.tui.screens import confirm\n"
        "from .receipt import ReceiptScreen\n"
        "def later():\n"
        "    from pos.tui.screens.prompt import PromptScreen\n"
        "from pos.tui.widgets import Banner\n"
        "from pos.tui.base import PosScreen\n", encoding="utf-8")
    assert screen_imports(sample) == [
        "sample.py:1 imports pos.tui.screens.sale",
        "sample.py:2 imports pos.tui.screens",
        "sample.py:2 imports pos.tui.screens.confirm",
        "sample.py:3 imports pos.tui.screens.receipt",
        "sample.py:5 imports pos.tui.screens.prompt",
    ]


def test_no_attr_defined_ignores_in_the_tui() -> None:
    """One typed reference to the app (`PosScreen.pos_app`) instead of an ignore a call."""
    found = [f"{path.relative_to(TUI)}:{n}" for path in sorted(TUI.rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "type: ignore[attr-defined]" in line]
    assert found == []


def test_no_screen_calls_the_apps_private_routing() -> None:
    """Screens call the app's public routing API (ask, confirm_sale, show_receipt, ...)."""
    found = [f"{path.name}:{n}" for path in sorted(SCREENS.glob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "_sale_screen(" in line]
    assert found == []
