"""Trust in the ledger: verify every chain and witness, find a Z by its printed chain code,
back up, start a new ledger where the old one is gone, and a manager's word when the
ledger was rolled back (accept it) or the clock looks wrong (confirm it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, col, select

from pos.config import Settings
from pos.domain.entry import Entry
from pos.domain.errors import ValidationError
from pos.domain.results import ClerkView
from pos.i18n import N_, _
from pos.ledger import database, journal, print_queue, witness
from pos.ledger.backup import backup_sqlite
from pos.ledger.clerks import verify_clerks
from pos.ledger.errors import ChainBroken, LedgerError
from pos.ledger.models import JournalEntry
from pos.services.clerks import require_manager
from pos.services.terminal import (
    Terminal,
    compare_heads,
    hash_at,
    head_name,
    key_files,
    own_heads,
    read_with_legacy,
    witness_gone,
)


class Integrity:
    """Verify, back up, start over, accept: the terminal's integrity acts."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal

    def verify(self, progress: Callable[[int], None] | None = None) -> journal.VerifyResult:
        """Check every chain in the ledger and every terminal's witness; raises ChainBroken at
        the first break. A witness that is missing, empty or zeroed is reported in
        `result.unchecked` (the tail it guards cannot be checked), not as tampering."""
        key = self.terminal.key
        with self.terminal.reader() as s:
            result = journal.verify(s, key, progress)
            self._check_witnesses(s, result)
            verify_clerks(s, key)
            for job in print_queue.altered_jobs(s, key):
                # Queued receipt bytes must be the ones this program queued (their MAC).
                raise ChainBroken(job.ticket, _("its receipt bytes in the print queue were "
                                                "altered (print job {job})", job=job.id))
        return result

    def _check_witnesses(self, s: Session, result: journal.VerifyResult) -> None:
        """Every terminal's journal and event tail against its witness beside the key."""
        terminal = self.terminal
        key_path = terminal.settings.key_path
        conn = s.connection()
        files = witness.witness_files(key_path)
        in_ledger = {row[0] for row in conn.execute(text(
            "SELECT DISTINCT series FROM journal_entry UNION SELECT DISTINCT series FROM event_log"))}
        for series in sorted(set(files) | in_ledger):
            path = files.get(series, witness.witness_path(key_path, series))
            try:
                state = read_with_legacy(path, key_path, terminal.key, series, whole=True)
            except witness.WitnessDamaged as exc:
                raise ChainBroken(series, _("the witness {path} is damaged or forged "
                                            "({reason})", path=path.name,
                                            reason=str(exc))) from None
            if state.status != "ok":
                if state.status == "missing" and series != terminal.series:
                    # Terminals on other machines (PostgreSQL) keep theirs beside their key.
                    result.notes.append(_("{series}: no witness beside this key file; its "
                                          "newest entries are checked on its own terminal.",
                                          series=series))
                elif series in in_ledger:
                    result.unchecked.append(witness_gone(state.status, path))
                continue
            problem = compare_heads(conn, series, state)
            if problem is not None:
                name = next((head_name(series, kind, head.seq) for kind in
                             (witness.JOURNAL, witness.EVENTS)
                             if (head := state.head(kind)) is not None and head.seq > 0
                             and hash_at(conn, series, kind, head.seq) != head.hash), series)
                raise ChainBroken(name, problem)
            for kind, head in state.resets:
                result.notes.append(_("{series}: a manager accepted the ledger at {name} after "
                                      "a rollback or a lost witness (see the event log).",
                                      series=series, name=head_name(series, kind, head.seq)))
            if state.torn:
                result.notes.append(_("{path}: the last line was cut short (a power cut?) and "
                                      "was ignored.", path=path.name))

    def find_z(self, code: str) -> Entry:
        """The Z whose printed chain code is `code`; ChainBroken if none has it."""
        wanted = journal.parse_chain_code(code)
        if wanted is None:
            raise ValidationError("z_code", N_("'{value}' is not a chain code: 12 letters and "
                                               "digits as printed on the Z, e.g. "
                                               "A1B2-C3D4-E5F6."), value=(code or "")[:20])
        prefix = wanted.replace("-", "").lower()
        with self.terminal.reader() as s:
            rows = s.exec(select(JournalEntry).where(
                JournalEntry.kind == "z", col(JournalEntry.hash).startswith(prefix))).all()
        if not rows:
            raise ChainBroken(wanted, _("no Z in this ledger has this chain code: the ledger "
                                        "was rewritten before that Z, or it is another ledger "
                                        "(or the code was mistyped)"))
        return self.terminal.entry(rows[0])

    def backup(self, output: Path, *, force: bool = False) -> list[Path]:
        """A consistent copy of the ledger with its key and witnesses (pos/ledger/backup.py)."""
        terminal = self.terminal
        settings = terminal.settings
        if terminal.problem is not None:
            raise LedgerError(terminal.stopped())
        path = database.sqlite_path(settings.ledger_url)
        if path is None:
            raise LedgerError(_("pos backup copies a SQLite ledger; back up a PostgreSQL "
                                "ledger with pg_dump, and copy the key file and its witnesses."))
        source = settings.source
        written = backup_sqlite(path, settings.key_path, terminal.key, output, force=force,
                                protected=[Path(source)] if source else [])
        terminal.log_event("backup", str(output)[:300])
        return written

    def accept_ledger(self, manager: ClerkView, reason: str) -> str:
        """A manager accepts the ledger as it is after a rollback or a lost witness: the
        witness gains a line saying so (never loses one) and the event log records it."""
        terminal = self.terminal
        require_manager(manager)
        reason = " ".join((reason or "").split())
        if not 3 <= len(reason) <= 200 or not reason.isprintable():
            raise ValidationError("reason", N_("Write the reason (3 to 200 letters)."))
        if terminal.problem is None:
            raise ValidationError("ledger", N_("Nothing to accept: this terminal's ledger "
                                               "matches its witness."))
        if terminal.key_problem:
            raise LedgerError(_("A wrong key cannot be accepted: put the right key file back."))
        assert terminal.witness is not None
        previous = terminal.problem
        with terminal.reader() as s:
            own = own_heads(s.connection(), terminal.series)
        for kind, current in own.items():
            if current is not None:
                terminal.witness.append("R" + kind, witness.Head(terminal.series, *current),
                                        sync=True)
                terminal.known[kind] = current
            else:
                terminal.known.pop(kind, None)
        terminal.problem = None
        terminal.log_event("ledger_accepted", f"{manager.name}: {reason} | {previous}")
        return previous

    def confirm_clock(self, manager: ClerkView) -> datetime:
        """A manager confirms that the clock is right now: a chained event lets this
        terminal write again although its newest entry looks later (or much earlier)."""
        terminal = self.terminal
        require_manager(manager)
        problem = terminal.clock_problem()
        if problem is None:
            raise ValidationError("clock", N_("The clock agrees with the ledger: nothing to "
                                              "confirm."))
        now = terminal.clock()

        def work(s: Session) -> None:
            journal.append_event(s, terminal.key, series=terminal.series,
                                 kind="clock_confirmed",
                                 detail=journal.clock_confirmation(problem.seq), now=now)
            journal.append_event(s, terminal.key, series=terminal.series, kind="clock_note",
                                 detail=f"{manager.name} confirmed {journal.utc_now_text(now)}; "
                                        f"newest entry {journal.utc_now_text(problem.newest)}",
                                 now=now)

        terminal.write(work)
        return now.astimezone(terminal.tz)


def retire_key_files(settings: Settings, now: datetime) -> list[Path]:
    """Before a new ledger where the old one is missing: its key and witnesses are kept,
    renamed `*.retired-<time>`, never deleted. Refused while the ledger exists."""
    path = database.sqlite_path(settings.ledger_url)
    if path is None:
        raise LedgerError(_("pos ledger new works on a SQLite ledger; for PostgreSQL, "
                            "point the config at a new empty database."))
    if path.exists():
        raise LedgerError(_("The ledger {path} exists: pos ledger new only starts over "
                            "when it is missing. Nothing was changed.", path=path))
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    retired: list[Path] = []
    for old in key_files(settings.key_path):
        if old.exists():
            new = old.with_name(f"{old.name}.retired-{stamp}")
            if new.exists():
                raise LedgerError(_("{path} already exists: try again in a second.",
                                    path=new))
            old.rename(new)
            retired.append(new)
    return retired
