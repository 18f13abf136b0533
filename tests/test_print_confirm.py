"""Printed means the printer confirmed it; no receipt is lost and none prints twice as an original.

Real loopback network printers (tests/printer_server.py), a real SQLite ledger, real `pos`
processes retrying the queue at once, a real process killed while it prints.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from pos.ledger.errors import ChainBroken
from pos.ledger.models import EventEntry, JournalEntry, PrintJob
from pos.services import Shop
from receipts import decode
from receipts.printers import STATUS_REQUEST
from tests.conftest import open_quiet_shift
from tests.printer_server import PrinterServer

ROOT = Path(__file__).resolve().parents[1]
# `pos` as a real process, on the suite's wall clock (tests/wallclock.py).
POS = ["-c", "import sys; from tests.wallclock import follow; follow(); "
             "from pos.cli import main; sys.argv[0] = 'pos'; main()"]


def _open(make_settings: Any, clock: Any, printer: dict[str, Any]) -> Shop:
    shop = Shop.open(make_settings(printer=printer), clock=clock)
    if not shop.clerks():
        shop.add_clerk("Juan", "manager", "5678")  # the first clerk of a new ledger
        open_quiet_shift(shop)
    return shop


def _sale(shop: Shop, print_now: bool = True, amount: str = "20") -> Any:
    clerk = shop.login("Juan", "5678")
    draft = shop.build_draft(operator="claro", phone="987654321", amount=amount,
                             method="cash", id_spec="dni:12345678", tendered="100")
    return shop.sell(clerk, draft, print_now=print_now)


def _jobs(shop: Shop) -> list[PrintJob]:
    with shop._reader() as s:
        return list(s.exec(select(PrintJob).order_by(PrintJob.id)).all())


def _db(tmp_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / "ledger.db", isolation_level=None)


def test_confirmed_receipt_is_printed(make_settings: Any, clock: Any) -> None:
    with PrinterServer("ok") as server:
        shop = _open(make_settings, clock, server.printer())
        result = _sale(shop)
        assert result.print_outcome.printed and not result.print_outcome.copy
        [job] = _jobs(shop)
        assert (job.status, job.attempts, job.claim) == ("printed", 1, None)
        [receipt] = server.receipts()
        assert receipt.barcodes == (result.ticket,) and "COPIA" not in receipt.text
        shop.close()


@pytest.mark.parametrize("behaviour", ["silent", "paper_end", "cover_open", "close", "reset",
                                       "garbage"])
def test_unconfirmed_receipt_stays_queued_and_prints_again_only_as_a_copy(
        make_settings: Any, clock: Any, behaviour: str) -> None:
    bad = PrinterServer(behaviour)
    port = bad.port
    shop = _open(make_settings, clock, bad.printer(timeout=0.5))
    try:
        result = _sale(shop)
    finally:
        bad.close()
    outcome = result.print_outcome
    # The sale stands; the receipt is not counted as printed and the clerk is told to look.
    assert not outcome.printed and outcome.unconfirmed
    assert "revise el papel" in outcome.error
    with shop._reader() as s:
        assert [e.ticket for e in s.exec(select(JournalEntry)) if e.kind == "sale"] == [result.ticket]
        faults = [e.detail for e in s.exec(select(EventEntry)) if e.kind == "printer_fault"]
    assert len(faults) == 1 and result.ticket in faults[0]
    [job] = shop.print_queue()
    assert (job.ticket, job.status) == (result.ticket, "unconfirmed")

    # The printer is fixed: the waiting receipt comes out, marked COPIA (the first may be on
    # paper already), and the queue is empty. Nothing lost, no second original.
    with PrinterServer("ok", port=port) as good:
        [retried] = shop.retry_print_queue()
        assert retried.printed and retried.copy
        [copy] = good.receipts()
    assert "COPIA" in copy.text and copy.barcodes == (result.ticket,)
    assert shop.print_queue() == []
    assert [j.status for j in _jobs(shop)] == ["printed"]
    shop.verify()
    shop.close()


def test_refused_receipt_prints_later_as_the_original(make_settings: Any, clock: Any) -> None:
    server = PrinterServer("ok")
    port = server.port
    server.close()  # nobody listens: the connection is refused, nothing reached paper
    shop = _open(make_settings, clock, {"kind": "network", "host": "127.0.0.1", "port": port,
                                        "timeout": 1})
    result = _sale(shop)
    assert not result.print_outcome.printed and not result.print_outcome.unconfirmed
    assert [j.status for j in shop.print_queue()] == ["failed"]
    with PrinterServer("ok", port=port) as server:
        [outcome] = shop.retry_print_queue()
        assert outcome.printed and not outcome.copy
        [receipt] = server.receipts()
    assert "COPIA" not in receipt.text and receipt.barcodes == (result.ticket,)
    shop.close()


def test_a_copy_replaces_the_unconfirmed_original(make_settings: Any, clock: Any) -> None:
    """The clerk checks the paper, finds nothing and presses R: the COPIA settles the job."""
    with PrinterServer("silent") as bad:
        port = bad.port
        shop = _open(make_settings, clock, bad.printer(timeout=0.5))
        result = _sale(shop)
    assert result.print_outcome.unconfirmed
    with PrinterServer("ok", port=port) as good:
        assert shop.reprint(result.ticket).printed
        assert shop.retry_print_queue() == []  # nothing else comes out
        [copy] = good.receipts()
    assert "COPIA" in copy.text
    assert [(j.kind, j.status) for j in _jobs(shop)] == [("sale", "replaced"),
                                                         ("reprint", "printed")]
    shop.close()


def test_job_left_sending_by_a_crash_prints_only_as_a_copy(
        make_settings: Any, clock: Any, tmp_path: Path) -> None:
    with PrinterServer("ok") as server:
        shop = _open(make_settings, clock, server.printer(timeout=2))
        result = _sale(shop, print_now=False)
        [job] = _jobs(shop)
        # What a process killed between its claim and the printer's answer leaves behind.
        with _db(tmp_path) as db:
            db.execute("UPDATE print_job SET status = 'sending', claim = 'dead', "
                       "claimed_at = '2026-11-25T15:30:00.000000Z', attempts = 1 WHERE id = ?",
                       (job.id,))
        # Still within what one send can take: another process may be printing it right now.
        clock.now += timedelta(seconds=20)
        assert shop.retry_print_queue() == []
        assert shop.print_job(job.id).skipped
        assert server.receipts() == []
        # Long past any send: its outcome is unknown, so it comes out as a COPIA, once.
        clock.now += timedelta(minutes=10)
        assert [j.status for j in shop.print_queue()] == ["unconfirmed"]
        [outcome] = shop.retry_print_queue()
        assert outcome.printed and outcome.copy
        assert shop.retry_print_queue() == []
        [copy] = server.receipts()
    assert "COPIA" in copy.text and copy.barcodes == (result.ticket,)
    shop.close()


def _write_config(folder: Path, printer: dict[str, Any]) -> Path:
    lines = ['[shop]', 'name = "Bodega Doña Rosa"', 'ruc = "10456789019"', 'series = "R001"',
             '[ledger]', 'url = "sqlite:///ledger.db"', 'key_file = "ledger.key"', '[printer]']
    for key, value in printer.items():
        lines.append(f"{key} = {value!r}".replace("'", '"'))
    path = folder / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _pos_process(config: Path, *args: str) -> subprocess.Popen[str]:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, *POS, "--config", str(config), *args],
                            cwd=config.parent, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_concurrent_retries_print_every_receipt_exactly_once(
        make_settings: Any, clock: Any, tmp_path: Path) -> None:
    count = 40
    with PrinterServer("ok") as server:
        shop = _open(make_settings, clock, server.printer())
        tickets = [_sale(shop, print_now=False).ticket for _ in range(count)]
        shop.close()
        config = _write_config(tmp_path, server.printer())
        runs = [_pos_process(config, "print-queue", "--retry") for _ in range(3)]
        for run in runs:
            out, err = run.communicate(timeout=300)
            assert run.returncode == 0, err
            assert "Traceback" not in err
        printed = server.receipts()
    # Every receipt exactly once, every one an original.
    assert Counter(r.barcodes[0] for r in printed) == Counter(tickets)
    assert not any("COPIA" in r.text for r in printed)
    shop = _open(make_settings, clock, {"kind": "none"})
    assert {j.status for j in _jobs(shop)} == {"printed"}
    assert all(j.attempts == 1 for j in _jobs(shop))
    shop.close()


def test_process_killed_while_printing_never_prints_a_second_original(
        make_settings: Any, clock: Any, tmp_path: Path) -> None:
    with PrinterServer("silent") as hanging, PrinterServer("ok") as good:
        shop = _open(make_settings, clock, good.printer())
        result = _sale(shop, print_now=False)
        config = _write_config(tmp_path, hanging.printer(timeout=20))
        run = _pos_process(config, "print-queue", "--retry")
        try:
            deadline = time.monotonic() + 60
            while not any(bytes(c).endswith(STATUS_REQUEST) for c in hanging.connections):
                assert time.monotonic() < deadline, "the receipt never reached the printer"
                assert run.poll() is None, run.communicate()
                time.sleep(0.05)
        finally:
            run.send_signal(signal.SIGKILL)
            run.communicate(timeout=30)
        # The killed process sent the original: it may be on paper.
        [original] = [r for c in hanging.connections
                      for r in decode(bytes(c).replace(STATUS_REQUEST, b""))]
        assert original.barcodes == (result.ticket,) and "COPIA" not in original.text
        [job] = _jobs(shop)
        assert job.status == "sending"
        assert shop.retry_print_queue() == []  # maybe still printing: left alone
        clock.now += timedelta(minutes=30)
        [outcome] = shop.retry_print_queue()
        assert outcome.printed and outcome.copy
        [copy] = good.receipts()
    assert "COPIA" in copy.text and copy.barcodes == (result.ticket,)
    shop.close()


def test_rewritten_receipt_bytes_are_refused_and_reported(
        make_settings: Any, clock: Any, tmp_path: Path) -> None:
    shop = _open(make_settings, clock, {"kind": "file", "path": "out/printer.bin"})
    shop.add_clerk("Rosa", "manager", "1234", by=shop.login("Juan", "5678"))
    ten = _sale(shop, amount="10")
    ninety_nine = _sale(shop, amount="99", print_now=False)
    forged = shop.job_bytes(2)  # a real receipt of the S/ 99 sale
    printer = tmp_path / "out" / "printer.bin"
    before = printer.read_bytes()
    with _db(tmp_path) as db:
        # Whoever can write the database swaps the S/ 10 receipt's bytes and queues it again.
        db.execute("UPDATE print_job SET data = ?, status = 'pending' WHERE ticket = ?",
                   (forged, ten.ticket))
    [refused] = [o for o in shop.retry_print_queue() if o.ticket == ten.ticket]
    assert not refused.printed and "alterad" in refused.error
    assert ninety_nine.ticket in {r.barcodes[0] for r in decode(printer.read_bytes())}
    assert not any(r.barcodes == (ten.ticket,) for r in decode(printer.read_bytes()[len(before):]))
    with pytest.raises(ChainBroken) as caught:
        shop.verify()
    assert caught.value.ticket == ten.ticket
    # The on-screen preview shows what the journal says, never the rewritten bytes.
    [preview] = decode(shop.receipt_bytes(ten.ticket))
    assert "S/ 10.00" in preview.text and "S/ 99.00" not in preview.text
    # A copy from the ledger still prints right.
    assert shop.reprint(ten.ticket).printed
    copy = decode(printer.read_bytes())[-1]
    assert "COPIA" in copy.text and "S/ 10.00" in copy.text
    shop.close()


def test_rewritten_void_slip_in_the_queue_is_refused(
        make_settings: Any, clock: Any, tmp_path: Path) -> None:
    shop = _open(make_settings, clock, {"kind": "file", "path": "out/printer.bin"})
    shop.add_clerk("Rosa", "manager", "1234", by=shop.login("Juan", "5678"))
    sale = _sale(shop)
    void = shop.void(sale.ticket, "número equivocado", shop.login("Rosa", "1234", manager=True),
                     print_now=False)
    with _db(tmp_path) as db:
        [(data,)] = db.execute("SELECT data FROM print_job WHERE ticket = ?", (void.ticket,))
        assert b"20.00" in data
        db.execute("UPDATE print_job SET data = ? WHERE ticket = ?",
                   (data.replace(b"20.00", b"99.00"), void.ticket))
    [outcome] = shop.retry_print_queue()
    assert not outcome.printed
    assert all(r.barcodes != (void.ticket,)
               for r in decode((tmp_path / "out" / "printer.bin").read_bytes()))
    with pytest.raises(ChainBroken):
        shop.verify()
    shop.close()


def test_unconfirmed_report_prints_again_under_a_copy_banner(
        make_settings: Any, clock: Any) -> None:
    """Slips that cannot be rendered again from one entry (X, Z, shift) get a COPIA line on top
    of their stored bytes."""
    with PrinterServer("silent") as bad:
        port = bad.port
        shop = _open(make_settings, clock, bad.printer(timeout=0.5))
        _sale(shop, print_now=False)
        report = shop.report_x(print_now=True)
    assert report.print_outcome is not None and report.print_outcome.unconfirmed
    with PrinterServer("ok", port=port) as good:
        outcomes = shop.retry_print_queue()
        assert [(o.printed, o.copy) for o in outcomes] == [(True, False), (True, True)]
        sale_slip, copy = good.receipts()
    assert "COPIA" not in sale_slip.text
    assert copy.lines[0] == "*** COPIA ***" and "S/ 20.00" in copy.text
    shop.close()


def test_cli_tells_the_clerk_and_verify_reports_rewritten_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from pos.cli import main
    from pos.i18n import set_locale

    def pos(*args: str) -> Any:
        secrets = {"POS_PIN": "5678", "POS_NEW_PIN": "5678", "POS_CUSTOMER_ID": "dni:12345678"}
        return CliRunner().invoke(main, ["--config", str(config), *args], env=secrets)

    monkeypatch.chdir(tmp_path)
    try:
        with PrinterServer("silent") as server:
            config = _write_config(tmp_path, server.printer(timeout=0.5))
            assert pos("clerk", "add", "Juan", "--role", "manager").exit_code == 0
            assert pos("shift", "open", "--clerk", "Juan", "--float", "0").exit_code in (0, 3)
            sold = pos("sell", "--clerk", "Juan", "--operator", "claro",
                       "--phone", "987654321", "--amount", "20", "--pay", "cash",
                       "--tendered", "50")
        assert sold.exit_code == 3, sold.output  # kept, its receipt not confirmed
        ticket = sold.stdout.splitlines()[0]
        assert "NO confirmado por la impresora" in sold.stderr
        assert f"pos reprint {ticket}" in sold.stderr
        listed = pos("print-queue")
        assert f"{ticket}\tsale\tunconfirmed" in listed.stdout
        assert pos("verify").exit_code == 0
        with _db(tmp_path) as db:
            db.execute("UPDATE print_job SET data = X'1B40' || data, mac = NULL "
                       "WHERE ticket = ?", (ticket,))
        failed = pos("verify")
        assert failed.exit_code == 1 and ticket in failed.stderr
        assert "cola de impresión" in failed.stderr
    finally:
        set_locale("es_PE")
