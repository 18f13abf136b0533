"""Receipt rendering and printing: document model -> ESC/POS bytes -> printer.

Knows nothing of `pos`. python-escpos is imported lazily, on the first render or send.
"""

from __future__ import annotations

from .barcode import barcode_modules, barcode_text
from .decode import DecodedReceipt, DecodeError, decode
from .document import Receipt, Row, Section
from .printers import PrinterConfig, PrinterError, check, send
from .render import render

__all__ = [
    "DecodeError",
    "DecodedReceipt",
    "PrinterConfig",
    "PrinterError",
    "Receipt",
    "Row",
    "Section",
    "barcode_modules",
    "barcode_text",
    "check",
    "decode",
    "render",
    "send",
]
