from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from receipts import Receipt, Row, Section, decode, render
from receipts.layout import printable

from .conftest import FOOTER, SHOP, TICKET, sale_receipt

WIDTHS = (32, 48)


def words_of(*texts: str) -> list[str]:
    return [word for text in texts for word in text.split()]


def assert_fits(decoded, width: int) -> None:
    for line, columns in zip(decoded.lines, decoded.columns, strict=True):
        assert len(line) <= width, line
        assert columns <= width, line


@pytest.mark.parametrize("width", WIDTHS)
def test_sale_receipt_round_trips(width: int) -> None:
    receipt = sale_receipt(mark="COPIA")
    data = render(receipt, width=width)
    assert data.startswith(b"\x1b@\x1bt\x13")  # init, then CP858 pinned
    assert data.count(b"\x1bt") == 1  # pinned once, never switched mid-receipt
    [decoded] = decode(data)
    tokens = set(decoded.text.split())
    expected = words_of(
        SHOP.replace("—", "-"),
        "RUC 10456789019",
        "RECARGA COPIA",
        "Operador: Claro Teléfono: 987 654 321 Monto: S/ 20.00",
        "Pagó con: Efectivo Recibido S/ 50.00 Vuelto S/ 30.00 Documento: DNI *****678",
        "Pingüino güero, ñandú vía árbol: ÁÉÍÓÚ Ü Ñ ¿¡",
        FOOTER,
        "Cadena: 3f9a1c0e5b7d2a4f",
    )
    missing = [word for word in expected if word not in tokens]
    assert not missing
    for char in "ñáéíóúüÑ¿¡ÁÉÍÓÚÜ":
        assert char in decoded.text
    assert "?" not in decoded.text.replace("¿Dudas?", "")
    assert decoded.barcodes == (TICKET,)
    assert TICKET in decoded.lines  # human-readable text under the bars
    assert decoded.cut and not decoded.drawer_kick and decoded.images == 0
    assert_fits(decoded, width)
    # Rows: label left, value right-aligned on the same line.
    assert f"Monto:{' ' * (width - 14)}S/ 20.00" in decoded.lines


@pytest.mark.parametrize("width", WIDTHS)
def test_mark_shows_near_top_double_width(width: int) -> None:
    [decoded] = decode(render(sale_receipt(mark="COPIA"), width=width))
    index = next(i for i, line in enumerate(decoded.lines) if line.strip() == "COPIA")
    assert index < decoded.lines.index("RECARGA")
    # Inverted " COPIA " in double width: the trailing space prints black too.
    assert decoded.columns[index] == 2 * len(" COPIA ")
    assert_fits(decoded, width)
    [plain] = decode(render(sale_receipt(), width=width))
    assert "COPIA" not in plain.text


def test_shop_name_is_bold_double_height_centered() -> None:
    data = render(sale_receipt(), width=48)
    header = data[: data.index(b"RUC")]
    assert b"\x1b!\x10" in header and b"\x1bE\x01" in header and b"\x1ba\x01" in header


def test_long_label_wraps_and_value_goes_right_on_next_line() -> None:
    receipt = Receipt(
        header=("Tienda",),
        title="X",
        sections=(Section(rows=(Row("Una etiqueta muy larga para el papel", "S/ 1,234.56"),)),),
    )
    [decoded] = decode(render(receipt, width=32))
    index = decoded.lines.index("Una etiqueta muy larga para el")
    assert decoded.lines[index + 1] == "papel"
    assert decoded.lines[index + 2] == "S/ 1,234.56".rjust(32)


def test_single_word_longer_than_width_is_split_hard() -> None:
    word = "A" * 70
    receipt = Receipt(header=(word,), title="T", sections=(Section(rows=(Row(word, word),)),))
    [decoded] = decode(render(receipt, width=32))
    assert decoded.lines[:3] == ("A" * 32, "A" * 32, "A" * 6)
    assert_fits(decoded, 32)


def test_drawer_kick_and_no_cut() -> None:
    [decoded] = decode(render(sale_receipt(), kick_drawer=True, cut=False))
    assert decoded.drawer_kick and not decoded.cut


@pytest.mark.parametrize("width", [0, 23, 65, 80, "48", "wide", 48.0, True])
def test_other_widths_are_refused(width: object) -> None:
    with pytest.raises(ValueError):
        render(sale_receipt(), width=width)


@pytest.mark.parametrize("value", ["", "R001-0000004ñ", "R001\x1b42", "😀"])
def test_bad_barcode_value_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        render(sale_receipt(barcode=value))


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="profile"):
        render(sale_receipt(), profile="no-such-printer")


@pytest.mark.parametrize("width", [32, "auto"])
def test_image_barcode_for_profile_without_native_barcodes(width: int | str) -> None:
    # POS-5890 (a common 58 mm printer) has raster images but no GS k barcodes.
    data = render(sale_receipt(), width=width, profile="POS-5890")
    [decoded] = decode(data)
    assert decoded.images == 1
    assert decoded.barcodes == ()
    assert TICKET in decoded.lines
    assert data.startswith(b"\x1b@\x1bt\x13")  # CP858 at the Epson slot, not 53
    assert "ñ" in decoded.text


def test_barcode_falls_back_to_text_without_images_or_barcodes() -> None:
    [decoded] = decode(render(sale_receipt(), width=32, profile="OCD-100"))
    assert decoded.images == 0 and decoded.barcodes == ()
    assert TICKET in decoded.lines


def test_render_writes_nothing_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    render(sale_receipt(), width=48)
    render(sale_receipt(), width=32, profile="POS-5890")
    render(sale_receipt(), width=32, profile="simple")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_characters_outside_cp858_are_replaced_on_purpose() -> None:
    receipt = Receipt(
        header=("Tienda 😀 小店",),
        title="Recarga – “promo” …",
        sections=(Section(rows=(Row("Cliente\x1b@\x07:", "Łódź ő n\u0303"),)),),
        footer=("zero\u200bwidth €5",),
    )
    data = render(receipt, width=32)
    [decoded] = decode(data)
    assert decoded.lines[0] == "Tienda ? ??"
    assert 'Recarga - "promo" ...' in decoded.lines
    assert any(
        line.startswith("Cliente @ :") and line.endswith("Lódz o ñ") for line in decoded.lines
    )
    assert "zerowidth €5" in decoded.lines  # € exists in CP858 (not in CP850)
    # Control characters never reach the printer as commands.
    body = data[data.index(b"Cliente") :]
    assert b"\x07" not in data and not body.startswith(b"Cliente\x1b")


def test_printable_is_identity_for_cp858_text() -> None:
    text = "Señor Ñandú ¿Qué? ¡Sí! pingüino S/ 20.00"
    assert printable(text) == text
    assert printable(text).encode("cp858").decode("cp858") == text


SPANISH = string.ascii_letters + string.digits + "áéíóúüñÁÉÍÓÚÜÑ¿¡.,:;-/()*#%$@!?'\"+=" + "  "
spanish_text = st.text(alphabet=SPANISH, max_size=90)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    width=st.sampled_from(WIDTHS),
    header=st.lists(spanish_text, min_size=1, max_size=3),
    title=spanish_text,
    rows=st.lists(st.tuples(spanish_text, spanish_text, st.booleans()), max_size=6),
    section_title=st.none() | spanish_text,
    footer=st.lists(spanish_text, max_size=2),
)
def test_any_spanish_text_fits_and_survives(width, header, title, rows, section_title, footer):
    receipt = Receipt(
        header=tuple(header),
        title=title,
        sections=(Section(rows=tuple(Row(*row) for row in rows), title=section_title),),
        footer=tuple(footer),
        barcode=TICKET,
    )
    [decoded] = decode(render(receipt, width=width))
    assert_fits(decoded, width)
    tokens = decoded.text.split()
    token_set = set(tokens)
    joined = "".join(tokens)
    texts = [*header, title, section_title or "", *footer]
    texts += [part for label, value, _ in rows for part in (label, value)]
    for word in words_of(*texts):
        if len(word) <= width:
            assert word in token_set, word
        else:
            assert word in joined, word


@settings(max_examples=150, deadline=None)
@given(width=st.sampled_from(WIDTHS), text=st.text(max_size=60), mark=st.text(max_size=30))
def test_any_unicode_never_crashes(width: int, text: str, mark: str) -> None:
    receipt = Receipt(
        header=(text,),
        title=text,
        mark=mark or None,
        sections=(Section(rows=(Row(text, text),), title=text),),
        footer=(text,),
    )
    [decoded] = decode(render(receipt, width=width))
    assert_fits(decoded, width)
