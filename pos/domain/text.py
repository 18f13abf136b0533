"""Free text typed by people: the one rule that keeps full card numbers out of the ledger.

Every text field a person types (operation numbers, authorisation codes, reasons, clerk
names, figures' notes, any field added later) goes through `check_free_text` at the ledger's
door (journal.append_entry) and, for an early answer at the field, through
`refuse_card_number`. Machine-made fields (hashes, digests, tickets, times) are left out:
a hex digest can hold a 13-digit run that passes Luhn by chance.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping

from pos.domain.errors import ValidationError
from pos.i18n import N_

_DIGIT_RUN = re.compile(r"[0-9][0-9 \-]{11,}[0-9]")
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{32,}")

# Journal columns no person types.
MACHINE_FIELDS = frozenset({
    "series", "seq", "ticket", "kind", "created_at", "business_date", "prev_hash", "hash",
    "id_digest", "id_masked", "id_type", "id_number", "request_id", "ref_ticket", "phone",
    "method", "operator",
})


def contains_card_number(text: str) -> bool:
    """True if `text` holds a 13–19 digit run that passes the Luhn check (a full card number)."""
    from stdnum import luhn  # lazy: python-stdnum stays off the app's start-up

    for run in _DIGIT_RUN.findall(text or ""):
        digits = re.sub(r"\D", "", run)
        for length in range(13, 20):
            for start in range(0, len(digits) - length + 1):
                if luhn.is_valid(digits[start : start + length]):
                    return True
    return False


def refuse_card_number(field: str, value: str | None) -> None:
    """ValidationError on `field` if `value` holds a full card number."""
    if value and contains_card_number(value):
        raise ValidationError(field, N_("Never type the full card number: only its last 4 "
                                        "digits."))


def clean_reason(text: str | None, too_short: str) -> str:
    """A typed reason (void, pay-in/out): spaces folded, 3 to 200 printable letters, never a
    card number. `too_short` is the msgid that says what the reason is for."""
    reason = " ".join((text or "").split())
    if len(reason) < 3:
        raise ValidationError("reason", too_short)
    if len(reason) > 200:
        raise ValidationError("reason", N_("The reason is too long (200 letters at most)."))
    refuse_card_number("reason", reason)
    if not reason.isprintable():
        raise ValidationError("reason", too_short)
    return reason


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        if not _HEX_DIGEST.fullmatch(value):
            yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def check_free_text(fields: Mapping[str, object]) -> None:
    """Refuse a full card number in any person-typed field of a row about to be stored.

    `data` (the JSON figures of shift and Z entries) is searched string by string.
    """
    for name, value in fields.items():
        if name in MACHINE_FIELDS or not isinstance(value, str):
            continue
        if name == "data":
            try:
                parsed = json.loads(value)
            except ValueError:
                parsed = value
            for text in _strings(parsed):
                refuse_card_number(name, text)
        else:
            refuse_card_number(name, value)
