"""One translation layer for everything the clerk sees: gettext catalogues, language per context.

Message ids are English, the literals in the code. Each other language is a gettext catalogue,
`pos/locale/<lang>/LC_MESSAGES/pos.po`, compiled to the `pos.mo` beside it with pybabel (README,
"Languages"); it is read here with the standard library's gettext (no Babel on the start-up
path). Spanish (es_PE) is the default; "en" shows the ids themselves.

The language: `set_locale` sets the process's language (the config's `[shop] locale`, at
start-up) and makes the current context follow it; `use_locale` chooses one for the current
context only (a ContextVar, so a future web view can serve each request in its own language).
A context that chose none follows the process's language: that includes every thread Textual
starts (a new thread begins with an empty context) and tasks created before the config was read.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

DOMAIN = "pos"
LOCALE_DIR = Path(__file__).with_name("locale")
SOURCE_LANGUAGE = "en"  # the message ids
DEFAULT_LANGUAGE = "es"  # what a shop gets when its config names no language
BABEL_LOCALES = {"en": "en_US", "es": "es_PE"}  # numbers and dates

_process_language = DEFAULT_LANGUAGE
_context_language: ContextVar[str | None] = ContextVar("pos_language", default=None)
_catalogues: dict[str, _gettext.NullTranslations] = {}


def language_of(locale: str) -> str:
    """The catalogue a locale reads: "es_PE"/"es" → "es", "en"/"en_US" → "en".

    A catalogue for the whole locale (pos/locale/pt_BR/) comes before one for its language
    (pos/locale/pt/); a language with neither falls back to Spanish, the default.
    """
    name = locale.replace("-", "_")
    for candidate in (name, name.split("_", 1)[0].lower()):
        if (candidate == SOURCE_LANGUAGE or candidate in _catalogues
                or (LOCALE_DIR / candidate / "LC_MESSAGES").is_dir()):
            return candidate
    return DEFAULT_LANGUAGE


def set_locale(locale: str) -> None:
    """Select the clerk's language for the process ("es_PE"/"es" or "en"), from config.

    Every context that did not choose its own language with `use_locale` follows it, the
    current one included.
    """
    global _process_language
    _process_language = language_of(locale)
    if _context_language.get() is not None:
        _context_language.set(None)


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Speak `locale` in the current context only (a request, a test), until the block ends."""
    token = _context_language.set(language_of(locale))
    try:
        yield
    finally:
        _context_language.reset(token)


def current_locale() -> str:
    """The active language code: "es" or "en" (or the folder name of another catalogue)."""
    return _context_language.get() or _process_language


def babel_locale() -> str:
    """The Babel locale used for numbers and dates."""
    language = current_locale()
    return BABEL_LOCALES.get(language, language)


def _catalogue(language: str) -> _gettext.NullTranslations:
    try:
        return _catalogues[language]
    except KeyError:
        pass
    if language == SOURCE_LANGUAGE:
        found = _gettext.NullTranslations()
    else:
        # fallback: a missing .mo shows the English ids rather than stopping the counter;
        # tests/test_i18n.py proves the shipped catalogues are there and current.
        found = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
    _catalogues[language] = found
    return found


def _(msgid: str, /, **params: object) -> str:
    """Translate `msgid` into the clerk's language and fill in `params` (str.format)."""
    text = _catalogue(_context_language.get() or _process_language).gettext(msgid)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, /, **params: object) -> str:
    """The singular or plural form for `n` (as the language counts) with `params` filled in.

    `ngettext("{count} ticket", "{count} tickets", n, count=n)`.
    """
    text = _catalogue(_context_language.get() or _process_language).ngettext(singular, plural, n)
    return text.format(**params) if params else text


def N_(msgid: str) -> str:
    """Mark a message id for translation without translating it yet."""
    return msgid


FIELD_LABELS = {
    "amount": N_("amount"),
    "phone": N_("phone"),
    "operator": N_("operator"),
    "id": N_("ID document"),
    "id_type": N_("document type"),
    "id_number": N_("document number"),
    "method": N_("payment"),
    "tendered": N_("received"),
    "card": N_("card"),
    "card_brand": N_("card brand"),
    "card_last4": N_("card last 4"),
    "card_auth": N_("authorisation code"),
    "op_number": N_("operation number"),
    "ticket": N_("ticket"),
    "reason": N_("reason"),
    "name": N_("name"),
    "role": N_("role"),
    "pin": N_("PIN"),
    "date": N_("date"),
    "counted": N_("counted cash"),
    "float": N_("starting cash"),
    "format": N_("format"),
    "output": N_("output file"),
    "z_code": N_("chain code"),
    "ledger": N_("ledger"),
    "request_id": N_("request id"),
    "shift": N_("shift"),
    "count": N_("count by denomination"),
    "manager": N_("manager"),
    "clock": N_("clock"),
}


def field_label(field: str) -> str:
    """A field's name in the clerk's language."""
    return _(FIELD_LABELS.get(field, field))
