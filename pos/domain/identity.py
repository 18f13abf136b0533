"""Customer identity documents: DNI, carné de extranjería, passport."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from pos.domain.errors import ValidationError
from pos.i18n import N_, _


class DocType(StrEnum):
    DNI = "dni"
    CE = "ce"
    PASSPORT = "passport"

    @property
    def label(self) -> str:
        """Short printed name of the document type."""
        return {"dni": "DNI", "ce": _("CE"), "passport": _("Passport")}[self.value]


DOC_ALIASES = {
    "dni": DocType.DNI,
    "ce": DocType.CE,
    "carne": DocType.CE,
    "carné": DocType.CE,
    "passport": DocType.PASSPORT,
    "pasaporte": DocType.PASSPORT,
    "pas": DocType.PASSPORT,
}

_CE = re.compile(r"^[0-9]{9,12}$")
_PASSPORT = re.compile(r"^[A-Z0-9]{6,12}$")


@dataclass(frozen=True)
class IdDocument:
    """A checked identity document."""

    doc_type: DocType
    number: str

    @property
    def masked(self) -> str:
        """What receipts and exports show: the type and the last 3 characters."""
        return f"{self.doc_type.label} {mask_number(self.number)}"


def mask_number(number: str, visible: int = 3) -> str:
    """`*****678`: only the last `visible` characters readable."""
    return "*" * max(len(number) - visible, 0) + number[-visible:]


def parse_doc_type(text: str, field: str = "id_type") -> DocType:
    """`dni`, `ce`/`carne`, `passport`/`pasaporte` (any case)."""
    key = (text or "").strip().lower()
    if key not in DOC_ALIASES:
        raise ValidationError(field, N_("Document type must be DNI, CE or passport."))
    return DOC_ALIASES[key]


def parse_document(doc_type: DocType | str, number: str, field: str = "id_number") -> IdDocument:
    """Check a document number for its type; spaces and dashes are ignored."""
    kind = doc_type if isinstance(doc_type, DocType) else parse_doc_type(doc_type)
    raw = re.sub(r"[\s\-.]", "", number or "").upper()
    if not raw:
        raise ValidationError(field, N_("Enter the document number."))
    if not raw.isascii():
        raise ValidationError(field, N_("The document number may only have letters and digits."))
    if kind is DocType.DNI:
        # 8 digits, optionally followed by the card's check character (a digit or a letter).
        check = raw[8:]
        if not (len(raw) in (8, 9) and raw[:8].isdigit() and (not check or check.isalnum())):
            raise ValidationError(field, N_("A DNI has 8 digits."))
        if len(raw) == 9:  # 8 digits + the check digit printed on the card
            # lazy: python-stdnum loads on the first 9-digit DNI, not at the app's start-up
            from stdnum.exceptions import ValidationError as StdnumError
            from stdnum.pe import cui

            try:
                cui.validate(raw)
            except StdnumError:
                raise ValidationError(field, N_("The DNI check digit does not match.")) from None
            raw = raw[:8]
        _refuse_impossible(raw, field)
        return IdDocument(kind, raw)
    if kind is DocType.CE:
        if not _CE.match(raw):
            raise ValidationError(field, N_("A carné de extranjería has 9 to 12 digits."))
        _refuse_impossible(raw, field)
        return IdDocument(kind, raw)
    if not _PASSPORT.match(raw):
        raise ValidationError(field, N_("A passport number has 6 to 12 letters or digits."))
    _refuse_impossible(raw, field)
    return IdDocument(kind, raw)


def _refuse_impossible(raw: str, field: str) -> None:
    """No document is all zeros or one character repeated (a placeholder typed to get past
    the field, or a key held down)."""
    if len(set(raw)) == 1:
        raise ValidationError(field, N_("No document has this number: check it."))


def parse_id_spec(spec: str, field: str = "id") -> IdDocument:
    """`dni:12345678`, `ce:001234567`, `passport:AB123456` — the command-line form."""
    kind, sep, number = (spec or "").partition(":")
    if not sep:
        raise ValidationError(field, N_("Write the document as TYPE:NUMBER, e.g. dni:12345678."))
    return parse_document(parse_doc_type(kind, field), number, field)
