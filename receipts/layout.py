"""Plain-text layout for fixed-column thermal paper.

Everything here works on strings that are already reduced to the printer's code page
(see `printable`), so one character is one byte is one column.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Characters common in shop texts that CP858/CP850/CP437 lack, mapped on purpose to a
# close ASCII look-alike instead of the generic "?".
_TRANSLITERATIONS: dict[str, str] = {
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u2026": "...",
    "\u2022": "*",
    "\u00b7": ".",
    "\u2122": "TM",
    "\u20ac": "EUR",
    "\u2116": "No",
    "\u2190": "<-",
    "\u2192": "->",
    # Letters without a Unicode decomposition to strip accents from.
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u0152": "OE",
    "\u0153": "oe",
    "\u0131": "i",
}

REPLACEMENT = "?"


@lru_cache(maxsize=4096)
def _printable_char(char: str, codec: str) -> str:
    category = unicodedata.category(char)
    if category == "Cc" or category in ("Zs", "Zl", "Zp"):
        # Control characters would inject printer commands; all spacing becomes a space.
        return " "
    if category == "Cf":  # zero-width joiners, direction marks, soft hyphen
        return ""
    try:
        char.encode(codec)
        return char
    except UnicodeEncodeError:
        pass
    if char in _TRANSLITERATIONS:
        return _TRANSLITERATIONS[char]
    # Compatibility decomposition: "ő" -> "o", "ﬁ" -> "fi", full-width "Ａ" -> "A".
    kept = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.category(part).startswith("M"):
            continue
        try:
            part.encode(codec)
        except UnicodeEncodeError:
            return "" if category.startswith("M") else REPLACEMENT
        if unicodedata.category(part) == "Cc":
            return REPLACEMENT
        kept.append(part)
    if kept:
        return "".join(kept)
    return "" if category.startswith("M") else REPLACEMENT


def printable(text: str, codec: str = "cp858") -> str:
    """Reduce text to characters the code page can print, one column each.

    Whitespace and control characters become spaces, invisible format characters
    disappear, characters outside the code page are transliterated (dashes, quotes,
    accents the page lacks) or replaced by "?" (emoji, CJK).
    """
    if text.isascii() and text.isprintable():
        return text
    return _printable_text(text, codec)


@lru_cache(maxsize=1024)
def _printable_text(text: str, codec: str) -> str:
    # Cached whole: a shop's labels and footers are the same texts on every receipt.
    text = unicodedata.normalize("NFC", text)
    return "".join([_printable_char(char, codec) for char in text])


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap; only a single word longer than the width is split."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not word:
            continue
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current = f"{current} {word}"
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def row_lines(label: str, value: str, width: int) -> list[str]:
    """Label left and value right on one line when they fit, else label then value."""
    label = " ".join(label.split())
    value = " ".join(value.split())
    if not value:
        return wrap(label, width)
    if len(label) + 1 + len(value) <= width:
        return [label + " " * (width - len(label) - len(value)) + value]
    lines = wrap(label, width) if label else []
    lines.extend(part.rjust(width) for part in wrap(value, width))
    return lines
