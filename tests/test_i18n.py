"""Every message the clerk can see has a Spanish translation, with the same placeholders."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from pos.i18n import _, set_locale
from pos.locale_es import MESSAGES

ROOT = Path(__file__).resolve().parents[1] / "pos"


def used_msgids() -> dict[str, str]:
    """msgid → where it is used, for every literal passed to _() or N_() in pos/."""
    found: dict[str, str] = {}
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_") and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
            # ValidationError(field, "msgid", ...) literals are translated later
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "ValidationError" and len(node.args) >= 2
                    and isinstance(node.args[1], ast.Constant)):
                found.setdefault(node.args[1].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_a_spanish_translation() -> None:
    missing = {m: where for m, where in used_msgids().items() if m not in MESSAGES}
    assert not missing, "untranslated: " + "\n".join(f"{w}: {m!r}" for m, w in missing.items())


@pytest.mark.parametrize("msgid", sorted(MESSAGES))
def test_translation_keeps_placeholders(msgid: str) -> None:
    assert placeholders(MESSAGES[msgid]) == placeholders(msgid)


def test_locale_switch() -> None:
    try:
        set_locale("en")
        assert _("Cash") == "Cash"
        set_locale("es_PE")
        assert _("Cash") == "Efectivo"
    finally:
        set_locale("es_PE")
