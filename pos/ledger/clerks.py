"""Clerks and managers, with PINs stored as salted scrypt hashes."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any

from sqlmodel import Session, col, select

from pos.domain.results import ClerkView
from pos.i18n import _
from pos.ledger.errors import AuthError, ChainBroken
from pos.ledger.models import Clerk, EventEntry

# scrypt cost: ~40 ms a check here, cheap for a login, expensive for guessing a 4–6 digit PIN.
_N, _R, _P = 2**14, 8, 1


def require_manager(who: ClerkView) -> None:
    """THE manager check: manager-only acts (voids, pay-outs, the Z, a count beyond
    tolerance, a clock confirmation, accepting the ledger, restocking a float) need `who`
    to have logged in as a manager."""
    if not who.is_manager:
        raise AuthError(_("{name} is not a manager.", name=who.name))


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


# -- integrity of the clerk table ------------------------------------------------------------
# The clerk table is mutable (PIN changes, deactivation), so it cannot be chained like the
# journal. Instead each row carries an HMAC with the ledger key over its fields, and every
# change is also a chained event carrying that HMAC: a row edited in the database (promoted,
# PIN hash copied, reactivated) fails its HMAC, and an older valid copy of a row put back
# differs from the newest event about that clerk.

CLERK_EVENTS = ("clerk_added", "clerk_pin_set", "clerk_deactivated", "clerk_sealed")
SEALED = "clerks_sealed"  # written once per ledger: from then on every row must carry its MAC
PIN_FAILED, PIN_RESET = "login_failed", "login_reset"


def clerk_mac(key: bytes, clerk: Clerk) -> str:
    """HMAC-SHA256 over the clerk's fields (not its id or MAC), domain-separated."""
    fields = {"name": clerk.name, "role": clerk.role, "pin_hash": clerk.pin_hash,
              "active": bool(clerk.active), "created_at": clerk.created_at}
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, b"clerk\0" + body.encode(), hashlib.sha256).hexdigest()


def clerk_event_detail(clerk: Clerk, by: str | None) -> str:
    """What a clerk event records: the row's state and MAC, and who authorised the change."""
    return json.dumps({"name": clerk.name, "role": clerk.role, "active": bool(clerk.active),
                       "mac": clerk.mac, "by": by}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def is_sealed(session: Session) -> bool:
    return session.exec(select(EventEntry.id).where(EventEntry.kind == SEALED).limit(1)
                        ).first() is not None


def last_clerk_events(session: Session) -> dict[str, dict[str, Any]]:
    """The newest recorded state of every clerk, by name, from the chained event log."""
    latest: dict[str, dict[str, Any]] = {}
    rows = session.exec(select(EventEntry.detail).where(col(EventEntry.kind).in_(CLERK_EVENTS))
                        .order_by(col(EventEntry.id))).all()
    for detail in rows:
        try:
            state = json.loads(detail)
        except ValueError:
            continue  # written before clerk records were sealed: "Rosa (manager)"
        if isinstance(state, dict) and isinstance(state.get("name"), str):
            latest[state["name"]] = state
    return latest


def record_problem(key: bytes, clerk: Clerk, latest: dict[str, Any] | None) -> str | None:
    """Why a clerk row cannot be trusted, or None. `latest`: its newest clerk event."""
    if not clerk.mac or not hmac.compare_digest(clerk.mac, clerk_mac(key, clerk)):
        return _("the record was changed outside the app (role, PIN or state edited in the "
                 "database)")
    if latest is None:
        return _("the record was not created by the app (no event records it)")
    if latest.get("mac") != clerk.mac:
        return _("the record differs from its last recorded change (an older copy was put "
                 "back)")
    return None


def verify_clerks(session: Session, key: bytes) -> int:
    """Check every clerk row against its MAC and its newest event; raise ChainBroken."""
    if not is_sealed(session):
        return 0  # a ledger not opened since clerk records were sealed: nothing to compare
    latest = last_clerk_events(session)
    rows = session.exec(select(Clerk).order_by(col(Clerk.name))).all()
    for clerk in rows:
        problem = record_problem(key, clerk, latest.get(clerk.name))
        if problem is not None:
            raise ChainBroken(_("clerk {name}", name=clerk.name), problem)
    present = {c.name for c in rows}
    for name in sorted(set(latest) - present):
        raise ChainBroken(_("clerk {name}", name=name),
                          _("the record was deleted from the database"))
    return len(rows)


def recent_failures(session: Session, name: str, limit: int) -> list[str]:
    """Times (ledger text) of this clerk's consecutive wrong PINs, newest first, up to `limit`."""
    rows = session.exec(select(EventEntry.kind, EventEntry.created_at)
                        .where(col(EventEntry.kind).in_((PIN_FAILED, PIN_RESET)),
                               EventEntry.detail == name)
                        .order_by(col(EventEntry.id).desc()).limit(limit)).all()
    failures: list[str] = []
    for kind, created_at in rows:
        if kind != PIN_FAILED:
            break
        failures.append(created_at)
    return failures
