"""Receipt rendering and printing: document model -> ESC/POS bytes -> printer.

Knows nothing of `pos`. python-escpos is imported lazily, on the first render or send.
"""

from __future__ import annotations

from .barcode import barcode_modules, barcode_text
from .decode import DecodedReceipt, DecodeError, decode
from .document import Receipt, Row, Section
from .printers import PrinterConfig, PrinterError, PrinterStatus, check, parse_status, send
from .pages import copy_banner, ruler, test_page
from .render import render

__all__ = [
    "DecodeError",
    "DecodedReceipt",
    "PrinterConfig",
    "PrinterError",
    "PrinterStatus",
    "Receipt",
    "Row",
    "Section",
    "barcode_modules",
    "barcode_text",
    "check",
    "copy_banner",
    "decode",
    "parse_status",
    "render",
    "ruler",
    "send",
    "test_page",
]
