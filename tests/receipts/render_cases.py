"""Varied receipts, printer profiles and widths, for the byte-identity tests of render().

`outcomes()` renders every case and gives, per case name, the SHA-256 of the bytes (or the
error raised). `python -m tests.receipts.render_cases` prints them as JSON: that is how
render_golden.json was written, by the renderer before its caches existed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from receipts import Receipt, Row, Section, render
from tests.receipts.conftest import TICKET, sale_receipt

LONG_WORD = "Supercalifragilisticoespialidoso-" * 3  # longer than any width: split hard


def _documents() -> dict[str, Receipt]:
    sale = sale_receipt()
    void = Receipt(
        header=("Bodega Doña Rosa", "RUC 10456789019", "Jr. Huallaga 123, Lima"),
        title="ANULACIÓN",
        sections=(
            Section((Row("Ticket", "R001-00000043"), Row("Fecha", "25/11/2026 10:30:00"),
                     Row("Cajero", "María José Ñañez"), Row("Anula ticket", TICKET),
                     Row("Celular", "987 654 321"), Row("Monto", "-S/ 20.00", bold=True),
                     Row("Motivo", "cliente se equivocó de número"))),
            Section((Row("Devolver con", "Efectivo"),)),
        ),
        barcode="R001-00000043",
        footer=("Código de control: 820b481c",),
    )
    long_names = Receipt(
        header=("Bodega y Librería «La Señora de los Milagros de Huallaga» — Sucursal Cercado "
                + LONG_WORD, "RUC 10456789019", "Av. " + "Larguísima " * 12),
        title="RECARGA " + LONG_WORD,
        sections=(
            Section((Row("Operador con un nombre muy largo que no cabe en la línea",
                         "Claro Perú S.A.C. — Recargas y Paquetes"),
                     Row(LONG_WORD, LONG_WORD, bold=True), Row("", "S/ 1,234.50"),
                     Row("Solo etiqueta sin valor, larguísima " * 3)),
                    title="Detalle de la operación " + "muy larga " * 6),
        ),
        mark="COPIA " * 8,
        barcode="R001-00000044",
        footer=("¡Gracias por su compra! " * 5, LONG_WORD, ""),
    )
    odd_text = Receipt(
        header=("Tienda 😀 “Ñu” – ﬁ Ａ", "\tRUC\x1b 10456789019\u200b"),
        title="Ticket\u2026 № 5 → ok",
        sections=(
            Section((Row("Emoji 🎉 y CJK 漢字", "€ 20 ½"), Row("Control\x07\x1bX", "a\u0301e\u0301"),
                     Row("Łódź Œuvre ı đ", "™ • ·", bold=True)), title="Ŧest\u00ad"),
        ),
        mark="COPIA ★",
        barcode="R001-00000045",
        footer=("\u202eright-to-left\u202c", "tab\there"),
    )
    return {
        "sale": sale,
        "sale_copy": sale_receipt(mark="COPIA"),
        "sale_no_barcode": sale_receipt(barcode=None),
        "sale_copy_no_barcode": sale_receipt(mark="COPY", barcode=None),
        "void": void,
        "long_names": long_names,
        "odd_text": odd_text,
        "bare": Receipt(header=(), title="X"),
        "one_line_header": Receipt(header=("Bodega",), title="TEST",
                                   sections=(Section((Row("a", "b"),)),), footer=("fin",)),
        "long_barcode": sale_receipt(barcode="R001-" + "0123456789" * 4),
        "brace_barcode": sale_receipt(barcode="R{01}-{{42}}"),
        "bad_barcode": sale_receipt(barcode="R001-0000004ñ"),
        # Not text at all: refused with the same error as ever, cached or not.
        "list_in_header": Receipt(header=(["Bodega"],), title="X"),  # type: ignore[arg-type]
        "list_title": Receipt(header=("Bodega",), title=["X"]),  # type: ignore[arg-type]
        "int_footer": Receipt(header=("Bodega",), title="X", footer=(5,)),  # type: ignore[arg-type]
    }


# (profile, width): font A and font B widths, "auto", a width the profile refuses.
PRINTERS: tuple[tuple[str, int | str], ...] = (
    ("default", 32), ("default", 42), ("default", 48), ("default", 56), ("default", "auto"),
    ("TM-T88V", 42), ("TM-T88V", 56), ("TM-T88V", "auto"), ("TM-T88V", 64),
    ("TM-T20II", 48), ("TM-T20II", 64),
    ("POS-5890", 32), ("POS-5890", 42), ("POS-5890", "auto"),
    ("TM-U220", 42), ("TM-U220", 56),
    ("simple", 48), ("OCD-100", 32),
)
FLAGS = ((False, True), (True, True), (True, False))  # (kick_drawer, cut)


def cases() -> Iterator[tuple[str, Receipt, dict[str, Any]]]:
    for doc_name, doc in _documents().items():
        for profile, width in PRINTERS:
            for kick, cut in FLAGS:
                name = f"{doc_name}/{profile}/{width}/kick={kick}/cut={cut}"
                yield name, doc, {"width": width, "profile": profile, "kick_drawer": kick,
                                  "cut": cut}


def outcome(doc: Receipt, options: dict[str, Any]) -> str:
    """The SHA-256 of the bytes, or the error raised."""
    try:
        return hashlib.sha256(render(doc, **options)).hexdigest()
    except (ValueError, TypeError, AttributeError) as exc:
        return f"{type(exc).__name__}: {exc}"


def outcomes() -> dict[str, str]:
    return {name: outcome(doc, options) for name, doc, options in cases()}


if __name__ == "__main__":
    print(json.dumps(outcomes(), indent=1, sort_keys=True, ensure_ascii=False))
