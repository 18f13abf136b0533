"""The chain head kept outside the database, so that deleting the newest entries shows.

A chain alone cannot tell "10 sales, the last one deleted" from "9 sales". After every
commit that appends to a terminal's chain, its head (sequence and hash) is written, with an
HMAC under the ledger key, to a small file beside the key file: `<key>.<series>.head`.
Whoever can write the database cannot roll that file back without the key's folder, just as
they cannot forge the chain without the key. The file is replaced atomically but not fsynced:
after a power cut it can only be *behind* the ledger (the ledger commit is durable first),
which verify accepts; a head *ahead* of the ledger, or naming another hash, is tampering.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Head:
    series: str
    seq: int
    hash: str


def head_path(key_path: Path, series: str) -> Path:
    """Where a terminal's head record lives, beside the key file."""
    return key_path.with_name(f"{key_path.name}.{series}.head")


def _mac(key: bytes, series: str, seq: int, entry_hash: str) -> str:
    message = f"head|{series}|{seq}|{entry_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


SLOT = 256  # two fixed slots, written alternately: a torn write spoils at most one


def _encode(key: bytes, head: Head) -> bytes:
    record = {"series": head.series, "seq": head.seq, "hash": head.hash,
              "mac": _mac(key, head.series, head.seq, head.hash)}
    return json.dumps(record).encode("ascii").ljust(SLOT, b" ")


def write_head(key_path: Path, key: bytes, head: Head) -> None:
    """Record the chain head; never raises (a stale head only weakens the check).

    Overwritten in place (no new file, no rename): creating files beside a WAL that is
    fsynced on every sale doubled the sale's cost on ext4.
    """
    path = head_path(key_path, head.series)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.pwrite(fd, _encode(key, head), (head.seq % 2) * SLOT)
        finally:
            os.close(fd)
    except (OSError, ValueError):
        pass


class HeadDamaged(ValueError):
    """The head record exists but was edited or is unreadable."""


def read_head(key_path: Path, key: bytes, series: str) -> Head | None:
    """The recorded head of `series`, None if there is no record; HeadDamaged if forged."""
    path = head_path(key_path, series)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise HeadDamaged(str(exc)) from None
    heads: list[Head] = []
    for offset in range(0, min(len(raw), 2 * SLOT), SLOT):
        chunk = raw[offset:offset + SLOT].strip()
        if not chunk:
            continue
        try:
            record = json.loads(chunk)
            head = Head(str(record["series"]), int(record["seq"]), str(record["hash"]))
            mac = str(record["mac"])
        except (ValueError, KeyError, TypeError):
            continue  # a torn write: the other slot holds the previous head
        if head.series != series or not hmac.compare_digest(
                mac, _mac(key, head.series, head.seq, head.hash)):
            raise HeadDamaged("signature does not match")
        heads.append(head)
    if not heads:
        raise HeadDamaged("unreadable")
    return max(heads, key=lambda h: h.seq)
