"""Slips about the printer itself: the test page, and the COPY banner put in front of a slip
that may already be on paper."""

from __future__ import annotations

from .document import Receipt, Row, Section

SPANISH_SAMPLE = "ñáéíóúü ÑÁÉÍÓÚÜ ¿¡ S/ 10.00"


def ruler(width: int) -> str:
    """One line exactly `width` columns wide: 1234567890123…, the last digit at the edge."""
    return "".join(str(column % 10) for column in range(1, width + 1))


def test_page(*, header: tuple[str, ...], title: str, labels: tuple[str, str, str],
              width: int, barcode: str, footer: tuple[str, ...] = ()) -> Receipt:
    """The printer test page: the Spanish characters, a width ruler, a barcode and the cut.

    `labels`: the headings of the characters, ruler and barcode sections, in the shop's
    language (this package knows nothing of translations).
    """
    characters, width_label, barcode_label = labels
    return Receipt(
        header=header,
        title=title,
        sections=(
            Section(rows=(Row(SPANISH_SAMPLE),), title=characters),
            Section(rows=(Row(ruler(width)),), title=f"{width_label} {width}"),
            Section(rows=(Row(barcode_label, barcode),)),
        ),
        barcode=barcode,
        footer=footer,
    )


def copy_banner(text: str) -> bytes:
    """ESC/POS bytes for a centred, bold `*** COPY ***` line, sent before a stored slip that is
    printed again when its first print may already be on paper."""
    line = f"*** {text} ***".encode("ascii", errors="replace")
    return b"\x1b@\x1ba\x01\x1bE\x01" + line + b"\n\x1bE\x00\x1ba\x00"
