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

from sqlalchemy import LargeBinary, cast
from sqlalchemy import select as core_select
from sqlmodel import Session

from pos.ledger.journal import utc_now_text
from pos.ledger.models import PrintJob
from pos.ledger.tx import Tx, tx_of

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


_WAITING_SQL = ", ".join(f"'{status}'" for status in WAITING)
_ENTRY_KINDS_SQL = ", ".join(f"'{kind}'" for kind in ENTRY_KINDS)
# SQL text on the driver's cursor (pos/ledger/tx.py): these run for every receipt printed.
INSERT_JOB = (
    "INSERT INTO print_job (series, ticket, kind, data, status, attempts, claim, claimed_at,"
    " mac, last_error, created_at) VALUES (:series, :ticket, :kind, :data, :status,"
    " :attempts, :claim, :claimed_at, :mac, :last_error, :created_at) RETURNING id")
_CLAIM = ("UPDATE print_job SET status = 'sending', claim = :claim, claimed_at = :now,"
          " attempts = attempts + 1 WHERE id = :id AND status = :prior"
          f" AND status IN ({_WAITING_SQL})")
_FINISH = ("UPDATE print_job SET claim = NULL, status = :status, last_error = :last_error,"
           " printed_at = :printed_at{more} WHERE id = :id AND claim = :token"
           " AND status = 'sending'")
_FINISH_PLAIN = _FINISH.format(more="")
_FINISH_DATA = _FINISH.format(more=", data = :data, mac = :mac")
_RENEW = ("UPDATE print_job SET claimed_at = :now WHERE id = :id AND claim = :token"
          " AND status = 'sending'")
_RELEASE = ("UPDATE print_job SET status = 'unconfirmed', claim = NULL, last_error = :note"
            " WHERE series = :series AND status = 'sending' AND claimed_at < :cutoff")
_REPLACE = ("UPDATE print_job SET status = 'replaced', last_error = :note WHERE series = :series"
            f" AND ticket = :ticket AND kind IN ({_ENTRY_KINDS_SQL}) AND status = 'unconfirmed'")
_KIND = "SELECT kind FROM print_job WHERE id = :id"


def insert_job(where: Session | Tx, values: dict[str, object]) -> int:
    """Queue a job (every column of INSERT_JOB given); its id."""
    row = tx_of(where).one(INSERT_JOB, values)
    assert row is not None
    return int(row[0])


def job_kind(where: Session | Tx, job_id: int) -> str | None:
    row = tx_of(where).one(_KIND, {"id": job_id})
    return None if row is None else str(row[0])


def claim(s: Session | Tx, job_id: int, prior: str, now: datetime) -> str | None:
    """Take a waiting job for sending: its claim token, or None if another process has it.

    A compare-and-set on the status it was read with, so exactly one process wins.
    """
    token = secrets.token_hex(16)
    changed = tx_of(s).run(_CLAIM, {"claim": token, "now": utc_now_text(now), "id": job_id,
                                    "prior": prior})
    return token if changed == 1 else None


def finish(s: Session | Tx, job_id: int, token: str, values: dict[str, object]) -> bool:
    """Record the outcome of a claimed job (status, last_error, printed_at; with data, its
    mac too); False if the claim was lost meanwhile."""
    params = {"data": None, "mac": None, "last_error": None, "printed_at": None} | values
    statement = _FINISH_DATA if "data" in values else _FINISH_PLAIN
    return tx_of(s).run(statement, params | {"id": job_id, "token": token}) == 1


def renew(s: Session | Tx, job_id: int, token: str, now: datetime) -> bool:
    """Keep a claim alive (its time set to now); False if it was released or taken."""
    return tx_of(s).run(_RENEW, {"now": utc_now_text(now), "id": job_id, "token": token}) == 1


def release_stale(s: Session | Tx, series: str, now: datetime, after: timedelta,
                  note: str) -> int:
    """Jobs of `series` left 'sending' longer than `after` (a crash mid-send) become
    'unconfirmed': their receipt may be on paper, so they print again only as a COPIA."""
    cutoff = utc_now_text(now - after)
    return tx_of(s).run(_RELEASE, {"note": note[:300], "series": series, "cutoff": cutoff})


def replace_unconfirmed(s: Session | Tx, series: str, ticket: str, note: str) -> None:
    """A COPIA of `ticket` came out: its unconfirmed originals (the clerk checked the paper and
    found nothing) are settled by it. Originals that never went out still print."""
    tx_of(s).run(_REPLACE, {"note": note[:300], "series": series, "ticket": ticket})


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
