"""The witness: each terminal's chain heads kept outside the database, append-only.

A chain alone cannot tell "10 sales" from "an older copy with 5 sales" (a restored
`ledger.db`) or "10 sales, the last ones deleted". After every commit that appends to a
terminal's journal or event log, a line `KIND|series|seq|hash|mac` is *appended* to
`<key>.<series>.witness` beside the key file (`J` journal, `E` event log; `RJ`/`RE` a head a
manager accepted after a rollback). The MAC is an HMAC under the ledger key, so whoever can
write the database (or this file) without the key cannot add a line; lines are never
rewritten, so the witness never goes back to a lower or forked chain.

Threat model, in short: a database rolled back to any older copy, however many sales follow,
ends below (or beside) the newest witnessed head and is refused. Someone who can also write
the key's folder can delete witness lines; someone who can read the key can forge anything:
the paper Z's chain code and off-machine backups are the anchor against them.

Durability: a line is written with one append (it survives the process being killed) and
fsynced off the sell path (`WitnessLog`, a background sync; `close()` waits for it). Lines
appended less than `SYNC_EVERY` after the last sync was started share the next one (the next
append after that, `flush`/`close`, or `SYNC_EVERY` after the last sync, whichever comes
first): back-to-back sales no longer pay an fsync of the witness each, which competed with the
ledger's own durable commit for the disk (~0.17 ms a sale). After a power cut the witness can
only be *behind* the durable ledger (the commit comes first), which the check accepts and the
next start catches up; a torn last line is ignored, never an alarm. Until that shared sync,
the lines of such a burst are on the same footing as one whose sync had not finished: the
witness is behind.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

JOURNAL, EVENTS = "J", "E"
RESET = {"RJ": JOURNAL, "RE": EVENTS}  # a head accepted by a manager after a rollback
GENESIS = "0" * 64  # the "previous hash" of a chain's first entry
TAIL = 64 * 1024  # bytes read from the end at start-up (a line is ~150 bytes)
SYNC_EVERY = 0.1  # seconds: lines appended closer together than this share one fsync


@dataclass(frozen=True)
class Head:
    series: str
    seq: int
    hash: str


def witness_path(key_path: Path, series: str) -> Path:
    """Where a terminal's witness lives, beside the key file."""
    return key_path.with_name(f"{key_path.name}.{series}.witness")


def witness_files(key_path: Path) -> dict[str, Path]:
    """Every terminal's witness beside this key file, by series."""
    prefix, suffix = f"{key_path.name}.", ".witness"
    found: dict[str, Path] = {}
    try:
        for path in key_path.parent.iterdir():
            name = path.name
            if name.startswith(prefix) and name.endswith(suffix):
                series = name[len(prefix):-len(suffix)]
                if series and "." not in series:
                    found[series] = path
    except OSError:
        pass
    return found


def _line_mac(key: bytes, kind: str, head: Head) -> str:
    message = f"witness|{kind}|{head.series}|{head.seq}|{head.hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def encode_line(key: bytes, kind: str, head: Head) -> bytes:
    """One witness line, newline-terminated."""
    mac = _line_mac(key, kind, head)
    return f"{kind}|{head.series}|{head.seq}|{head.hash}|{mac}\n".encode("ascii")


class WitnessDamaged(ValueError):
    """A complete witness line was edited, forged, or signed with another key."""


@dataclass
class WitnessState:
    """What a witness says about one terminal."""

    status: str  # ok | missing | empty | zeroed
    journal: Head | None = None  # the newest witnessed journal head
    events: Head | None = None
    resets: list[tuple[str, Head]] = field(default_factory=list)  # accepted after a rollback
    torn: bool = False  # the last line was cut short (a power cut): ignored

    def head(self, kind: str) -> Head | None:
        return self.journal if kind == JOURNAL else self.events


def read_witness(path: Path, key: bytes, series: str, *, whole: bool = False) -> WitnessState:
    """The newest heads a witness records; WitnessDamaged if a complete line is forged.

    At start-up only the tail is read (`whole=False`), unless it holds no line of a kind.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return WitnessState("missing")
    except OSError as exc:
        raise WitnessDamaged(str(exc)) from None
    if size == 0:
        return WitnessState("empty")
    start = 0 if whole or size <= TAIL else size - TAIL
    state = _scan(_read_from(path, start), key, series, partial_first=start > 0)
    if start > 0 and (state.journal is None or state.events is None):
        state = _scan(_read_from(path, 0), key, series, partial_first=False)
    return state


def _read_from(path: Path, offset: int) -> bytes:
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            return fh.read()
    except OSError as exc:
        raise WitnessDamaged(str(exc)) from None


def _scan(raw: bytes, key: bytes, series: str, *, partial_first: bool) -> WitnessState:
    if not raw.strip(b"\0 \n"):
        return WitnessState("zeroed")
    lines = raw.split(b"\n")
    tail = lines.pop()  # after the last newline: empty, or a line cut short by a power cut
    state = WitnessState("ok", torn=bool(tail.strip(b"\0")))
    if partial_first and lines:
        lines.pop(0)
    heads: dict[str, Head | None] = {JOURNAL: None, EVENTS: None}
    for number, line in enumerate(lines, 1):
        if not line.strip(b"\0 "):
            continue  # zeroed blocks (a file system's repair after a crash) carry nothing
        try:
            kind, name, seq_text, entry_hash, mac = line.decode("ascii").split("|")
            head = Head(name, int(seq_text), entry_hash)
            if len(mac) != 64:
                raise ValueError(mac)
        except ValueError:
            # Cut short by a power cut, then continued on the next line by the next append.
            # (Spoiling a line without the key only deletes it, which needs no key either.)
            state.torn = True
            continue
        if kind not in (JOURNAL, EVENTS, *RESET) or name != series:
            raise WitnessDamaged(f"line {number} does not belong here")
        if not hmac.compare_digest(mac, _line_mac(key, kind, head)):
            raise WitnessDamaged(f"line {number} does not match its signature")
        if kind in RESET:
            heads[RESET[kind]] = head
            state.resets.append((RESET[kind], head))
            continue
        current = heads[kind]
        if current is None or head.seq > current.seq:
            heads[kind] = head
    state.journal, state.events = heads[JOURNAL], heads[EVENTS]
    if state.journal is None and state.events is None and not state.resets:
        state.status = "empty"  # nothing but a line cut short, or blank lines
    return state


class WitnessLog:
    """This terminal's witness, open for appending; fsynced off the sell path."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._key = key
        self._fd: int | None = None
        self._dirty = threading.Event()
        self._synced = threading.Condition()
        self._pending = 0
        self._thread: threading.Thread | None = None
        self._closing = False
        self._lock = threading.Lock()
        self._woken: float | None = None  # when the sync thread was last woken (monotonic)

    def append(self, kind: str, head: Head, *, sync: bool = False) -> None:
        """Append one line; never raises (the entry behind it is already committed)."""
        try:
            with self._lock:  # the app also writes from its printing thread
                fd = self._write(encode_line(self._key, kind, head))
            if sync:
                os.fsync(fd)
                return
        except (OSError, ValueError):
            return
        now = time.monotonic()
        with self._synced:
            self._pending += 1
            due = self._woken is None or not 0 <= now - self._woken < SYNC_EVERY
            if due:
                self._woken = now
        if self._thread is None:
            self._thread = threading.Thread(target=self._sync_loop, name="witness-sync",
                                            daemon=True)
            self._thread.start()
        if due:
            self._dirty.set()

    def begin(self, series: str) -> None:
        """Start a terminal's witness before its first entry: a line for the empty chains,
        on disk with its folder entry. A crash before the first entry's line is then a
        witness *behind* the ledger, never a missing or empty one."""
        for kind in (JOURNAL, EVENTS):
            self.append(kind, Head(series, 0, GENESIS), sync=True)
        try:
            folder = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        except OSError:
            pass

    def _write(self, line: bytes) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            size = os.fstat(self._fd).st_size
            if size and os.pread(self._fd, 1, size - 1) != b"\n":
                line = b"\n" + line  # after a line torn by a power cut: start afresh
        os.write(self._fd, line)
        return self._fd

    def _sync_loop(self) -> None:
        watching = False  # a sync was started less than SYNC_EVERY ago: lines may share it
        while not self._closing:
            # After a sync, wait SYNC_EVERY at most: the lines appended meanwhile did not wake
            # this thread (a burst's), and are synced when it ends, never left to the kernel's
            # own writeback (~30 s) when the shop goes quiet. (Where the monotonic clock does
            # not move, the wait lasts until the next wake: a due append, flush or close.)
            if not self._dirty.wait(SYNC_EVERY if watching else None):
                with self._synced:
                    if self._pending <= 0:  # quiet: the next append wakes this thread
                        self._woken = None
                        watching = False
                        continue
                    self._woken = time.monotonic()  # the lines from here on share the next
            self._dirty.clear()
            with self._synced:
                done = self._pending
            fd = self._fd
            if fd is not None:
                try:
                    os.fsync(fd)
                except OSError:
                    pass
            with self._synced:
                self._pending -= done
                self._synced.notify_all()
            watching = True

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every appended line is on disk."""
        if self._thread is None:
            return
        self._dirty.set()  # lines that were waiting to share a later sync: now
        with self._synced:
            self._synced.wait_for(lambda: self._pending <= 0, timeout)

    def close(self) -> None:
        self.flush()
        self._closing = True
        self._dirty.set()
        with self._lock:
            fd, self._fd = self._fd, None
        if fd is not None:
            try:
                os.fsync(fd)
            except OSError:
                pass
            os.close(fd)


# -- the head record of earlier versions (`<key>.<series>.head`), read once to upgrade ------

SLOT = 256


def legacy_head_path(key_path: Path, series: str) -> Path:
    return key_path.with_name(f"{key_path.name}.{series}.head")


def read_legacy_head(key_path: Path, key: bytes, series: str) -> Head | None:
    """The head an earlier version recorded (two JSON slots); None if absent or unreadable."""
    try:
        raw = legacy_head_path(key_path, series).read_bytes()
    except OSError:
        return None
    heads: list[Head] = []
    for offset in range(0, min(len(raw), 2 * SLOT), SLOT):
        try:
            record = json.loads(raw[offset:offset + SLOT].strip() or b"null")
            head = Head(str(record["series"]), int(record["seq"]), str(record["hash"]))
            message = f"head|{head.series}|{head.seq}|{head.hash}".encode()
            good = hmac.compare_digest(str(record["mac"]),
                                       hmac.new(key, message, hashlib.sha256).hexdigest())
        except (ValueError, KeyError, TypeError):
            continue
        if good and head.series == series:
            heads.append(head)
    return max(heads, key=lambda h: h.seq) if heads else None
