"""The chain head record kept beside the key file (pos/ledger/witness.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos.ledger.witness import SLOT, Head, HeadDamaged, head_path, read_head, write_head

KEY = b"k" * 32


def test_round_trip_keeps_the_newest(tmp_path: Path) -> None:
    key_file = tmp_path / "ledger.key"
    assert read_head(key_file, KEY, "R001") is None
    for seq in range(1, 6):
        write_head(key_file, KEY, Head("R001", seq, f"{seq:064x}"))
    assert read_head(key_file, KEY, "R001") == Head("R001", 5, f"{5:064x}")
    assert head_path(key_file, "R001").stat().st_mode & 0o777 == 0o600


def test_a_torn_slot_falls_back_to_the_previous_head(tmp_path: Path) -> None:
    key_file = tmp_path / "ledger.key"
    write_head(key_file, KEY, Head("R001", 6, "a" * 64))
    write_head(key_file, KEY, Head("R001", 7, "b" * 64))
    path = head_path(key_file, "R001")
    raw = bytearray(path.read_bytes())
    raw[SLOT:SLOT + 40] = b"\0" * 40  # seq 7 lives in slot 1: a power cut mid-write
    path.write_bytes(bytes(raw))
    assert read_head(key_file, KEY, "R001") == Head("R001", 6, "a" * 64)


def test_another_key_is_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "ledger.key"
    write_head(key_file, b"x" * 32, Head("R001", 1, "a" * 64))
    with pytest.raises(HeadDamaged):
        read_head(key_file, KEY, "R001")


def test_each_series_has_its_own_record(tmp_path: Path) -> None:
    key_file = tmp_path / "ledger.key"
    write_head(key_file, KEY, Head("R001", 3, "a" * 64))
    write_head(key_file, KEY, Head("R002", 9, "b" * 64))
    assert read_head(key_file, KEY, "R001").seq == 3  # type: ignore[union-attr]
    assert read_head(key_file, KEY, "R002").seq == 9  # type: ignore[union-attr]


def test_an_unwritable_folder_never_fails_a_sale(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    write_head(blocker / "ledger.key", KEY, Head("R001", 1, "a" * 64))  # must not raise
