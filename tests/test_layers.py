"""The layers, read from the source with `ast` (every import, at any depth, counts):

    tui, cli  →  services  →  domain, ledger, receipts        (slips: domain + receipts)

- `pos.domain` imports nothing of ours but `pos.i18n` (translation markers) and itself;
- `receipts` imports nothing of `pos`;
- only `pos.ledger` and `pos.services` touch SQLModel/SQLAlchemy or the ledger's tables;
- the screens and the command line never reach into `pos.ledger`.

The lead adds import-linter contracts on top; this test needs nothing but the source.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DB_LIBRARIES = ("sqlmodel", "sqlalchemy")

# Allowed on purpose, each with its reason.
EXCEPTIONS = {
    # The app's start-up reads the clerk names with plain sqlite3 before SQLModel loads.
    ("pos/tui/app.py", "pos.ledger.peek"),
    # The error boundary: the exception family (pos/ledger/errors.py imports nothing).
    ("pos/cli.py", "pos.ledger.errors"),
    ("pos/tui/app.py", "pos.ledger.errors"),
}
# Top-ups (issue 13) still query the ledger themselves: their queries move to pos/ledger
# with the top-up issue. Listed so that no other module joins them unnoticed.
DB_USERS_TO_MOVE = {"pos/topup/service.py", "pos/topup/floats.py"}


def _imports(path: Path) -> Iterator[str]:
    """Every module `path` imports, absolute, wherever the import statement is."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def _allowed(name: str, module: str) -> bool:
    return any(name == where and _is(module, allowed) for where, allowed in EXCEPTIONS)


def _sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _is(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _offenders(folder: str, bad: Callable[[str], bool], skip: tuple[str, ...] = ()) -> list[str]:
    found = []
    for path in _sources(folder):
        name = path.relative_to(ROOT).as_posix()
        if name.startswith(skip):
            continue
        found += [f"{name}: {module}" for module in sorted(set(_imports(path)))
                  if bad(module) and not _allowed(name, module)]
    return found


def test_the_tree_is_there() -> None:
    assert len(_sources("pos/domain")) >= 8 and len(_sources("pos/services")) >= 7
    assert "pos.i18n" in set(_imports(ROOT / "pos/domain/money.py"))  # the walk sees imports


def test_domain_imports_nothing_of_ours_but_i18n() -> None:
    def bad(module: str) -> bool:
        return (_is(module, "pos") or _is(module, "receipts")) and not (
            _is(module, "pos.domain") or _is(module, "pos.i18n"))

    assert _offenders("pos/domain", bad) == []
    assert _offenders("pos/domain", lambda m: m.split(".")[0] in DB_LIBRARIES) == []


def test_receipts_import_nothing_of_pos() -> None:
    assert _offenders("receipts", lambda m: _is(m, "pos")) == []


def test_only_the_ledger_and_the_services_touch_the_database() -> None:
    def bad(module: str) -> bool:
        return module.split(".")[0] in DB_LIBRARIES or _is(module, "pos.ledger.models")

    found = _offenders("pos", bad, skip=("pos/ledger/", "pos/services/"))
    assert sorted({line.split(":")[0] for line in found}) == sorted(DB_USERS_TO_MOVE), found


def test_slips_say_it_from_values() -> None:
    found = set(_imports(ROOT / "pos/slips.py"))
    assert not [m for m in found if _is(m, "pos.ledger") or _is(m, "pos.services")
                or m.split(".")[0] in DB_LIBRARIES], found


@pytest.mark.parametrize("folder", ["pos/tui", "pos/cli.py"])
def test_screens_and_commands_do_not_reach_into_the_ledger(folder: str) -> None:
    if folder.endswith(".py"):
        paths = [ROOT / folder]
        found = [f"{folder}: {m}" for m in sorted(set(_imports(paths[0])))
                 if _is(m, "pos.ledger") and not _allowed(folder, m)]
    else:
        found = _offenders(folder, lambda m: _is(m, "pos.ledger"))
    assert found == []
