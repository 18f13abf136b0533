"""Shared by the crash suites: a seller subprocess to kill, and what must hold afterwards."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tests.conftest import config_file

ROOT = Path(__file__).resolve().parents[2]
TICKET = re.compile(r"^[A-Z][A-Z0-9]{3}-[0-9]{8}$")
SEED = int(os.environ.get("POS_FAULT_SEED", "20261125"))


def write_config(folder: Path, url: str = "sqlite:///ledger.db", series: str = "R001",
                 **sections: dict[str, Any]) -> Path:
    """A small config.toml for a seller living in `folder` (keyword sections override)."""
    return config_file(folder, **{"shop": {"series": series}, "ledger": {"url": url},
                                  **sections})


class Seller:
    """`python -m tests.faults.seller` in the background; its stdout read line by line."""

    def __init__(self, config: Path, *, seed: int, count: int = 0) -> None:
        self.lines: list[str] = []
        self.started = time.monotonic()
        self._changed = threading.Condition()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.seller", str(config), str(count),
             "--seed", str(seed)],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self._err: list[str] = []
        self._threads = [threading.Thread(target=self._read_out, daemon=True),
                         threading.Thread(target=self._read_err, daemon=True)]
        for thread in self._threads:
            thread.start()

    def _read_out(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._err.append(line)

    @property
    def tickets(self) -> list[str]:
        """The tickets the seller reported (committed, as far as the clerk knows)."""
        return [line for line in self.lines if not line.startswith("#")]

    def wait_for(self, marker: str | None = None, *, tickets: int = 0,
                 timeout: float = 30) -> bool:
        """Wait until a `#` marker line or `tickets` tickets appeared (False: the seller ended)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                if marker is not None and marker in self.lines:
                    return True
                if marker is None and len(self.tickets) >= tickets:
                    return True
                if self.proc.poll() is not None and not self._threads[0].is_alive():
                    return False
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"seller gave no {marker or 'ticket'} in {timeout} s; "
                                       f"stderr: {self.stderr[-2000:]}")
                self._changed.wait(min(left, 0.05))

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.finish()

    def finish(self, timeout: float = 60) -> int:
        code = self.proc.wait(timeout=timeout)
        for thread in self._threads:
            thread.join(timeout=10)
        return code

    @property
    def stderr(self) -> str:
        return "".join(self._err)


def kill_after(config: Path, rng: random.Random, pause: tuple[float, float],
               marker: str | None = None, *, tickets: int = 0) -> Seller:
    """Start a seller, wait for its `marker` line (or `tickets` tickets), let it run on for a
    random `pause` (seconds, drawn from `rng`), then SIGKILL it."""
    seller = Seller(config, seed=rng.randrange(10**6))
    try:
        assert seller.wait_for(marker, tickets=tickets), seller.stderr
        time.sleep(rng.uniform(*pause))
    finally:
        seller.kill()
    return seller


def check_ledger(settings: Any, reported: list[str], context: str = "") -> int:
    """Everything a crash may not break; returns the number of journal entries.

    Every reported ticket is in the ledger; each terminal's sequence is gapless; the chains
    verify; every sale has its receipt in the print queue and no receipt lacks its sale.
    """
    from sqlmodel import Session, select

    from pos.ledger.models import JournalEntry, PrintJob
    from pos.services import Shop

    where = f" ({context})" if context else ""
    assert all(TICKET.match(t) for t in reported), f"not a ticket in {reported!r}{where}"
    numbers = [int(t[-8:]) for t in reported]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True, (
        f"the seller reported tickets out of order: {reported}{where}")

    shop = Shop.open(settings)
    try:
        shop.verify()
        with Session(shop.engine) as s:
            entries = s.exec(select(JournalEntry.series, JournalEntry.seq, JournalEntry.ticket,
                                    JournalEntry.kind)
                             .order_by(JournalEntry.series, JournalEntry.seq)).all()
            jobs = s.exec(select(PrintJob.ticket, PrintJob.kind)).all()
        by_series: dict[str, list[int]] = {}
        for series, seq, _ticket, _kind in entries:
            by_series.setdefault(series, []).append(seq)
        for series, seqs in by_series.items():
            assert seqs == list(range(1, len(seqs) + 1)), f"gap in {series}: {seqs}{where}"
        tickets = {ticket for _s, _q, ticket, _k in entries}
        missing = [t for t in reported if t not in tickets]
        assert not missing, f"reported but not in the ledger: {missing}{where}"
        sale_jobs = {ticket for ticket, kind in jobs if kind == "sale"}
        sales = [ticket for _s, _q, ticket, kind in entries if kind == "sale"]
        unprintable = [t for t in sales if t not in sale_jobs]
        assert not unprintable, f"sales without a receipt in the queue: {unprintable}{where}"
        orphans = sorted({ticket for ticket, _k in jobs} - tickets)
        assert not orphans, f"receipts for sales the ledger does not have: {orphans}{where}"
        return len(entries)
    finally:
        shop.close()
