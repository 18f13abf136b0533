"""Customer ID documents: DNI (8 digits, optional check character), CE, passport."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.pe import cui

from pos.domain.errors import ValidationError
from pos.domain.identity import (
    DocType,
    mask_number,
    parse_doc_type,
    parse_document,
    parse_id_spec,
)

DNI = "45678912"
DIGIT, LETTER = cui.calc_check_digits(DNI)  # the card prints one of the two


def test_dni_eight_digits() -> None:
    doc = parse_document("dni", DNI)
    assert doc == parse_document(DocType.DNI, "4567 8912")
    assert doc.number == DNI and doc.doc_type is DocType.DNI


@pytest.mark.parametrize("check", [DIGIT, LETTER, LETTER.lower()])
def test_dni_with_its_check_character(check: str) -> None:
    assert parse_document("dni", DNI + check).number == DNI
    assert parse_document("dni", f"{DNI}-{check}").number == DNI


def test_dni_wrong_check_digit() -> None:
    wrong = str((int(DIGIT) + 1) % 10)
    with pytest.raises(ValidationError) as err:
        parse_document("dni", DNI + wrong)
    assert err.value.field == "id_number"
    assert "verificación" in err.value.message


@pytest.mark.parametrize("number", [
    "1234567", "1234567890", "ABCDEFGH", "4567891A2", "１２３４５６７８", "4567-891", "+4567891",
])
def test_not_a_dni(number: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_document("dni", number)
    assert err.value.field == "id_number"


@pytest.mark.parametrize("number", ["001234567", "000123456789", "123 456 789"])
def test_carne_de_extranjeria(number: str) -> None:
    assert parse_document("ce", number).doc_type is DocType.CE


@pytest.mark.parametrize("number", ["12345678", "1234567890123", "A01234567"])
def test_not_a_carne(number: str) -> None:
    with pytest.raises(ValidationError, match="9"):
        parse_document("carne", number)


@pytest.mark.parametrize(("number", "stored"), [
    ("AB123456", "AB123456"), ("ab-12 3456", "AB123456"), ("C01X00T47", "C01X00T47"),
])
def test_passport(number: str, stored: str) -> None:
    assert parse_document("pasaporte", number).number == stored


@pytest.mark.parametrize("number", ["AB12", "AB1234567890123", "AB12345Ñ", "AB/12345"])
def test_not_a_passport(number: str) -> None:
    with pytest.raises(ValidationError):
        parse_document("passport", number)


@pytest.mark.parametrize("number", ["", "  ", None])
def test_empty_number(number: str | None) -> None:
    with pytest.raises(ValidationError, match="número"):
        parse_document("dni", number)  # type: ignore[arg-type]


@pytest.mark.parametrize(("typed", "kind"), [
    ("DNI", DocType.DNI), ("ce", DocType.CE), ("Carné", DocType.CE),
    ("PASAPORTE", DocType.PASSPORT),
    (" pas ", DocType.PASSPORT),
])
def test_doc_types(typed: str, kind: DocType) -> None:
    assert parse_doc_type(typed) is kind


@pytest.mark.parametrize("typed", ["ruc", "licencia", "", None, "dnì"])
def test_unknown_doc_type(typed: str | None) -> None:
    with pytest.raises(ValidationError) as err:
        parse_doc_type(typed)  # type: ignore[arg-type]
    assert err.value.field == "id_type"


def test_id_spec() -> None:
    assert parse_id_spec(f"dni:{DNI}").number == DNI
    assert parse_id_spec("passport:AB123456").doc_type is DocType.PASSPORT
    for bad in (DNI, "dni", "ruc:20100070970", "dni:", ":12345678", "dni:1234"):
        with pytest.raises(ValidationError) as err:
            parse_id_spec(bad)
        assert err.value.field == "id"


def test_masked_form_shows_only_last_three() -> None:
    doc = parse_document("dni", DNI)
    assert doc.masked == "DNI *****912"
    assert DNI not in doc.masked
    assert mask_number("AB") == "AB"


@given(st.text())
def test_parse_document_never_crashes(text: str) -> None:
    for kind in DocType:
        try:
            doc = parse_document(kind, text)
        except ValidationError:
            continue
        assert doc.number.isascii() and doc.number.isalnum()


@given(st.text(alphabet="0123456789 -kK", max_size=12))
def test_dni_like_text_never_crashes(text: str) -> None:
    try:
        doc = parse_document("dni", text)
    except ValidationError:
        return
    assert len(doc.number) == 8 and doc.number.isdigit()


@given(st.text())
def test_parse_id_spec_never_crashes(text: str) -> None:
    try:
        parse_id_spec(text)
    except ValidationError:
        pass


@given(st.sampled_from(["dni", "ce", "passport", "carne", "x"]), st.text())
def test_parse_id_spec_typed_never_crashes(kind: str, number: str) -> None:
    try:
        parse_id_spec(f"{kind}:{number}")
    except ValidationError:
        pass


@given(st.from_regex(r"\A[0-9]{8}\Z").filter(lambda n: len(set(n)) > 1))
def test_every_valid_check_character_accepted(number: str) -> None:
    for check in cui.calc_check_digits(number):
        assert parse_document("dni", number + check).number == number


@pytest.mark.parametrize("number", ["00000000", "11111111", "99999999"])
def test_impossible_dni_refused_even_with_its_check_character(number: str) -> None:
    """A placeholder (all zeros, a key held down) is no document (issue 14)."""
    for candidate in (number, number + cui.calc_check_digits(number)[0]):
        with pytest.raises(ValidationError, match="Ningún documento"):
            parse_document("dni", candidate)
    with pytest.raises(ValidationError, match="Ningún documento"):
        parse_document("passport", "AAAAAAAA")
