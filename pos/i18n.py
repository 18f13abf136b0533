"""One translation layer for everything the clerk sees.

Message ids are English; `pos.locale_es.MESSAGES` holds the Spanish (es_PE) catalogue.
Spanish is the default; `set_locale("en")` switches to the ids themselves.
"""

from __future__ import annotations

_locale = "es"


def set_locale(locale: str) -> None:
    """Select the clerk's language: "es_PE"/"es" or "en"."""
    global _locale
    _locale = "en" if locale.lower().startswith("en") else "es"


def current_locale() -> str:
    """The active language code, "es" or "en"."""
    return _locale


def babel_locale() -> str:
    """The Babel locale used for numbers and dates."""
    return "en_US" if _locale == "en" else "es_PE"


def _(msgid: str, /, **params: object) -> str:
    """Translate `msgid` into the clerk's language and fill in `params`."""
    text = msgid
    if _locale == "es":
        from pos.locale_es import MESSAGES

        text = MESSAGES.get(msgid, msgid)
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
