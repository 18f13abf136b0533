from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from receipts import DecodeError, decode, render

from .conftest import TICKET, sale_receipt


def test_two_receipts_in_one_stream() -> None:
    data = render(sale_receipt(), width=32) + render(sale_receipt(mark="COPIA"), width=48)
    first, second = decode(data)
    assert first.cut and second.cut
    assert "COPIA" not in first.text and "COPIA" in second.text
    assert first.barcodes == second.barcodes == (TICKET,)


def test_text_property_joins_lines() -> None:
    [receipt] = decode(b"\x1b@\x1bt\x13Se\xa4or\nS/ 5.00   \n\x1dV\x00")
    assert receipt.lines == ("Señor", "S/ 5.00")
    assert receipt.text == "Señor\nS/ 5.00"


@pytest.mark.parametrize(
    ("page", "byte", "char"), [(0, b"\x82", "é"), (2, b"\xd5", "ı"), (19, b"\xd5", "€")]
)
def test_code_page_table(page: int, byte: bytes, char: str) -> None:
    [receipt] = decode(b"\x1bt" + bytes([page]) + byte + b"\n")
    assert receipt.lines == (char,)


def test_empty_stream_has_no_receipts() -> None:
    assert decode(b"") == []


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x00",  # NUL
        b"\x1b",  # truncated ESC
        b"\x1bZ\x00",  # unknown ESC command
        b"\x1dZ",  # unknown GS command
        b"\x1bt\x63A",  # unknown code page
        b"\x1ba\x07",  # bad alignment
        b"abc\x1dkI\x05{Babc",  # barcode in the middle of a line
        b"\x1dkI\x09{Babc",  # barcode data cut short
        b"\x1dkI\x04abcd",  # Code128 without code set
        b"\x1dv0\x00\x02\x00\x02\x00\xff",  # raster image cut short
        b"hello\x7f",  # DEL
        b"\x1bt\x10\x81",  # undefined byte in CP1252
    ],
)
def test_garbage_raises_decode_error_with_offset(garbage: bytes) -> None:
    with pytest.raises(DecodeError) as caught:
        decode(garbage)
    assert isinstance(caught.value, ValueError)
    assert 0 <= caught.value.offset < len(garbage)
    assert "offset" in str(caught.value)


def test_rendered_receipt_with_a_byte_flipped_is_caught() -> None:
    data = bytearray(render(sale_receipt(), width=48))
    data[data.index(b"RUC")] = 0x01
    with pytest.raises(DecodeError):
        decode(bytes(data))


def test_profile_numbering() -> None:
    # POS-5890 also lists CP858 at the vendor slot 53.
    [receipt] = decode(b"\x1bt\x35\xa4\n", profile="POS-5890")
    assert receipt.lines == ("ñ",)
    with pytest.raises(DecodeError):
        decode(b"\x1bt\x35\xa4\n")


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_raise_only_decode_error(data: bytes) -> None:
    try:
        decode(data)
    except DecodeError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_receipts_raise_only_decode_error(data: st.DataObject) -> None:
    payload = bytearray(render(sale_receipt(), width=32))
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(payload) - 1))
        payload[index] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(payload)))
    try:
        decode(bytes(payload[:cut]))
    except DecodeError:
        pass
