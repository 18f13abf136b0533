"""Receipt document -> ESC/POS bytes, through python-escpos's Dummy printer."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import barcode as code128
from .document import Receipt, Section
from .escpos_loader import escpos_printer
from .layout import printable, row_lines, wrap

WIDTHS = (32, 48)  # the common ones; any width from MIN_WIDTH to MAX_WIDTH the profile prints
MIN_WIDTH, MAX_WIDTH = 24, 64
AUTO = "auto"  # width = the profile's font A columns
# Printable dots per font A column when the profile does not say (12-dot font, 203 dpi heads:
# 32 columns = 384 dots on 58 mm paper, 48 = 576 on 80 mm).
_DOTS_PER_COLUMN = 12
# Code pages we can pin, best first, with the Python codec that matches each.
_CODE_PAGES = (("CP858", "cp858"), ("CP850", "cp850"), ("CP437", "cp437"))
_IMAGE_IMPLS = ("bitImageRaster", "bitImageColumn", "graphics")
BARCODE_HEIGHT = 64  # dots, 8 mm at 203 dpi


class _Discard:
    """A stdout that swallows python-escpos's progress prints."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


_DISCARD = _Discard()


@dataclass(frozen=True)
class _ProfileFacts:
    code_page: str | None  # None: leave the printer's default table (CP437) in place
    code_page_slot: int  # the ESC t number selecting code_page
    codec: str
    native_code128: bool
    image_impl: str | None
    paper_dots: int | None
    # Columns of font A and font B, from the profile's `fonts`; trusted only when the profile
    # also knows its paper (the generic "default" profile carries placeholder fonts).
    font_columns: tuple[int, ...]
    high_density: bool  # 24-dot column images (ESC * 33); impact printers have only 8-dot


class WidthError(ValueError):
    """The layout width does not fit the printer profile's fonts."""

    def __init__(self, width: int, profile: str, columns: tuple[int, ...]) -> None:
        super().__init__(f"width {width} does not fit printer profile {profile!r} "
                         f"(font columns {', '.join(map(str, columns))})")
        self.width = width
        self.profile = profile
        self.columns = columns


@lru_cache(maxsize=32)
def _profile_facts(name: str) -> _ProfileFacts:
    escpos_printer()
    from escpos.capabilities import get_profile

    try:
        profile = get_profile(name)
    except KeyError:
        raise ValueError(f"unknown printer profile {name!r}") from None
    # Lowest slot per table name. escpos's own get_code_pages() keeps the highest, so
    # charcode("CP858") sends ESC t 53 on POS-5890 profiles that list CP858 at 19 and 53.
    slots: dict[str, int] = {}
    for number, page in sorted(profile.codePages.items(), key=lambda item: -int(item[0])):
        slots[page] = int(number)
    code_page, codec = next(
        ((page, codec) for page, codec in _CODE_PAGES if page in slots), (None, "cp437")
    )
    image_impl = next((impl for impl in _IMAGE_IMPLS if profile.supports(impl)), None)
    try:
        dots: int | None = int(profile.profile_data["media"]["width"]["pixels"])
    except (KeyError, TypeError, ValueError):
        dots = None
    fonts: list[int] = []
    for _key, font in sorted((profile.profile_data.get("fonts") or {}).items()):
        try:
            fonts.append(int(font["columns"]))
        except (KeyError, TypeError, ValueError):
            break
    return _ProfileFacts(
        code_page=code_page,
        code_page_slot=slots.get(code_page, 0) if code_page else 0,
        codec=codec,
        native_code128=bool(profile.supports("barcodeB")),
        image_impl=image_impl,
        paper_dots=dots,
        font_columns=tuple(fonts[:2]),
        high_density=bool(profile.supports("highDensity")),
    )


def layout(width: int | str, profile: str = "default") -> tuple[int, int]:
    """(columns, font) for a configured width on a profile: font 0 = A, 1 = B.

    `"auto"` takes the profile's font A columns. A width wider than font A gives, on a profile
    that knows its paper, selects font B when B has the room (a TM-T88 has 42 columns in font
    A and 56 in B); wider than both is a WidthError. Profiles that do not know their paper
    (the generic "default") keep font A at the configured width, as before.
    """
    facts = _profile_facts(profile)
    if width == AUTO:
        columns = facts.font_columns[0] if facts.font_columns else 48
        return (columns if MIN_WIDTH <= columns <= MAX_WIDTH else 48), 0
    if isinstance(width, bool) or not isinstance(width, int) or not (
            MIN_WIDTH <= width <= MAX_WIDTH):
        raise ValueError(f"width must be {AUTO!r} or {MIN_WIDTH}..{MAX_WIDTH} columns, "
                         f"not {width!r}")
    if facts.paper_dots is None or max(facts.font_columns, default=0) < MIN_WIDTH:
        # No paper width, or placeholder fonts (customer displays list 20 columns).
        return width, 0
    for font, columns in enumerate(facts.font_columns):
        if width <= columns:
            return width, font
    raise WidthError(width, profile, facts.font_columns)


class _Page:
    """Thin layer over a Dummy printer: styles through python-escpos, text encoded once."""

    def __init__(self, printer: Any, codec: str, width: int, font: int = 0,
                 thermal: bool = True) -> None:
        self.printer = printer
        self.codec = codec
        self.width = width
        self.font = font
        self.thermal = thermal

    def style(self, **options: Any) -> None:
        """printer.set(), keeping font B: the ESC ! that sizes text also resets the font."""
        self.printer.set(**options)
        if self.font and any(k in options for k in ("double_width", "double_height",
                                                     "normal_textsize", "width", "height")):
            self.printer.set(font="b")

    def text(self, value: str) -> str:
        return printable(value, self.codec)

    def wrapped(self, text: str) -> Sequence[str]:
        """A title's or footer's lines (cached: the same texts on every receipt of a shop)."""
        try:
            return _wrapped(text, self.codec, self.width)
        except TypeError:  # unhashable, not text at all: wrapped (and refused) as ever
            return wrap(self.text(text), self.width)

    def lines(self, lines: Sequence[str]) -> None:
        self.printer._raw(("\n".join(lines) + "\n").encode(self.codec))

    def separator(self) -> None:
        self.lines(["-" * self.width])


def render(
    receipt: Receipt,
    *,
    width: int | str = 48,
    profile: str = "default",
    kick_drawer: bool = False,
    cut: bool = True,
) -> bytes:
    """Lay the receipt out for `width` columns ("auto": the profile's) and return ESC/POS bytes.

    Only commands the profile supports are sent: font B where the width needs it, the
    barcode as the printer's own Code128, else an image mode it has, else large text.
    """
    if not isinstance(receipt, Receipt):
        raise TypeError("render() needs a Receipt")
    if receipt.barcode is not None:
        code128.validate(receipt.barcode)
    facts = _profile_facts(profile)
    width, font = layout(width, profile)
    printer = escpos_printer().Dummy(profile=profile)
    page = _Page(printer, facts.codec, width, font, thermal=facts.high_density)

    printer.hw("INIT")
    if facts.code_page is not None:
        _pin_code_page(printer, facts)
    if font:
        printer.set(font="b")
    if kick_drawer:
        printer.cashdraw(2)  # first, so the drawer opens while the receipt prints

    if receipt.header:
        try:
            printer._raw(_header_bytes(profile, facts.codec, width, font, receipt.header))
        except TypeError:  # an unhashable line, not text at all: laid out (and refused) as ever
            _header(page, receipt.header)
    page.lines([""])
    if receipt.mark:
        _mark(page, receipt.mark)
    page.style(align="center", bold=True)
    page.lines(page.wrapped(receipt.title))
    page.style(align="left", bold=False)
    page.separator()
    for section in receipt.sections:
        _section(page, section)
    if receipt.barcode is not None:
        _barcode(page, facts, receipt.barcode)
    if receipt.footer:
        page.lines([""])
        page.style(align="center")
        page.lines([line for text in receipt.footer for line in page.wrapped(text)])
        page.style(align="left")
    if cut:
        printer.cut()
    else:
        printer.print_and_feed(6)
    return printer.output


@lru_cache(maxsize=512)
def _wrapped(text: str, codec: str, width: int) -> tuple[str, ...]:
    """A title's or footer's lines: the same texts on every receipt of a shop, wrapped once."""
    return tuple(wrap(printable(text, codec), width))


def _pin_code_page(printer: Any, facts: _ProfileFacts) -> None:
    """Select the code page once per receipt (ESC @ has just reset it).

    Left to itself, magic encoding switches tables in the middle of a line. Where the
    profile's slot agrees with escpos's choice this is plain `charcode()`; otherwise the
    ESC t goes out raw and escpos's encoder is told the table is already active.
    """
    magic = printer.magic
    if magic.encoder.get_sequence(facts.code_page) == facts.code_page_slot:
        printer.charcode(facts.code_page)
        return
    printer._raw(b"\x1bt" + bytes((facts.code_page_slot,)))
    magic.encoding = facts.code_page
    magic.disabled = True


@lru_cache(maxsize=64)
def _header_bytes(profile: str, codec: str, width: int, font: int,
                  header: tuple[str, ...]) -> bytes:
    """The header block, the same on every receipt of a shop: laid out once per printer setup
    and header (a config reload with another header or printer is another key)."""
    printer = escpos_printer().Dummy(profile=profile)
    _header(_Page(printer, codec, width, font), header)
    return printer.output  # type: ignore[no-any-return]


def _header(page: _Page, header: tuple[str, ...]) -> None:
    page.style(align="center", bold=True, double_height=True)
    page.lines(wrap(page.text(header[0]), page.width))
    page.style(bold=False, normal_textsize=True)
    rest = [line for text in header[1:] for line in wrap(page.text(text), page.width)]
    if rest:
        page.lines(rest)
    page.style(align="left")


def _mark(page: _Page, mark: str) -> None:
    # Double width halves the columns; one space each side frames the inverted text.
    lines = [f" {line} " for line in wrap(page.text(mark), page.width // 2 - 2)]
    # White on black (GS B) is a thermal head's trick; impact printers (no 24-dot images in
    # their profile) get the mark large and bold only.
    invert = {"invert": True} if page.thermal else {}
    page.style(align="center", bold=True, double_width=True, double_height=True, **invert)
    page.lines(lines)
    page.style(align="left", bold=False, normal_textsize=True,
               **({"invert": False} if invert else {}))


def _section(page: _Page, section: Section) -> None:
    if section.title:
        page.style(align="center", underline=1)
        page.lines(page.wrapped(section.title))
        page.style(align="left", underline=0)
    plain: list[str] = []
    for row in section.rows:
        lines = row_lines(page.text(row.label), page.text(row.value), page.width)
        if not row.bold:
            plain.extend(lines)
            continue
        if plain:
            page.lines(plain)
            plain = []
        page.style(bold=True)
        page.lines(lines)
        page.style(bold=False)
    if plain:
        page.lines(plain)
    page.separator()


def _barcode(page: _Page, facts: _ProfileFacts, value: str) -> None:
    """The ticket as a barcode by the best path the profile has.

    The printer's own Code128 (GS k) first; else a picture in the first image mode the
    profile lists (GS v 0, GS ( L, or ESC *); column images use the 24-dot mode (ESC * 33)
    only on profiles with `highDensity`: impact printers such as the TM-U220 have only the
    8-dot modes, and ESC * 33 prints garbage there (python-escpos issue #598). Under a
    picture, or alone on a printer with neither, the ticket in large text.
    """
    printer = page.printer
    dots = facts.paper_dots or page.width * _DOTS_PER_COLUMN
    module_dots = min(3, dots // code128.native_module_count(value))
    if facts.native_code128 and module_dots >= 2:
        with contextlib.redirect_stdout(_DISCARD):  # barcode() prints to stdout
            printer.barcode(
                "{B" + value.replace("{", "{{"),
                "CODE128",
                height=BARCODE_HEIGHT,
                width=module_dots,
                pos="BELOW",
                font="A",
                align_ct=True,
                function_type="B",
            )
        page.style(align="left")
        return
    page.style(align="center")
    low_density = facts.image_impl == "bitImageColumn" and not facts.high_density
    if facts.image_impl is not None:
        image = code128.raster(value, dots, BARCODE_HEIGHT // 2 if low_density else BARCODE_HEIGHT)
        with contextlib.redirect_stdout(_DISCARD):  # image() prints to stdout
            # 8-dot double density (ESC * 1) where the profile lacks the 24-dot modes.
            printer.image(image, impl=facts.image_impl, center=False,
                          high_density_vertical=not low_density)
    text = page.text(value)
    if facts.image_impl is None or low_density:
        # No picture a scanner can trust: the ticket large enough to type from.
        if 2 * len(text) <= page.width:
            page.style(double_width=True, double_height=True)
            page.lines([text])
            page.style(normal_textsize=True)
        else:
            page.lines(wrap(text, page.width))
    else:
        page.lines(wrap(text, page.width))  # human-readable text under the bars
    page.style(align="left")
