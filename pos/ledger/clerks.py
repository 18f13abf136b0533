"""Clerks and managers, with PINs stored as salted scrypt hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# scrypt cost: ~40 ms a check here, cheap for a login, expensive for guessing a 4–6 digit PIN.
_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str) -> str:
    """`scrypt$N$r$p$salt$hash`, hex."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    """True if `pin` matches the stored hash (constant-time compare)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)
