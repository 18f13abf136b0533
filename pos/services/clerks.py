"""Clerks and managers: adding, retiring, PINs, logging in — and the manager checks.

`require_manager(who)` (pos/ledger/clerks.py, re-exported here) is the one check every
manager-only act makes (voids, pay-outs,
the Z, a count beyond tolerance, a clock confirmation, accepting the ledger); inside a write
transaction `Clerks.require_manager_record` also checks that the manager's stored record is
still active, a manager and untouched.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from pos.domain.errors import ValidationError
from pos.domain.results import ClerkView
from pos.domain.text import refuse_card_number
from pos.i18n import N_, _
from pos.ledger import journal
from pos.ledger.clerks import (
    PIN_FAILED,
    PIN_RESET,
    SEALED,
    check_pin,
    clerk_event_detail,
    clerk_mac,
    hash_pin,
    is_sealed,
    last_clerk_events,
    recent_failures,
    record_problem,
    require_manager,
)
from pos.ledger.errors import AuthError, LedgerError
from pos.ledger.models import Clerk
from pos.services.terminal import Terminal

ROLES = ("clerk", "manager")


def check_new_pin(pin: str) -> None:
    """A PIN has 4 to 8 digits."""
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise ValidationError("pin", N_("The PIN has 4 to 8 digits."))


class Clerks:
    """Who may sell, void and close: the clerk records of one ledger."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal

    def has_clerks(self) -> bool:
        with self.terminal.reader() as s:
            return s.exec(select(Clerk.id).limit(1)).first() is not None

    def clerks(self) -> list[ClerkView]:
        with self.terminal.reader() as s:
            rows = s.exec(select(Clerk).where(Clerk.active).order_by(Clerk.name)).all()
            return [ClerkView(c.name, c.role) for c in rows]

    def add_clerk(self, name: str, role: str, pin: str, *,
                  by: ClerkView | None = None) -> ClerkView:
        """Register a clerk or manager, authorised by manager `by`; the PIN (4–8 digits) is
        stored only as a scrypt hash. Without `by`, only the first manager of a ledger with
        no clerk at all."""
        name = (name or "").strip()
        if not name or len(name) > 40 or not name.isprintable():
            raise ValidationError("name", N_("The name must have 1 to 40 letters."))
        refuse_card_number("name", name)
        if role not in ROLES:
            raise ValidationError("role", N_("The role must be clerk or manager."))
        check_new_pin(pin)
        clerk = Clerk(name=name, role=role, pin_hash=hash_pin(pin),
                      created_at=journal.utc_now_text(self.terminal.clock()))

        def work(s: Session) -> None:
            journal.lock_series(s, "clerks")  # two first managers at once: one wins
            if by is None:
                if s.exec(select(Clerk.id).limit(1)).first() is not None:
                    raise AuthError(_("Only a manager can add clerks: a manager's name and "
                                      "PIN are needed."))
                if role != "manager":
                    raise ValidationError("role", N_("The first clerk of a new ledger must "
                                                     "be a manager."))
            else:
                self.require_manager_record(s, by)
            if s.exec(select(Clerk).where(Clerk.name == name)).first() is not None:
                raise ValidationError("name", N_("There is already a clerk named {name}."),
                                      name=name)
            self._store(s, clerk, "clerk_added", by)

        self.terminal.write(work)
        return ClerkView(name, role)

    def deactivate_clerk(self, manager: ClerkView, name: str) -> ClerkView:
        """A manager retires a clerk (the row stays, its sales keep their name). The last
        active manager cannot be deactivated."""

        def work(s: Session) -> ClerkView:
            journal.lock_series(s, "clerks")
            self.require_manager_record(s, manager)
            row = self._active(s, name)
            if row.role == "manager":
                managers = s.exec(select(Clerk.id).where(Clerk.role == "manager",
                                                         Clerk.active)).all()
                if len(managers) <= 1:
                    raise ValidationError("name", N_("{name} is the last active manager: add "
                                                     "another manager first."), name=row.name)
            row.active = False
            self._store(s, row, "clerk_deactivated", manager)
            return ClerkView(row.name, row.role)

        return self.terminal.write(work)

    def set_pin(self, name: str, pin: str, *, by: ClerkView) -> ClerkView:
        """A new PIN for `name`, set by that clerk (authorised with the old PIN) or by a
        manager. Clears the clerk's run of wrong PINs."""
        check_new_pin(pin)
        pin_hash = hash_pin(pin)

        def work(s: Session) -> ClerkView:
            journal.lock_series(s, "clerks")
            row = self._active(s, name)
            if by.name != row.name:
                self.require_manager_record(s, by)
            row.pin_hash = pin_hash
            self._store(s, row, "clerk_pin_set", by)
            self.terminal.event(s, PIN_RESET, row.name)
            return ClerkView(row.name, row.role)

        return self.terminal.write(work)

    def _active(self, s: Session, name: str) -> Clerk:
        name = (name or "").strip()
        row = s.exec(select(Clerk).where(Clerk.name == name, Clerk.active)).first()
        if row is None:
            raise ValidationError("name", N_("There is no active clerk named {name}."),
                                  name=name[:40])
        return row

    def require_manager_record(self, s: Session, who: ClerkView) -> None:
        """`who` must still be an active manager with an untouched record."""
        row = s.exec(select(Clerk).where(Clerk.name == who.name, Clerk.active)).first()
        require_manager(who)
        if row is None or row.role != "manager":
            raise AuthError(_("{name} is not a manager.", name=who.name))
        problem = record_problem(self.terminal.key, row, last_clerk_events(s).get(row.name))
        if problem is not None:
            raise LedgerError(_("The record of clerk {name} cannot be trusted: {reason}. "
                                "Run pos verify.", name=row.name, reason=problem))

    def _store(self, s: Session, row: Clerk, kind: str, by: ClerkView | None) -> None:
        """Save a clerk row with a fresh MAC, and the change as a chained event."""
        row.mac = clerk_mac(self.terminal.key, row)
        s.add(row)
        s.flush()
        self.terminal.event(s, kind, clerk_event_detail(row, by.name if by else None))

    def seal(self) -> None:
        """Once per ledger: MAC the clerk rows written before clerk records were sealed."""
        with self.terminal.reader() as s:
            if is_sealed(s):
                return

        def work(s: Session) -> None:
            journal.lock_series(s, "clerks")
            if is_sealed(s):
                return
            rows = s.exec(select(Clerk).order_by(col(Clerk.id))).all()
            for row in rows:
                self._store(s, row, "clerk_sealed", None)
            self.terminal.event(s, SEALED, str(len(rows)))

        self.terminal.write(work)

    def authorise(self, name: str, pin: str, *, manager: bool = False,
                  act: str | None = None) -> ClerkView:
        """Check a clerk's PIN; `manager=True` also requires the manager role.

        Throttled per clerk from the ledger itself: after `[security] max_failures` wrong
        PINs in a row the clerk is locked for `lockout_minutes` (each further wrong PIN locks
        again), whichever process or terminal asks. Each wrong PIN is a chained event; `act`
        names a privileged act, recorded as an event when authorised.
        """
        terminal = self.terminal
        if terminal.key_problem:  # a replaced key: no clerk record can be checked with it
            raise LedgerError(terminal.stopped())
        name = (name or "").strip()
        rules = terminal.settings.security
        now = terminal.clock()

        def locked_until(failures: list[str]) -> datetime | None:
            if len(failures) < rules.max_failures:
                return None
            until = journal.parse_utc(failures[0]) + timedelta(minutes=rules.lockout_minutes)
            return until if until > now else None

        # A terminal stopped by an integrity problem writes nothing, but a manager must still
        # be able to sign `pos ledger accept`: the PIN is then checked without recording.
        record = terminal.problem is None

        def note(s: Session, kind: str, detail: str) -> str:
            if not record:
                return journal.utc_now_text(now)
            return journal.append_event(s, terminal.key, series=terminal.series, kind=kind,
                                        detail=detail, now=now).created_at

        def work(s: Session) -> tuple[str, Clerk | None, datetime | None]:
            journal.lock_series(s, f"pin:{name}")  # parallel guesses queue up
            failures = recent_failures(s, name, rules.max_failures)
            until = locked_until(failures)
            if until is not None:
                return "locked", None, until
            row = s.exec(select(Clerk).where(Clerk.name == name, Clerk.active)).first()
            if row is None or not check_pin(pin or "", row.pin_hash):
                failed_at = note(s, PIN_FAILED, name[:40])
                return "wrong", None, locked_until([failed_at, *failures])
            problem = record_problem(terminal.key, row, last_clerk_events(s).get(row.name))
            if problem is not None:
                note(s, "clerk_refused", f"{row.name}: {problem}")
                return problem, None, None
            if failures:
                note(s, PIN_RESET, row.name)
            if act and (not manager or row.role == "manager"):
                note(s, "authorised", f"{act}: {row.name}")
            return "ok", row, None

        if record:
            outcome, row, until = terminal.write(work)
        else:
            with terminal.reader() as s:
                outcome, row, until = work(s)
        if outcome == "locked" or (outcome == "wrong" and until is not None):
            if outcome == "wrong":
                pin_delay(rules.failure_delay)
            assert until is not None
            raise AuthError(_("Too many wrong PINs: {name} is locked until {time}.",
                              name=name[:40], time=terminal.local_moment(until)))
        if outcome == "wrong":
            pin_delay(rules.failure_delay)
            raise AuthError(_("Wrong name or PIN."))
        if row is None:
            raise LedgerError(_("The record of clerk {name} cannot be trusted: {reason}. "
                                "Run pos verify.", name=name, reason=outcome))
        found = ClerkView(row.name, row.role)
        if manager:
            require_manager(found)
        return found

    def login(self, name: str, pin: str, *, manager: bool = False) -> ClerkView:
        """A clerk (or, with `manager=True`, a manager) logs in: `authorise` without an act."""
        return self.authorise(name, pin, manager=manager)


def pin_delay(seconds: float) -> None:
    """Slow down PIN guessing. Where the machine refuses time.sleep (libfaketime with the
    monotonic clock left real: EINVAL), a relative timed wait instead — a wrong PIN must be
    told as one, never as a crash. (Not the timed wait always: with a frozen fake monotonic
    clock it would never end.)"""
    if seconds > 0:
        try:
            time.sleep(seconds)
        except OSError:
            threading.Event().wait(seconds)
