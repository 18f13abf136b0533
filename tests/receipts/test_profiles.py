"""Width, font and barcode path follow the printer profile (python-escpos's own data)."""

from __future__ import annotations

import pytest

from receipts import decode, render
from receipts.render import WidthError, layout

from .conftest import TICKET, sale_receipt

# Commands every ESC/POS printer has (init, code page, print mode, bold, align, underline,
# font, feed, drawer pulse, line spacing).
BASIC = {"ESC @", "ESC t", "ESC !", "ESC E", "ESC a", "ESC -", "ESC M", "ESC d", "ESC p",
         "ESC 3", "ESC 2"}
# Commands that need a profile feature (python-escpos capability names).
NEEDS = {
    "GS k": {"barcodeB"}, "GS h": {"barcodeB"}, "GS w": {"barcodeB"}, "GS H": {"barcodeB"},
    "GS f": {"barcodeB"}, "GS v": {"bitImageRaster"}, "GS (": {"graphics"},
    "ESC *0": {"bitImageColumn"}, "ESC *1": {"bitImageColumn"},
    "ESC *32": {"bitImageColumn", "highDensity"}, "ESC *33": {"bitImageColumn", "highDensity"},
    "GS B": {"highDensity"},  # reverse printing: thermal heads only
}


def _profile(name: str):  # noqa: ANN202
    from receipts.escpos_loader import escpos_printer

    escpos_printer()
    from escpos.capabilities import get_profile

    return get_profile(name)


def _font_columns(name: str) -> list[int]:
    fonts = _profile(name).profile_data["fonts"]
    return [int(fonts[key]["columns"]) for key in sorted(fonts)]


@pytest.mark.parametrize("profile", ["TM-T88IV", "TM-T88V"])
def test_tm_t88_font_a_has_42_columns_in_the_profile(profile: str) -> None:
    assert _font_columns(profile)[:2] == [42, 56]
    assert layout("auto", profile) == (42, 0)
    assert layout(42, profile) == (42, 0)
    assert layout(48, profile) == (48, 1)  # 48 columns only fit in font B


@pytest.mark.parametrize("profile", ["TM-T88IV", "TM-T88V"])
@pytest.mark.parametrize("width", ["auto", 42, 48, 56])
@pytest.mark.parametrize("mark", [None, "COPIA"])
def test_tm_t88_lines_never_exceed_the_fonts_columns(profile: str, width: object,
                                                     mark: str | None) -> None:
    data = render(sale_receipt(mark=mark), width=width, profile=profile)  # type: ignore[arg-type]
    [decoded] = decode(data)
    limits = _font_columns(profile)
    assert len(decoded.fonts) == len(decoded.lines)
    for line, columns, font in zip(decoded.lines, decoded.columns, decoded.fonts, strict=True):
        assert columns <= limits[font], (font, line)
        if font == 0:
            assert columns <= 42, line
    wanted_font = 0 if width in ("auto", 42) else 1
    # Every text line is in the font the width needs (the barcode's own HRI line aside).
    assert {f for f, line in zip(decoded.fonts, decoded.lines, strict=True)
            if line and line != TICKET} == {wanted_font}
    assert decoded.barcodes == (TICKET,)
    for char in "ñÑ¿¡áé":
        assert char in decoded.text


def test_width_wider_than_every_font_is_refused() -> None:
    with pytest.raises(WidthError) as err:
        render(sale_receipt(), width=64, profile="TM-T88V")
    assert err.value.columns == (42, 56)
    with pytest.raises(WidthError):
        render(sale_receipt(), width=48, profile="POS-5890")  # 58 mm: 32 / 42 columns


@pytest.mark.parametrize(("profile", "columns"), [("TM-T20II", 48), ("POS-5890", 32),
                                                   ("TM-U220", 42), ("default", 42)])
def test_auto_width_is_the_profiles_font_a(profile: str, columns: int) -> None:
    [decoded] = decode(render(sale_receipt(), width="auto", profile=profile))
    assert max(decoded.columns) <= columns
    assert set(decoded.fonts) == {0}


@pytest.mark.parametrize("width", [32, 48])
def test_32_and_48_keep_font_a_on_the_default_profile(width: int) -> None:
    data = render(sale_receipt(), width=width)
    assert b"\x1bM\x01" not in data
    [decoded] = decode(data)
    assert max(decoded.columns) == width and set(decoded.fonts) == {0}


@pytest.mark.parametrize("profile", ["TM-U220", "TM-U220B"])
@pytest.mark.parametrize("width", ["auto", 32, 42])
@pytest.mark.parametrize("mark", [None, "COPIA"])
def test_impact_printer_gets_only_commands_its_profile_supports(profile: str, width: object,
                                                               mark: str | None) -> None:
    features = {name for name, on in _profile(profile).features.items() if on}
    assert "highDensity" not in features and "barcodeB" not in features
    data = render(sale_receipt(mark=mark), width=width, profile=profile)  # type: ignore[arg-type]
    assert b"\x1b*!" not in data and b"\x1b* " not in data  # ESC * 33 / 32 (issue #598)
    [decoded] = decode(data)
    unsupported = {cmd for cmd in decoded.commands
                   if cmd not in BASIC and not NEEDS.get(cmd, {"?"}) <= features}
    if features & {"paperFullCut", "paperPartCut"}:
        unsupported.discard("GS V")
    assert not unsupported, unsupported
    assert "ESC *1" in decoded.commands  # the barcode picture in the 8-dot mode it has
    # ... and the ticket in large text to type from
    index = decoded.lines.index(TICKET)
    assert decoded.columns[index] == 2 * len(TICKET)


@pytest.mark.parametrize("profile", ["TM-T88V", "TM-T20II", "POS-5890", "simple", "default",
                                     "ZJ-5870", "OCD-100"])
def test_every_profile_gets_only_commands_it_supports(profile: str) -> None:
    features = {name for name, on in _profile(profile).features.items() if on}
    [decoded] = decode(render(sale_receipt(mark="COPIA"), width=32, profile=profile))
    unsupported = {cmd for cmd in decoded.commands
                   if cmd not in BASIC and cmd != "GS V" and not NEEDS.get(cmd, {"?"}) <= features}
    assert not unsupported, unsupported
    assert TICKET in decoded.lines
