"""The ledger's exception family."""

from __future__ import annotations


class LedgerError(Exception):
    """The ledger cannot do what was asked; the message is safe to show (already translated)."""


class DayClosedError(LedgerError):
    """The business day was closed by its Z report."""


class ChainBroken(LedgerError):
    """Verification found an entry whose chain does not hold."""

    def __init__(self, ticket: str, reason: str) -> None:
        self.ticket, self.reason = ticket, reason
        super().__init__(f"{ticket}: {reason}")


class AuthError(LedgerError):
    """Wrong clerk name or PIN, or not allowed."""
