"""Peruvian mobile numbers: 9 digits starting with 9; the customer confirms them grouped."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.domain.errors import ValidationError
from pos.domain.phone import group_phone, parse_phone


@pytest.mark.parametrize("typed", [
    "987654321", "987 654 321", "987-654-321", "+51 987 654 321", "+51987654321",
    "51987654321", "(+51) 987-654-321", " 987.654.321 ", "951234567",
])
def test_mobile_numbers_accepted(typed: str) -> None:
    phone = parse_phone(typed)
    assert len(phone.digits) == 9 and phone.digits.startswith("9")
    assert phone.grouped == group_phone(phone.digits)


def test_grouped_for_the_customer() -> None:
    assert parse_phone("+51 987 654 321").grouped == "987 654 321"
    assert str(parse_phone("987-654-321")) == "987654321"


@pytest.mark.parametrize(("typed", "says"), [
    ("(01) 4567890", "9"),  # a Lima landline
    ("014567890", "9"),
    ("98765432", "8"),  # 8 digits: says how many were typed
    ("9876543210", "10"),
    ("887654321", "9"),
    ("+1 987 654 321", "+51"),
    ("0051987654321", "13"),
])
def test_not_a_mobile_number(typed: str, says: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_phone(typed)
    assert err.value.field == "phone"
    assert says in err.value.message


@pytest.mark.parametrize("typed", [
    "９８７６５４３２１",  # full-width digits
    "٩٨٧٦٥٤٣٢١",  # Arabic-Indic digits
    "987 654 32l",  # letter l for 1
    "987654321a",
    "tel 987654321",
    "+",
])
def test_only_ascii_digits(typed: str) -> None:
    with pytest.raises(ValidationError):
        parse_phone(typed)


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_empty_phone(typed: str | None) -> None:
    with pytest.raises(ValidationError, match="9"):
        parse_phone(typed)  # type: ignore[arg-type]


def test_message_in_english() -> None:
    from pos.i18n import set_locale

    try:
        set_locale("en")
        with pytest.raises(ValidationError, match=r"9 digits and starts with 9 \(8 typed\)"):
            parse_phone("98765432")
    finally:
        set_locale("es_PE")


@given(st.text())
def test_parse_phone_never_crashes(text: str) -> None:
    try:
        phone = parse_phone(text)
    except ValidationError:
        return
    assert len(phone.digits) == 9 and phone.digits.isdigit() and phone.digits[0] == "9"


@given(st.text(alphabet="0123456789 +-().", max_size=20))
def test_parse_phone_never_crashes_on_phone_like_text(text: str) -> None:
    try:
        parse_phone(text)
    except ValidationError:
        pass


@given(st.from_regex(r"\A9[0-9]{8}\Z"))
def test_grouping_round_trip(digits: str) -> None:
    grouped = group_phone(digits)
    assert grouped.replace(" ", "") == digits
    assert [len(part) for part in grouped.split(" ")] == [3, 3, 3]
    outcomes = set()
    for spelling in (digits, grouped, "+51 " + grouped, "-".join(grouped.split(" "))):
        try:
            outcomes.add(parse_phone(spelling).digits)
        except ValidationError:
            outcomes.add("refused")  # a 9xx block not assigned to mobiles
    assert outcomes in ({digits}, {"refused"})


@given(st.text(alphabet="0123456789", max_size=9))
def test_grouping_partial_input(digits: str) -> None:
    grouped = group_phone(digits)
    assert grouped.replace(" ", "") == digits
    assert all(1 <= len(part) <= 3 for part in grouped.split(" ") if digits)


@given(st.from_regex(r"9[0-9]{8}", fullmatch=True))
def test_mobile_type_alone_decides_as_validity_and_type_did(digits: str) -> None:
    # parse_phone asks phonenumbers for the number's type only: a mobile type is given to valid
    # numbers alone, so the old check (is_valid_number and a mobile type) decides the same.
    import phonenumbers

    number = phonenumbers.parse(digits, "PE")
    mobile = (phonenumbers.PhoneNumberType.MOBILE,
              phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    before = phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in mobile
    try:
        parse_phone(digits)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == before


@given(st.from_regex(r"9[0-9]{8}", fullmatch=True))
def test_the_number_checked_is_the_one_phonenumbers_parses(digits: str) -> None:
    # parse_phone hands phonenumbers the number it would parse from the 9 digits, unparsed:
    # the same object, so the same type and validity.
    import phonenumbers

    assert phonenumbers.PhoneNumber(country_code=51, national_number=int(digits)) == \
        phonenumbers.parse(digits, "PE")
