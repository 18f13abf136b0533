"""The receipt document model: what to print, independent of any printer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def _as_tuple(value: Iterable[object] | str, field: str) -> tuple:
    # A bare string is iterable too; refusing it catches `header="Shop"` mistakes.
    if isinstance(value, str):
        raise TypeError(f"{field} must be a tuple of strings, not a string")
    return tuple(value)


@dataclass(frozen=True)
class Row:
    """One line item: label on the left, value right-aligned."""

    label: str
    value: str = ""
    bold: bool = False


@dataclass(frozen=True)
class Section:
    """A group of rows, optionally with a sub-heading."""

    rows: tuple[Row, ...]
    title: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", _as_tuple(self.rows, "Section.rows"))


@dataclass(frozen=True)
class Receipt:
    """A whole receipt: header, title, sections, optional mark and barcode, footer."""

    header: tuple[str, ...]
    title: str
    sections: tuple[Section, ...] = ()
    mark: str | None = None
    barcode: str | None = None
    footer: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "header", _as_tuple(self.header, "Receipt.header"))
        object.__setattr__(self, "sections", _as_tuple(self.sections, "Receipt.sections"))
        object.__setattr__(self, "footer", _as_tuple(self.footer, "Receipt.footer"))
