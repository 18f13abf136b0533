"""The top-up gateway port: what any distributor connection must answer, and nothing more.

A top-up is sent once, with the sale's reference as the idempotency key (Reloadly
`customIdentifier`, DT One `external_id`, Ding `DistributorRef`). Any answer that is not
final (pending, a timeout, a 5xx, a body we cannot read) is `UNKNOWN` or `PENDING`: the
reconciler asks again *by reference*, never by sending again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Protocol


class State(str, Enum):
    """Our view of a top-up at the distributor."""

    CONFIRMED = "confirmed"  # the operator credited the airtime
    FAILED = "failed"  # final: nothing was credited (the distributor refunds its balance)
    PENDING = "pending"  # accepted, not final yet
    UNKNOWN = "unknown"  # no usable answer (timeout, 5xx, garbage): ask again by reference
    NOT_FOUND = "not_found"  # the distributor has no top-up with this reference


# Every status word the aggregators we know send, mapped to ours (compared case-insensitively).
# Reloadly: SUCCESSFUL, PENDING, PROCESSING, REFUNDED, FAILED. DT One: CREATED, CONFIRMED,
# SUBMITTED, COMPLETED, REJECTED, DECLINED, CANCELLED, REVERSED. Ding: Submitted, Processing,
# Complete, Failed, Cancelled.
STATUS_MAP: dict[str, State] = {
    "successful": State.CONFIRMED,
    "success": State.CONFIRMED,
    "completed": State.CONFIRMED,
    "complete": State.CONFIRMED,
    "pending": State.PENDING,
    "processing": State.PENDING,
    "submitted": State.PENDING,
    "created": State.PENDING,
    "confirmed": State.PENDING,  # DT One: confirmed by us, not yet completed by the operator
    "failed": State.FAILED,
    "refunded": State.FAILED,
    "rejected": State.FAILED,
    "declined": State.FAILED,
    "cancelled": State.FAILED,
    "canceled": State.FAILED,
    "reversed": State.FAILED,
}


def map_status(word: object) -> State:
    """An aggregator's status word as our state; anything unheard of is UNKNOWN."""
    if not isinstance(word, str):
        return State.UNKNOWN
    return STATUS_MAP.get(word.strip().lower(), State.UNKNOWN)


@dataclass(frozen=True)
class TopupRequest:
    """What goes to the distributor."""

    reference: str  # idempotency key, unique per sale
    operator: str  # our operator code (claro, movistar, …)
    phone: str  # 9 national digits
    amount: Decimal


@dataclass(frozen=True)
class Answer:
    """What came back (or did not)."""

    state: State
    operator_txn: str | None = None  # the operator's transaction id, when confirmed
    gateway_txn: str | None = None  # the aggregator's own id
    balance: Decimal | None = None  # the distributor balance the answer reported
    reason: str | None = None  # why it failed or why we do not know (for the owner)
    code: str | None = None  # a machine-readable failure: insufficient_balance, auth, …

    @property
    def final(self) -> bool:
        return self.state in (State.CONFIRMED, State.FAILED)


class Gateway(Protocol):
    """A distributor connection."""

    name: str
    sends: bool  # False: the clerk tops up elsewhere and types the code (manual)

    def send(self, request: TopupRequest) -> Answer: ...

    def query(self, reference: str) -> Answer: ...

    def balance(self) -> Decimal | None: ...
