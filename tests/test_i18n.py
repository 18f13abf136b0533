"""Every message the clerk can see has a translation, with the same placeholders; the compiled
catalogue is the .po's; the language follows config, per context; click speaks it too.

The messages "in use" are what `pybabel extract -F babel.cfg` finds (babel.cfg,
pos/i18n_extract.py): `_()`, `N_()`, `ngettext()` and `ValidationError(field, "…")` literals in
pos/, the help of every `pos` command and option, and click's own messages.
"""

from __future__ import annotations

import asyncio
import gettext
import io
import os
import string
import subprocess
import sys
import threading
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from pos.i18n import (
    LOCALE_DIR,
    _,
    babel_locale,
    current_locale,
    language_of,
    ngettext,
    set_locale,
    use_locale,
)

ROOT = Path(__file__).resolve().parents[1]
PO = LOCALE_DIR / "es" / "LC_MESSAGES" / "pos.po"
MO = PO.with_suffix(".mo")
POT = LOCALE_DIR / "pos.pot"
# every language: the checks below hold for each catalogue under pos/locale/
LANGUAGES = sorted(path.parent.parent.name for path in LOCALE_DIR.glob("*/LC_MESSAGES/pos.po"))


@cache
def used_msgids() -> dict[str | tuple[str, str], str]:
    """msgid (or singular, plural) → where it is used, as pybabel extracts them."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[str | tuple[str, str], str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / "pos"), method_map, options_map, keywords=DEFAULT_KEYWORDS):
        found.setdefault(message, f"pos/{filename}:{lineno}")
    return found


@cache
def catalogue(language: str) -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "pos.po").open("rb") as fh:
        return read_po(fh)


def spanish() -> Catalog:
    return catalogue("es")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def translated(message: Message | None) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def test_catalogues() -> None:
    assert "es" in LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_a_translation(language: str) -> None:
    assert len(used_msgids()) > 700  # the extraction really ran over pos/, help and click
    # also found: a message inside an f-string, a ValidationError literal, click's own
    assert {"Auth.", "Usage:", "Missing option"} <= set(used_msgids())
    catalog = catalogue(language)
    missing = {m: where for m, where in used_msgids().items()
               if not translated(catalog.get(m if isinstance(m, str) else m[0]))}
    assert not missing, "untranslated or fuzzy: " + "\n".join(
        f"{w}: {m!r}" for m, w in missing.items())


def test_extraction_reads_validation_errors_and_f_strings() -> None:
    from pos.i18n_extract import extract_python

    source = (b'raise s.ValidationError("card", "Bad card {x}.", x=1)\n'
              b'label = f"{_(\'Auth.\')} {code}"\n')
    found = [(f, m) for _, f, m, _ in extract_python(io.BytesIO(source), DEFAULT_KEYWORDS, [],
                                                      {})]
    assert (None, "Bad card {x}.") in found and ("_", "Auth.") in found


def test_plural_messages_have_spanish_plural_forms() -> None:
    catalog = spanish()
    assert catalog.num_plurals == 2 and catalog.plural_expr == "(n != 1)"
    plural = [m for m in used_msgids() if isinstance(m, tuple)]
    assert ("{count} ticket", "{count} tickets") in plural
    for singular, plural_id in plural:
        message = catalog.get(singular)
        assert message is not None and message.pluralizable, singular
        assert message.id == (singular, plural_id)


def _catalogue_entries() -> list[tuple[str, Message]]:
    return [(language, m) for language in LANGUAGES for m in catalogue(language) if m.id]


@pytest.mark.parametrize(("language", "message"), _catalogue_entries(),
                         ids=lambda x: x if isinstance(x, str) else repr(x.id)[:60])
def test_translation_keeps_placeholders(language: str, message: Message) -> None:
    if isinstance(message.id, tuple):
        singular, plural = message.id
        first, *others = message.string
        assert placeholders(first) == placeholders(singular)
        for form in others:
            assert placeholders(form) == placeholders(plural)
    else:
        assert placeholders(message.string) == placeholders(message.id)


def test_template_lists_every_message_in_use() -> None:
    """pos.pot was extracted again after the last new message (`pybabel extract`, README)."""
    with POT.open("rb") as fh:
        template = {m.id for m in read_po(fh) if m.id}
    assert set(used_msgids()) <= template, set(used_msgids()) - template


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_is_the_po(language: str) -> None:
    """pos.mo is what `pybabel compile` makes of pos.po now (a stale .mo fails here)."""
    fresh = io.BytesIO()
    write_mo(fresh, catalogue(language))
    fresh.seek(0)
    with (LOCALE_DIR / language / "LC_MESSAGES" / "pos.mo").open("rb") as fh:
        shipped = gettext.GNUTranslations(fh)
    compiled = gettext.GNUTranslations(fresh)
    assert shipped._catalog == compiled._catalog  # type: ignore[attr-defined]
    assert shipped.info() == compiled.info()


def test_spanish_plural_forms_compiled() -> None:
    with MO.open("rb") as fh:
        shipped = gettext.GNUTranslations(fh)
    assert shipped.plural(1) == 0 and shipped.plural(2) == 1 and shipped.plural(0) == 1


def test_compiled_catalogues_ship_with_the_package() -> None:
    """pyproject's package-data takes every compiled catalogue (pos/locale/*/LC_MESSAGES/*)."""
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["pos"]
    shipped = {path for pattern in patterns for path in (ROOT / "pos").glob(pattern)}
    for language in LANGUAGES:
        assert LOCALE_DIR / language / "LC_MESSAGES" / "pos.mo" in shipped


# -- the language at run time -------------------------------------------------------------

@pytest.fixture(autouse=True)
def back_to_spanish() -> object:
    yield
    set_locale("es_PE")


def test_locale_switch() -> None:
    set_locale("en")
    assert _("Cash") == "Cash" and current_locale() == "en" and babel_locale() == "en_US"
    set_locale("es_PE")
    assert _("Cash") == "Efectivo" and current_locale() == "es" and babel_locale() == "es_PE"
    assert _("Change: {change}", change="S/ 1.00") == "Vuelto: S/ 1.00"
    assert [language_of(x) for x in ("es_PE", "es", "en", "en_US", "fr_FR")] == [
        "es", "es", "en", "en", "es"]  # no catalogue for French: the default, Spanish


def test_plurals() -> None:
    assert ngettext("{count} ticket", "{count} tickets", 1, count=1) == "1 ticket"
    assert ngettext("{count} ticket", "{count} tickets", 2, count=2) == "2 tickets"
    assert ngettext("{count} still pending.", "{count} still pending.", 1,
                    count=1) == "1 sigue pendiente."
    assert ngettext("{count} still pending.", "{count} still pending.", 0,
                    count=0) == "0 siguen pendientes."
    with use_locale("en"):
        assert ngettext("{count} entry", "{count} entries", 1, count=1) == "1 entry"
        assert ngettext("{count} entry", "{count} entries", 3, count=3) == "3 entries"


def test_use_locale_is_this_context_only() -> None:
    seen: dict[str, str] = {}

    def other_thread() -> None:
        seen["thread"] = _("Cash")

    with use_locale("en"):
        assert _("Cash") == "Cash"
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
    assert seen["thread"] == "Efectivo"  # a new thread follows the process's language
    assert _("Cash") == "Efectivo"


def test_set_locale_reaches_threads_and_tasks_started_before() -> None:
    """The TUI reads config.toml in a worker thread and sets the language there: the screens'
    tasks, started before, must follow (ContextVar values are copied when a task starts)."""

    async def main() -> list[str]:
        ready, switched = asyncio.Event(), asyncio.Event()

        async def screen() -> str:
            ready.set()
            await switched.wait()
            return _("Cash")

        task = asyncio.create_task(screen())
        await ready.wait()
        await asyncio.to_thread(set_locale, "en")  # as PosApp._open_shop does, in a thread
        switched.set()
        return [await task, _("Cash")]

    assert asyncio.run(main()) == ["Cash", "Cash"]


def test_requests_in_their_own_language() -> None:
    """A future web view: each request (task) speaks its own language at the same time."""

    async def request(locale: str, gate: asyncio.Event) -> str:
        with use_locale(locale):
            await gate.wait()
            return _("Cash")

    async def main() -> list[str]:
        gate = asyncio.Event()
        tasks = [asyncio.create_task(request(x, gate)) for x in ("en", "es_PE", "en")]
        await asyncio.sleep(0)
        gate.set()
        return list(await asyncio.gather(*tasks))

    assert asyncio.run(main()) == ["Cash", "Efectivo", "Cash"]


# -- click: help and errors in the clerk's language ----------------------------------------

def _pos(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("POS_CONFIG", "LANG", "LANGUAGE")}
    env.update(PYTHONPATH=str(ROOT), LANGUAGE="en", LC_ALL="C.UTF-8")
    return subprocess.run([sys.executable, "-m", "pos.launch", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def shop_folder(tmp_path: Path) -> Path:
    (tmp_path / "config.toml").write_text((ROOT / "config.toml").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    return tmp_path


def _in_english(folder: Path) -> None:
    path = folder / "config.toml"
    text = path.read_text(encoding="utf-8")
    assert 'locale = "es_PE"' in text
    path.write_text(text.replace('locale = "es_PE"', 'locale = "en"', 1), encoding="utf-8")


def test_cli_help_in_spanish(shop_folder: Path) -> None:
    top = _pos(shop_folder, "--help")
    assert top.returncode == 0, top.stderr
    for text in ("Uso: pos [OPTIONS] COMMAND [ARGS]...", "Opciones:", "Comandos:",
                 "Muestra este mensaje y sale.", "Muestra la versión y sale.",
                 "Recarga POS: recargas de celular para bodegas.", "Vende una recarga."):
        assert text in top.stdout
    sell = _pos(shop_folder, "sell", "--help")
    assert sell.returncode == 0, sell.stderr
    for text in ("Uso: pos sell [OPTIONS]", "9 dígitos que empiezan con 9.", "[obligatorio]",
                 "Vende una recarga. Muestra primero el número de ticket, luego el vuelto."):
        assert text in " ".join(sell.stdout.split()), text


def test_cli_errors_in_spanish(shop_folder: Path) -> None:
    missing = _pos(shop_folder, "sell", "--operator", "claro")
    assert missing.returncode == 2
    assert "Uso: pos sell [OPTIONS]" in missing.stderr
    assert "Pruebe 'pos sell --help' para ver la ayuda." in missing.stderr
    assert "Error: Falta la opción '--phone'." in missing.stderr
    unknown = _pos(shop_folder, "sell", "--bogus")
    assert unknown.returncode == 2 and "Error: No existe la opción '--bogus'." in unknown.stderr
    nosuch = _pos(shop_folder, "sel")
    assert nosuch.returncode == 2
    assert "Error: No existe el comando 'sel'. ¿Quiso decir 'sell'?" in nosuch.stderr


def test_cli_help_and_errors_in_english_with_english_config(shop_folder: Path) -> None:
    _in_english(shop_folder)
    top = _pos(shop_folder, "--help")
    assert top.returncode == 0, top.stderr
    for text in ("Usage: pos [OPTIONS] COMMAND [ARGS]...", "Options:", "Commands:",
                 "Show this message and exit.", "Show the version and exit.",
                 "Recarga POS: mobile top-ups for bodegas.", "Sell a top-up."):
        assert text in top.stdout
    assert "Opciones" not in top.stdout
    missing = _pos(shop_folder, "sell", "--operator", "claro")
    assert missing.returncode == 2
    assert "Usage: pos sell [OPTIONS]" in missing.stderr
    assert "Try 'pos sell --help' for help." in missing.stderr
    assert "Error: Missing option '--phone'." in missing.stderr
    sell = _pos(shop_folder, "sell", "--help")
    assert "9 digits starting with 9." in sell.stdout and "[required]" in sell.stdout


def test_cli_follows_the_config_named_by_option(shop_folder: Path, tmp_path: Path) -> None:
    """`pos --config FILE …`: that file's language, even where ./config.toml says another."""
    other = tmp_path / "english"
    other.mkdir()
    (other / "config.toml").write_text((shop_folder / "config.toml").read_text(
        encoding="utf-8"), encoding="utf-8")
    _in_english(other)
    result = _pos(shop_folder, "--config", str(other / "config.toml"), "sell", "--help")
    assert result.returncode == 0 and "9 digits starting with 9." in result.stdout
    result = _pos(shop_folder, "sell", "--help")
    assert "9 dígitos que empiezan con 9." in result.stdout


def test_cli_help_in_process_follows_the_language_each_time(shop_folder: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """Help texts are translated when shown, not when pos.cli was imported (CliRunner)."""
    from click.testing import CliRunner

    from pos.cli import main

    monkeypatch.chdir(shop_folder)
    monkeypatch.delenv("POS_CONFIG", raising=False)
    spanish_help = CliRunner().invoke(main, ["sell", "--help"]).output
    _in_english(shop_folder)
    english_help = CliRunner().invoke(main, ["sell", "--help"]).output
    assert "Muestra este mensaje y sale." in spanish_help
    assert "Show this message and exit." in english_help
    assert "9 digits starting with 9." in english_help
