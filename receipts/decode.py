"""ESC/POS bytes -> text lines, for previews and tests.

Deliberately small and strict: it knows the commands `render` emits (through
python-escpos) and raises DecodeError, with the byte offset, on anything else, so a
stray or garbled byte in the output is caught instead of skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

ESC, GS, LF = 0x1B, 0x1D, 0x0A

# ESC t n -> Python codec (the ESC/POS table numbers of the Epson standard).
CODE_PAGES: dict[int, str] = {0: "cp437", 2: "cp850", 16: "cp1252", 19: "cp858"}

_ESC_ONE_ARG = frozenset(b"!EG{d3")  # ESC x n, any n
_ESC_RANGED = {
    ord("a"): b"\x00\x01\x02012",
    ord("-"): b"\x00\x01\x02012",
    ord("M"): b"\x00\x01\x0201",
}
_GS_ONE_ARG = frozenset(b"Bb")
_HRI_POSITIONS = b"\x00\x01\x02\x030123"


class DecodeError(ValueError):
    """The bytes hold something this decoder does not understand."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} at offset {offset}")
        self.offset = offset


@dataclass(frozen=True)
class DecodedReceipt:
    """One receipt as printed, between two paper cuts."""

    lines: tuple[str, ...]
    barcodes: tuple[str, ...]
    images: int
    cut: bool
    drawer_kick: bool
    # Printed columns of each line (characters times the double-width factor).
    columns: tuple[int, ...] = field(default=(), compare=False)
    # Font of each line: 0 = A, 1 = B (a line printed partly in font A counts as A).
    fonts: tuple[int, ...] = field(default=(), compare=False)
    # Every command seen, e.g. "ESC @", "ESC *1" (bit image mode 1), "GS k", "GS v0", "GS V".
    commands: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@lru_cache(maxsize=1)
def _tables() -> dict[int, tuple[str | None, ...]]:
    tables = {}
    for number, codec in CODE_PAGES.items():
        chars: list[str | None] = []
        for byte in range(256):
            if byte < 0x20 or byte == 0x7F:
                chars.append(None)
                continue
            try:
                chars.append(bytes([byte]).decode(codec))
            except UnicodeDecodeError:
                chars.append(None)
        tables[number] = tuple(chars)
    return tables


_CODECS = {"CP437": "cp437", "CP850": "cp850", "CP858": "cp858", "CP1252": "cp1252"}


def _profile_tables(profile: str) -> dict[int, tuple[str | None, ...]]:
    """ESC t numbering of an escpos printer profile (some vendors renumber the tables)."""
    from .escpos_loader import escpos_printer

    escpos_printer()
    from escpos.capabilities import get_profile

    try:
        pages = get_profile(profile).codePages
    except KeyError:
        raise ValueError(f"unknown printer profile {profile!r}") from None
    by_codec = {codec: _tables()[n] for n, codec in CODE_PAGES.items()}
    return {
        int(number): by_codec[_CODECS[name]]
        for number, name in pages.items()
        if name in _CODECS and _CODECS[name] in by_codec
    }


class _Decoder:
    def __init__(self, data: bytes, tables: dict[int, tuple[str | None, ...]]) -> None:
        self.data = data
        self.tables = tables
        self.pos = 0
        self.receipts: list[DecodedReceipt] = []
        self._new_receipt()
        self._reset_modes()

    def _new_receipt(self) -> None:
        self.lines: list[str] = []
        self.columns: list[int] = []
        self.fonts: list[int] = []
        self.buffer_fonts: set[int] = set()
        self.commands: set[str] = set()
        self.barcodes: list[str] = []
        self.images = 0
        self.drawer_kick = False
        self.touched = False
        self.buffer: list[str] = []
        self.buffer_columns = 0

    def _reset_modes(self) -> None:
        self.table = self.tables.get(0, _tables()[0])
        self.esc_bang_wide = False
        self.gs_bang_width = 1
        self.font = 0
        self.hri = 0
        self.hri_font = 0
        self.in_column_image = False

    # -- helpers -----------------------------------------------------------
    def fail(self, message: str, offset: int | None = None) -> DecodeError:
        return DecodeError(message, self.pos if offset is None else offset)

    def take(self, count: int, start: int) -> bytes:
        end = self.pos + count
        if end > len(self.data):
            raise self.fail("truncated command", start)
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def newline(self) -> None:
        self.lines.append("".join(self.buffer).rstrip(" "))
        self.columns.append(self.buffer_columns)
        self.fonts.append(min(self.buffer_fonts) if self.buffer_fonts else self.font)
        self.buffer = []
        self.buffer_columns = 0
        self.buffer_fonts = set()

    def _width(self) -> int:
        return max(2 if self.esc_bang_wide else 1, self.gs_bang_width)

    def at_line_start(self, what: str, start: int) -> None:
        if self.buffer:
            raise self.fail(f"{what} not at the start of a line", start)

    def finish(self, cut: bool) -> None:
        if self.buffer:
            self.newline()
        while self.lines and not self.lines[-1]:
            self.lines.pop()
            self.columns.pop()
            self.fonts.pop()
        self.receipts.append(
            DecodedReceipt(
                lines=tuple(self.lines),
                barcodes=tuple(self.barcodes),
                images=self.images,
                cut=cut,
                drawer_kick=self.drawer_kick,
                columns=tuple(self.columns),
                fonts=tuple(self.fonts),
                commands=frozenset(self.commands),
            )
        )
        self._new_receipt()

    # -- main loop ---------------------------------------------------------
    def run(self) -> list[DecodedReceipt]:
        data = self.data
        while self.pos < len(data):
            start = self.pos
            byte = data[start]
            self.pos += 1
            self.touched = True
            if byte == LF:
                if self.in_column_image and not self.buffer:
                    continue  # line end of an ESC * image strip
                self.newline()
            elif byte == ESC:
                self.esc(start)
            elif byte == GS:
                self.gs(start)
            else:
                char = self.table[byte]
                if char is None:
                    raise self.fail(f"unexpected byte 0x{byte:02x}", start)
                if self.in_column_image:
                    raise self.fail("text inside a column image", start)
                self.buffer.append(char)
                self.buffer_columns += self._width()
                self.buffer_fonts.add(self.font)
        if self.touched:
            self.finish(cut=False)
        return self.receipts

    def esc(self, start: int) -> None:
        command = self.take(1, start)[0]
        if command != ord("*"):  # bit images are recorded with their mode
            self.commands.add(f"ESC {chr(command)}")
        if command == ord("@"):
            self._reset_modes()
        elif command == ord("t"):
            number = self.take(1, start)[0]
            if number not in self.tables:
                raise self.fail(f"unknown code page {number}", start)
            self.table = self.tables[number]
        elif command == ord("!"):
            mode = self.take(1, start)[0]
            self.esc_bang_wide = bool(mode & 0x20)
            self.font = mode & 0x01
        elif command in _ESC_RANGED:
            argument = self.take(1, start)[0]
            if argument not in _ESC_RANGED[command]:
                raise self.fail(f"bad argument for ESC {chr(command)}", start)
            if command == ord("M"):
                self.font = argument & 0x01
        elif command == ord("d"):
            count = self.take(1, start)[0]
            if self.buffer or count:
                self.newline()
            for _ in range(count - 1):
                self.newline()
        elif command == ord("p"):
            pin, _on, _off = self.take(3, start)
            if pin not in b"\x00\x0101":
                raise self.fail("bad cash drawer pin", start)
            self.drawer_kick = True
        elif command == ord("3"):
            self.take(1, start)
        elif command == ord("2"):
            self.in_column_image = False
        elif command == ord("*"):
            self.column_image(start)
        elif command in _ESC_ONE_ARG:
            self.take(1, start)
        else:
            raise self.fail(f"unknown command ESC 0x{command:02x}", start)

    def gs(self, start: int) -> None:
        command = self.take(1, start)[0]
        self.commands.add(f"GS {chr(command)}")
        if command == ord("!"):
            size = self.take(1, start)[0]
            if size & 0x88:
                raise self.fail("bad character size", start)
            self.gs_bang_width = (size >> 4) + 1
        elif command == ord("V"):
            mode = self.take(1, start)[0]
            if mode in (65, 66, 97, 98, 103, 104):
                self.take(1, start)
            elif mode not in (0, 1, 48, 49):
                raise self.fail("bad cut mode", start)
            self.finish(cut=True)
            self._reset_modes_after_cut()
        elif command == ord("h"):
            if self.take(1, start)[0] == 0:
                raise self.fail("bad barcode height", start)
        elif command == ord("w"):
            if not 1 <= self.take(1, start)[0] <= 6:
                raise self.fail("bad barcode module width", start)
        elif command == ord("H"):
            position = self.take(1, start)[0]
            if position not in _HRI_POSITIONS:
                raise self.fail("bad barcode text position", start)
            self.hri = position & 0x03
        elif command == ord("f"):
            hri_font = self.take(1, start)[0]
            if hri_font not in b"\x00\x0101":
                raise self.fail("bad barcode text font", start)
            self.hri_font = hri_font & 0x01
        elif command == ord("k"):
            self.barcode(start)
        elif command == ord("v"):
            self.raster_image(start)
        elif command == ord("("):
            self.graphics(start)
        elif command in _GS_ONE_ARG:
            self.take(1, start)
        else:
            raise self.fail(f"unknown command GS 0x{command:02x}", start)

    def _reset_modes_after_cut(self) -> None:
        # A cut does not reset the printer; only the per-receipt bookkeeping restarts.
        self.in_column_image = False

    # -- barcodes and images -----------------------------------------------
    def barcode(self, start: int) -> None:
        self.at_line_start("barcode", start)
        kind = self.take(1, start)[0]
        if kind <= 6:
            end = self.data.find(b"\x00", self.pos)
            if end < 0:
                raise self.fail("unterminated barcode data", start)
            payload = self.take(end - self.pos, start)
            self.pos += 1
        elif 65 <= kind <= 79:
            length = self.take(1, start)[0]
            if length == 0:
                raise self.fail("empty barcode", start)
            payload = self.take(length, start)
        else:
            raise self.fail(f"unknown barcode type {kind}", start)
        if not all(0x20 <= byte < 0x7F for byte in payload) and kind != 73:
            raise self.fail("barcode data is not printable ASCII", start)
        value = self.code128_value(payload, start) if kind == 73 else payload.decode("ascii")
        self.barcodes.append(value)
        if self.hri:
            # The printer prints the human-readable text itself, on its own line(s).
            for _ in range(2 if self.hri == 3 else 1):
                self.lines.append(value)
                self.columns.append(len(value))
                self.fonts.append(self.hri_font)

    def code128_value(self, payload: bytes, start: int) -> str:
        if len(payload) < 2 or payload[0] != ord("{") or payload[1] not in b"ABC":
            raise self.fail("Code128 data must start with a code set ({A, {B or {C)", start)
        out: list[str] = []
        code_set = payload[1]
        index = 2
        while index < len(payload):
            byte = payload[index]
            if byte == ord("{"):
                if index + 1 >= len(payload):
                    raise self.fail("dangling Code128 escape", start)
                following = payload[index + 1]
                if following == ord("{"):
                    out.append("{")
                elif following in b"ABC":
                    code_set = following
                else:
                    raise self.fail("unsupported Code128 function", start)
                index += 2
                continue
            if code_set == ord("C"):
                if byte > 99:
                    raise self.fail("bad Code128 set C pair", start)
                out.append(f"{byte:02d}")
            elif 0x20 <= byte < 0x7F:
                out.append(chr(byte))
            else:
                raise self.fail("Code128 data is not printable ASCII", start)
            index += 1
        if not out:
            raise self.fail("empty barcode", start)
        return "".join(out)

    def raster_image(self, start: int) -> None:
        self.at_line_start("image", start)
        if self.take(1, start) != b"0":
            raise self.fail("unknown GS v command", start)
        mode, x_low, x_high, y_low, y_high = self.take(5, start)
        if mode not in b"\x00\x01\x02\x030123":
            raise self.fail("bad raster mode", start)
        width_bytes = x_low + 256 * x_high
        height = y_low + 256 * y_high
        if not width_bytes or not height:
            raise self.fail("empty raster image", start)
        self.take(width_bytes * height, start)
        self.images += 1

    def column_image(self, start: int) -> None:
        self.at_line_start("image", start)
        mode, low, high = self.take(3, start)
        if mode not in (0, 1, 32, 33):
            raise self.fail("bad bit image mode", start)
        self.commands.add(f"ESC *{mode}")
        columns = low + 256 * high
        if not columns:
            raise self.fail("empty bit image", start)
        self.take(columns * (3 if mode >= 32 else 1), start)
        if not self.in_column_image:
            self.images += 1
            self.in_column_image = True

    def graphics(self, start: int) -> None:
        if self.take(1, start) != b"L":
            raise self.fail("unknown GS ( command", start)
        low, high = self.take(2, start)
        length = low + 256 * high
        if length < 2:
            raise self.fail("bad graphics length", start)
        body = self.take(length, start)
        if body[0] != ord("0") or body[1] not in b"p2":
            raise self.fail("unsupported graphics function", start)
        if body[1] == ord("2"):
            self.at_line_start("image", start)
            self.images += 1


def decode(data: bytes, *, profile: str | None = None) -> list[DecodedReceipt]:
    """Split an ESC/POS stream on paper cuts and decode each receipt.

    Code pages follow the Epson numbering (ESC t 0/2/16/19) unless `profile` names an
    escpos printer profile whose numbering should be used instead.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("decode() needs bytes")
    tables = _tables() if profile is None else _profile_tables(profile)
    return _Decoder(bytes(data), tables).run()
