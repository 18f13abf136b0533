"""Code128 for the ticket number: validation, module pattern, terminal preview, raster."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_LENGTH = 80  # far above a ticket number; keeps the printer's length byte in range


def validate(value: str) -> str:
    """Return value if it can be printed as Code128 set B, else raise ValueError."""
    if not isinstance(value, str) or not value:
        raise ValueError("barcode value must be a non-empty string")
    if len(value) > MAX_LENGTH:
        raise ValueError(f"barcode value longer than {MAX_LENGTH} characters")
    if not all(" " <= char <= "~" for char in value):
        # Set B covers printable ASCII only; python-barcode would silently switch sets
        # for control characters and Latin-1, which the printer's set B cannot follow.
        raise ValueError(f"barcode value {value!r} has characters outside printable ASCII")
    barcode_modules(value)
    return value


@lru_cache(maxsize=256)
def _modules(value: str) -> str:
    from barcode import Code128
    from barcode.errors import BarcodeError

    try:
        # build() never uses the writer: one shared, not a new SVG writer per ticket.
        return Code128(value, writer=_writer()).build()[0]
    except (BarcodeError, IndexError, KeyError) as exc:
        raise ValueError(f"not a valid Code128 value: {value!r}") from exc


@lru_cache(maxsize=1)
def _writer() -> object:
    from barcode.writer import SVGWriter

    return SVGWriter()


def barcode_modules(value: str) -> str:
    """python-barcode's Code128 module string ("1" bar, "0" space); validates."""
    if not isinstance(value, str) or not value:
        raise ValueError("barcode value must be a non-empty string")
    return _modules(value)


_HALF_BLOCKS = {"00": " ", "01": "\u2590", "10": "\u258c", "11": "\u2588"}


def barcode_text(value: str) -> str:
    """One-line Unicode picture of the barcode, two modules per character."""
    modules = barcode_modules(value)
    if len(modules) % 2:
        modules += "0"
    return "".join(_HALF_BLOCKS[modules[i : i + 2]] for i in range(0, len(modules), 2))


def native_module_count(value: str) -> int:
    """Modules of the printer's own Code128 set B rendering (no set C compression)."""
    # start + one symbol per character + check symbol, 11 modules each, stop has 13.
    return 11 * (len(value) + 2) + 13


def raster(value: str, paper_dots: int, height: int = 64) -> Image:
    """Barcode as a 1-bit Pillow image as wide as the paper, bars centred.

    Raises ValueError when even one-dot modules do not fit on the paper.
    """
    from PIL import Image as PILImage

    modules = barcode_modules(value)
    quiet = 10  # Code128 wants a quiet zone of 10 modules on each side
    dots_per_module = min(3, paper_dots // (len(modules) + 2 * quiet))
    if dots_per_module < 1:
        raise ValueError(f"barcode {value!r} is too long for {paper_dots}-dot paper")
    bars = "".join(module * dots_per_module for module in modules)
    left = (paper_dots - len(bars)) // 2
    row = "0" * left + bars + "0" * (paper_dots - left - len(bars))
    line = bytes(0 if module == "1" else 255 for module in row)
    image = PILImage.frombytes("L", (paper_dots, 1), line)
    return image.resize((paper_dots, height), PILImage.Resampling.NEAREST).convert("1")
