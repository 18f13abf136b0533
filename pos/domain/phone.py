"""Peruvian mobile numbers: 9 digits starting with 9."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pos.domain.errors import ValidationError
from pos.i18n import N_

_ALLOWED = re.compile(r"^\(?\+?[0-9 ()\-.]+$")  # "(+51) 987 654 321" too
_NOT_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class Phone:
    """A validated Peruvian mobile number, stored as its 9 national digits."""

    digits: str

    @property
    def grouped(self) -> str:
        """`987 654 321`, the way the customer confirms it."""
        return group_phone(self.digits)

    def __str__(self) -> str:
        return self.digits


def group_phone(digits: str) -> str:
    """Group up to 9 digits in threes for display (works on partial input)."""
    return " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))


def parse_phone(text: str, field: str = "phone") -> Phone:
    """Accept `987654321`, `987 654 321`, `987-654-321`, `+51 987 654 321`; refuse the rest."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationError(field, N_("Enter the phone number: 9 digits starting with 9."))
    if not raw.isascii() or not _ALLOWED.match(raw):
        raise ValidationError(field, N_("The phone number may only have digits, e.g. 987 654 321."))
    digits = _NOT_DIGIT.sub("", raw)
    if raw.lstrip("(").startswith("+") or (len(digits) == 11 and digits.startswith("51")):
        if not digits.startswith("51"):
            raise ValidationError(field, N_("Only Peruvian numbers (+51) can be topped up."))
        digits = digits[2:]
    if len(digits) != 9:
        raise ValidationError(
            field, N_("A mobile number has 9 digits and starts with 9 ({count} typed)."),
            count=len(digits),
        )
    if not digits.startswith("9"):
        raise ValidationError(field, N_("A mobile number starts with 9."))
    import phonenumbers  # lazy: ~50 ms of metadata, off the app's start-up

    # The number as phonenumbers.parse(digits, "PE") gives it (equal, field for field): the
    # text is already 9 national digits, so parsing it again only cost time. A mobile type is
    # only ever given to a valid number (number_type says UNKNOWN for the rest, and +51 is
    # Peru's one region), so is_valid_number would only repeat the matching.
    number = phonenumbers.PhoneNumber(country_code=51, national_number=int(digits))
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(field, N_("{number} is not a valid Peruvian mobile number."),
                              number=group_phone(digits))
    return Phone(digits)
