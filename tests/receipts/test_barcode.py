from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from receipts import barcode_modules, barcode_text
from receipts.barcode import raster, validate

from .conftest import TICKET


def test_modules_are_code128() -> None:
    modules = barcode_modules(TICKET)
    assert set(modules) == {"0", "1"}
    assert modules.startswith("11010010000")  # START B
    assert modules.endswith("1100011101011")  # STOP


def test_text_preview_two_modules_per_character() -> None:
    preview = barcode_text(TICKET)
    assert len(preview) == (len(barcode_modules(TICKET)) + 1) // 2
    assert set(preview) <= {" ", "\u2590", "\u258c", "\u2588"}
    assert "\n" not in preview and TICKET not in preview


@pytest.mark.parametrize("value", ["", "ñandú", "a\x00b", "x" * 81, "😀"])
def test_invalid_values(value: str) -> None:
    with pytest.raises(ValueError):
        validate(value)


def test_module_string_rejects_what_code128_cannot_encode() -> None:
    with pytest.raises(ValueError):
        barcode_modules("😀")


def test_raster_fits_paper() -> None:
    image = raster(TICKET, 384)
    assert image.size == (384, 64) and image.mode == "1"
    with pytest.raises(ValueError):
        raster("X" * 80, 384)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1,
               max_size=80))
def test_modules_are_python_barcodes_own(value: str) -> None:
    # Built with one shared writer (build() never uses it): python-barcode's default object
    # gives the same modules.
    from barcode import Code128

    assert barcode_modules(value) == Code128(value).build()[0]
