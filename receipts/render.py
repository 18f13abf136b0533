"""Receipt document -> ESC/POS bytes, through python-escpos's Dummy printer."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import barcode as code128
from .document import Receipt, Section
from .escpos_loader import escpos_printer
from .layout import printable, row_lines, wrap

WIDTHS = (32, 48)
# Printable dots across the paper when the profile does not say (203 dpi heads).
_DEFAULT_DOTS = {32: 384, 48: 576}
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
    return _ProfileFacts(
        code_page=code_page,
        code_page_slot=slots.get(code_page, 0) if code_page else 0,
        codec=codec,
        native_code128=bool(profile.supports("barcodeB")),
        image_impl=image_impl,
        paper_dots=dots,
    )


class _Page:
    """Thin layer over a Dummy printer: styles through python-escpos, text encoded once."""

    def __init__(self, printer: Any, codec: str, width: int) -> None:
        self.printer = printer
        self.codec = codec
        self.width = width

    def text(self, value: str) -> str:
        return printable(value, self.codec)

    def lines(self, lines: list[str]) -> None:
        self.printer._raw(("\n".join(lines) + "\n").encode(self.codec))

    def separator(self) -> None:
        self.lines(["-" * self.width])


def render(
    receipt: Receipt,
    *,
    width: int = 48,
    profile: str = "default",
    kick_drawer: bool = False,
    cut: bool = True,
) -> bytes:
    """Lay the receipt out for `width` columns and return the ESC/POS bytes."""
    if width not in WIDTHS:
        raise ValueError(f"width must be 32 or 48 columns, not {width!r}")
    if not isinstance(receipt, Receipt):
        raise TypeError("render() needs a Receipt")
    if receipt.barcode is not None:
        code128.validate(receipt.barcode)
    facts = _profile_facts(profile)
    printer = escpos_printer().Dummy(profile=profile)
    page = _Page(printer, facts.codec, width)

    printer.hw("INIT")
    if facts.code_page is not None:
        _pin_code_page(printer, facts)
    if kick_drawer:
        printer.cashdraw(2)  # first, so the drawer opens while the receipt prints

    _header(page, receipt)
    page.lines([""])
    if receipt.mark:
        _mark(page, receipt.mark)
    printer.set(align="center", bold=True)
    page.lines(wrap(page.text(receipt.title), width))
    printer.set(align="left", bold=False)
    page.separator()
    for section in receipt.sections:
        _section(page, section)
    if receipt.barcode is not None:
        _barcode(page, facts, receipt.barcode)
    if receipt.footer:
        page.lines([""])
        printer.set(align="center")
        page.lines([line for text in receipt.footer for line in wrap(page.text(text), width)])
        printer.set(align="left")
    if cut:
        printer.cut()
    else:
        printer.print_and_feed(6)
    return printer.output


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


def _header(page: _Page, receipt: Receipt) -> None:
    if not receipt.header:
        return
    printer = page.printer
    printer.set(align="center", bold=True, double_height=True)
    page.lines(wrap(page.text(receipt.header[0]), page.width))
    printer.set(bold=False, normal_textsize=True)
    rest = [line for text in receipt.header[1:] for line in wrap(page.text(text), page.width)]
    if rest:
        page.lines(rest)
    printer.set(align="left")


def _mark(page: _Page, mark: str) -> None:
    printer = page.printer
    # Double width halves the columns; one space each side frames the inverted text.
    lines = [f" {line} " for line in wrap(page.text(mark), page.width // 2 - 2)]
    printer.set(align="center", bold=True, double_width=True, double_height=True, invert=True)
    page.lines(lines)
    printer.set(align="left", bold=False, normal_textsize=True, invert=False)


def _section(page: _Page, section: Section) -> None:
    printer = page.printer
    if section.title:
        printer.set(align="center", underline=1)
        page.lines(wrap(page.text(section.title), page.width))
        printer.set(align="left", underline=0)
    plain: list[str] = []
    for row in section.rows:
        lines = row_lines(page.text(row.label), page.text(row.value), page.width)
        if not row.bold:
            plain.extend(lines)
            continue
        if plain:
            page.lines(plain)
            plain = []
        printer.set(bold=True)
        page.lines(lines)
        printer.set(bold=False)
    if plain:
        page.lines(plain)
    page.separator()


def _barcode(page: _Page, facts: _ProfileFacts, value: str) -> None:
    printer = page.printer
    dots = facts.paper_dots or _DEFAULT_DOTS[page.width]
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
        printer.set(align="left")
        return
    printer.set(align="center")
    if facts.image_impl is not None:
        image = code128.raster(value, dots, BARCODE_HEIGHT)
        with contextlib.redirect_stdout(_DISCARD):  # image() prints to stdout
            printer.image(image, impl=facts.image_impl, center=False)
    # Human-readable text under the picture; the only rendering on a printer without
    # images or native barcodes.
    page.lines(wrap(page.text(value), page.width))
    printer.set(align="left")
