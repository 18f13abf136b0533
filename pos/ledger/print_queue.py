"""The print queue's states, claims and integrity.

Threat model: whoever can write the database can rewrite a queued receipt's bytes (a S/ 10 sale
printing S/ 99) or flip a job's status. Every stored receipt carries an HMAC with the ledger key
(kept outside the database), so rewritten bytes are refused at print time and reported by
verify. Two processes retrying the queue at once (or the app's worker and a CLI retry) never
send the same job: a job is claimed with a compare-and-set on its status before it is sent.
A job whose outcome is unknown (a crash mid-send leaves it 'sending', a printer that did not
confirm leaves it 'unconfirmed') is never sent again as an original, only as a COPIA.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import LargeBinary, and_, cast, update
from sqlalchemy import select as core_select
from sqlmodel import Session

from pos.ledger.journal import utc_now_text
from pos.ledger.models import PrintJob

# Waiting to be sent; 'unconfirmed' ones may already be on paper (printed again as a COPIA).
WAITING = ("pending", "failed", "unconfirmed")
# Slips that can be rendered again from their journal entry (as a COPIA).
ENTRY_KINDS = ("sale", "void")
_TABLE = PrintJob.__table__  # type: ignore[attr-defined]


def job_mac(key: bytes, series: str, ticket: str, kind: str, data: bytes) -> str:
    """HMAC-SHA256 of a queued receipt's bytes, bound to its terminal, ticket and kind."""
    head = f"print_job|{series}|{ticket}|{kind}|".encode()
    return hmac.new(key, head + data, hashlib.sha256).hexdigest()


def bytes_intact(key: bytes, job: PrintJob) -> bool:
    """True if the job's stored bytes are the ones this program queued (or it has none)."""
    if job.data is None:
        return True
    if not job.mac:
        return False
    expected = job_mac(key, job.series, job.ticket, job.kind, job.data)
    return hmac.compare_digest(expected, job.mac)


def claim(s: Session, job_id: int, prior: str, now: datetime) -> str | None:
    """Take a waiting job for sending: its claim token, or None if another process has it.

    A compare-and-set on the status it was read with, so exactly one process wins.
    """
    token = secrets.token_hex(16)
    result = s.connection().execute(
        update(_TABLE)
        .where(and_(_TABLE.c.id == job_id, _TABLE.c.status == prior,
                    _TABLE.c.status.in_(WAITING)))
        .values(status="sending", claim=token, claimed_at=utc_now_text(now),
                attempts=_TABLE.c.attempts + 1))
    return token if result.rowcount == 1 else None


def finish(s: Session, job_id: int, token: str, values: dict[str, object]) -> bool:
    """Record the outcome of a claimed job; False if the claim was lost meanwhile."""
    result = s.connection().execute(
        update(_TABLE).where(and_(_TABLE.c.id == job_id, _TABLE.c.claim == token,
                                  _TABLE.c.status == "sending"))
        .values(claim=None, **values))
    return result.rowcount == 1


def renew(s: Session, job_id: int, token: str, now: datetime) -> bool:
    """Keep a claim alive (its time set to now); False if it was released or taken."""
    result = s.connection().execute(
        update(_TABLE).where(and_(_TABLE.c.id == job_id, _TABLE.c.claim == token,
                                  _TABLE.c.status == "sending"))
        .values(claimed_at=utc_now_text(now)))
    return result.rowcount == 1


def release_stale(s: Session, series: str, now: datetime, after: timedelta, note: str) -> int:
    """Jobs of `series` left 'sending' longer than `after` (a crash mid-send) become
    'unconfirmed': their receipt may be on paper, so they print again only as a COPIA."""
    cutoff = utc_now_text(now - after)
    result = s.connection().execute(
        update(_TABLE).where(and_(_TABLE.c.series == series, _TABLE.c.status == "sending",
                                  _TABLE.c.claimed_at < cutoff))
        .values(status="unconfirmed", claim=None, last_error=note[:300]))
    return int(result.rowcount or 0)


def replace_unconfirmed(s: Session, series: str, ticket: str, note: str) -> None:
    """A COPIA of `ticket` came out: its unconfirmed originals (the clerk checked the paper and
    found nothing) are settled by it. Originals that never went out still print."""
    s.connection().execute(
        update(_TABLE).where(and_(_TABLE.c.series == series, _TABLE.c.ticket == ticket,
                                  _TABLE.c.kind.in_(ENTRY_KINDS),
                                  _TABLE.c.status == "unconfirmed"))
        .values(status="replaced", last_error=note[:300]))


def altered_jobs(s: Session, key: bytes) -> list[PrintJob]:
    """Jobs whose stored bytes fail their MAC: rewritten, or bytes with no MAC on a job still
    to be printed (a job printed before MACs existed keeps verifying)."""
    bad: list[PrintJob] = []
    # Read as bytes whatever was stored: a rewrite that left TEXT in the column (SQLite's
    # `||`) must be reported, not crash the check.
    t = _TABLE.c
    query = (core_select(t.id, t.series, t.ticket, t.kind, t.status, t.mac,
                         cast(t.data, LargeBinary))
             .where(t.data.is_not(None)).order_by(t.id))
    for job_id, series, ticket, kind, status, mac, data in s.connection().execute(query):
        if mac is None and status in ("printed", "replaced"):
            continue
        job = PrintJob(id=job_id, series=series, ticket=ticket, kind=kind, status=status,
                       mac=mac, data=bytes(data), created_at="")
        if not bytes_intact(key, job):
            bad.append(job)
    return bad
