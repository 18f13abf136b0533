"""The witness beside the key file (pos/ledger/witness.py), as a file format."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest

from pos.ledger.witness import (
    TAIL,
    Head,
    WitnessDamaged,
    WitnessLog,
    encode_line,
    read_legacy_head,
    read_witness,
    witness_files,
    witness_path,
)

KEY = b"k" * 32


def log(tmp_path: Path, series: str = "R001", key: bytes = KEY) -> WitnessLog:
    return WitnessLog(witness_path(tmp_path / "ledger.key", series), key)


def test_appends_keep_the_newest_of_each_kind(tmp_path: Path) -> None:
    w = log(tmp_path)
    for seq in range(1, 6):
        w.append("J", Head("R001", seq, f"{seq:064x}"))
        w.append("E", Head("R001", seq * 2, f"{seq * 2:064x}"))
    w.close()
    state = read_witness(w.path, KEY, "R001")
    assert state.status == "ok" and not state.torn
    assert state.journal == Head("R001", 5, f"{5:064x}")
    assert state.events == Head("R001", 10, f"{10:064x}")
    assert w.path.stat().st_mode & 0o777 == 0o600
    assert len(w.path.read_bytes().splitlines()) == 10  # appended, never rewritten


def test_missing_empty_and_zeroed_are_told_apart(tmp_path: Path) -> None:
    path = witness_path(tmp_path / "ledger.key", "R001")
    assert read_witness(path, KEY, "R001").status == "missing"
    path.write_bytes(b"")
    assert read_witness(path, KEY, "R001").status == "empty"
    path.write_bytes(b"\0" * 4096)
    assert read_witness(path, KEY, "R001").status == "zeroed"


def test_a_torn_last_line_is_ignored_and_the_next_append_starts_afresh(tmp_path: Path) -> None:
    w = log(tmp_path)
    w.append("J", Head("R001", 6, "a" * 64))
    w.append("J", Head("R001", 7, "b" * 64))
    w.close()
    raw = w.path.read_bytes()
    w.path.write_bytes(raw[:-40])  # a power cut in the middle of the second line
    state = read_witness(w.path, KEY, "R001")
    assert state.torn and state.journal == Head("R001", 6, "a" * 64)
    w2 = log(tmp_path)
    w2.append("J", Head("R001", 7, "b" * 64))
    w2.close()
    state = read_witness(w2.path, KEY, "R001", whole=True)
    assert state.journal == Head("R001", 7, "b" * 64)


def test_a_line_edited_without_the_key_is_damage(tmp_path: Path) -> None:
    w = log(tmp_path)
    w.append("J", Head("R001", 3, "a" * 64), sync=True)
    w.close()
    w.path.write_bytes(w.path.read_bytes().replace(b"|3|", b"|9|"))
    with pytest.raises(WitnessDamaged):
        read_witness(w.path, KEY, "R001")


def test_another_key_is_refused(tmp_path: Path) -> None:
    w = log(tmp_path, key=b"x" * 32)
    w.append("J", Head("R001", 1, "a" * 64), sync=True)
    w.close()
    with pytest.raises(WitnessDamaged):
        read_witness(w.path, KEY, "R001")


def test_another_terminals_line_is_refused(tmp_path: Path) -> None:
    path = witness_path(tmp_path / "ledger.key", "R001")
    path.write_bytes(encode_line(KEY, "J", Head("R002", 1, "a" * 64)))
    with pytest.raises(WitnessDamaged):
        read_witness(path, KEY, "R001")


def test_an_accepted_reset_replaces_the_head_without_erasing_lines(tmp_path: Path) -> None:
    w = log(tmp_path)
    w.append("J", Head("R001", 9, "a" * 64))
    w.append("RJ", Head("R001", 4, "c" * 64))
    w.append("J", Head("R001", 5, "d" * 64))
    w.close()
    state = read_witness(w.path, KEY, "R001")
    assert state.journal == Head("R001", 5, "d" * 64)
    assert state.resets == [("J", Head("R001", 4, "c" * 64))]


def test_start_up_reads_only_the_tail(tmp_path: Path) -> None:
    path = witness_path(tmp_path / "ledger.key", "R001")
    lines = [encode_line(KEY, "J", Head("R001", seq, f"{seq:064x}")) for seq in range(1, 2000)]
    path.write_bytes(b"".join(lines) + encode_line(KEY, "E", Head("R001", 1, "e" * 64)))
    assert path.stat().st_size > TAIL
    state = read_witness(path, KEY, "R001")
    assert state.journal == Head("R001", 1999, f"{1999:064x}")
    assert state.events == Head("R001", 1, "e" * 64)


def test_each_series_has_its_own_witness(tmp_path: Path) -> None:
    for series in ("R001", "R002"):
        w = log(tmp_path, series)
        w.append("J", Head(series, 3, "a" * 64))
        w.close()
    assert sorted(witness_files(tmp_path / "ledger.key")) == ["R001", "R002"]


def test_an_unwritable_folder_never_fails_a_sale(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    w = WitnessLog(witness_path(blocker / "ledger.key", "R001"), KEY)
    w.append("J", Head("R001", 1, "a" * 64))  # must not raise
    w.close()


def test_the_head_record_of_earlier_versions_is_read_once(tmp_path: Path) -> None:
    key_file = tmp_path / "ledger.key"
    mac = hmac.new(KEY, f"head|R001|7|{'a' * 64}".encode(), hashlib.sha256).hexdigest()
    record = json.dumps({"series": "R001", "seq": 7, "hash": "a" * 64, "mac": mac}).encode()
    key_file.with_name("ledger.key.R001.head").write_bytes(record.ljust(512))
    assert read_legacy_head(key_file, KEY, "R001") == Head("R001", 7, "a" * 64)
    assert read_legacy_head(key_file, b"x" * 32, "R001") is None


def test_a_burst_of_lines_shares_its_syncs_and_flush_syncs_them_all(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Back-to-back sales: lines appended within SYNC_EVERY of the last sync share the next
    one (the ledger's own commit no longer competes with an fsync of the witness per sale);
    each line is in the file at once (a killed process loses none), and flush() — close()
    too — leaves none unsynced."""

    import pos.ledger.witness as witness_module

    synced = _count_witness_syncs(monkeypatch)

    monkeypatch.setattr(witness_module, "SYNC_EVERY", 3600.0)  # the whole test is one burst
    w = log(tmp_path)
    for seq in range(1, 51):
        w.append("J", Head("R001", seq, f"{seq:064x}"))
        assert read_witness(w.path, KEY, "R001").journal == Head("R001", seq, f"{seq:064x}")
    w.flush()
    assert 1 <= len(synced) <= 2  # the first line's wake, then flush's: not one per line
    assert w._pending == 0  # every line synced
    w.append("J", Head("R001", 51, f"{51:064x}"))
    w.close()
    assert w._pending == 0
    assert read_witness(w.path, KEY, "R001").journal == Head("R001", 51, f"{51:064x}")


def test_lines_further_apart_than_sync_every_each_wake_the_sync(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pos.ledger.witness as witness_module

    monkeypatch.setattr(witness_module, "SYNC_EVERY", 0.0)  # every line is "later"
    w = log(tmp_path)
    woken: list[int] = []
    real_set = w._dirty.set

    def counting_set() -> None:
        woken.append(1)
        real_set()

    monkeypatch.setattr(w._dirty, "set", counting_set)
    for seq in range(1, 6):
        w.append("J", Head("R001", seq, f"{seq:064x}"))
    assert len(woken) == 5
    w.close()


def _timed_waits_end() -> bool:
    """False under libfaketime faking the monotonic clock too (CI fakes only the wall clock,
    FAKETIME_DONT_FAKE_MONOTONIC=1): there no timed wait ever ends."""
    import os

    return ("faketime" not in os.environ.get("LD_PRELOAD", "")
            or os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") == "1")


def test_a_burst_line_is_synced_without_a_later_append_or_flush(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last line of a burst (appended within SYNC_EVERY of the sync before it, so it does
    not wake the sync) is synced by the sync thread itself once the shop goes quiet: it is not
    left unsynced until the next sale, a flush or the kernel's own writeback (~30 s), which a
    power cut in between would lose."""
    import time

    import pos.ledger.witness as witness_module

    if not _timed_waits_end():
        pytest.skip("libfaketime fakes the monotonic clock: no timed wait ends")
    synced = _count_witness_syncs(monkeypatch)

    monkeypatch.setattr(witness_module, "SYNC_EVERY", 0.05)
    w = log(tmp_path)
    w.append("J", Head("R001", 1, "1" * 64))  # wakes the sync
    with w._synced:
        assert w._synced.wait_for(lambda: w._pending == 0, 10)
        w._woken = time.monotonic()  # the next line comes "within SYNC_EVERY" of that sync
    w.append("J", Head("R001", 2, "2" * 64))
    with w._synced:  # nothing else happens: no append, no flush
        assert w._synced.wait_for(lambda: w._pending == 0, 10), "the burst's line was never synced"
    assert len(synced) == 2  # the sync thread's own: the first line's, then the burst's
    w.close()


def _count_witness_syncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The file descriptors the witness's sync thread fsyncs, from here on."""
    import os
    import threading

    synced: list[int] = []
    real_fsync = os.fsync

    def counting(fd: int) -> None:
        if threading.current_thread().name == "witness-sync":
            synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting)
    return synced
