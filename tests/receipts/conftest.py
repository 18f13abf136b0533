from __future__ import annotations

import pytest

from receipts import Receipt, Row, Section

SHOP = "Bodega Doña Rosa — Señor de los Milagros"
FOOTER = "¡Gracias por su compra! ¿Dudas? Llame al 01-1234567"
TICKET = "R001-00000042"


def sale_receipt(mark: str | None = None, barcode: str | None = TICKET) -> Receipt:
    return Receipt(
        header=(
            SHOP,
            "RUC 10456789019",
            "Jr. Huallaga 123, Int. 4, Cercado de Lima, frente al Mercado Central, Lima",
        ),
        title="RECARGA",
        mark=mark,
        sections=(
            Section(
                rows=(
                    Row("Operador:", "Claro"),
                    Row("Teléfono:", "987 654 321"),
                    Row("Monto:", "S/ 20.00", bold=True),
                ),
            ),
            Section(
                title="Pago",
                rows=(
                    Row("Pagó con:", "Efectivo"),
                    Row("Recibido", "S/ 50.00"),
                    Row("Vuelto", "S/ 30.00", bold=True),
                    Row("Documento:", "DNI *****678"),
                    Row("Pingüino güero, ñandú vía árbol:", "ÁÉÍÓÚ Ü Ñ ¿¡"),
                ),
            ),
        ),
        barcode=barcode,
        footer=(FOOTER, "Cadena: 3f9a1c0e5b7d2a4f"),
    )


@pytest.fixture
def sale() -> Receipt:
    return sale_receipt()
