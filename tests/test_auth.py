"""Privileged acts need a manager's PIN; PINs are throttled from the ledger; PINs and customer
IDs never on the command line; clerk records under integrity (issue 10).

Attacks on the real program: the `pos` command in-process (CliRunner) and as separate
processes, real SQLite files edited with sqlite3 the way a dishonest clerk would.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from tests.cli_shop import (JUAN, ROOT, ROSA, add_staff, enter_shop_folder, pos, real_pos,
                            shipped_config)
from tests.conftest import FIXED_NOW

SELL = ["sell", "--clerk", "Juan", "--operator", "claro", "--phone", "987654321",
        "--amount", "20", "--pay", "cash"]


@pytest.fixture
def shop_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A shop folder with the shipped config.toml (no delay after a wrong PIN), as cwd."""
    from pos.i18n import set_locale

    text = shipped_config()
    assert "failure_delay = 0.5" in text
    enter_shop_folder(tmp_path, text.replace("failure_delay = 0.5", "failure_delay = 0"),
                      monkeypatch)
    for name in ("POS_PIN", "POS_MANAGER_PIN", "POS_NEW_PIN", "POS_CUSTOMER_ID"):
        monkeypatch.delenv(name, raising=False)
    yield tmp_path
    set_locale("es_PE")


@pytest.fixture
def staffed(shop_dir: Path) -> Path:
    """Rosa (manager, 1234) and Juan (clerk, 5678), Juan's shift (R001-00000001) and one
    cash sale by Juan (R001-00000002)."""
    add_staff()
    assert pos(*SELL, env=JUAN).exit_code == 0
    return shop_dir


def rows(folder: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(folder / "ledger.db")
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def execute(folder: Path, sql: str, *params: Any) -> None:
    conn = sqlite3.connect(folder / "ledger.db")
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def state(folder: Path) -> tuple[Any, ...]:
    """Everything a privileged act could change."""
    return (rows(folder, "SELECT count(*) FROM journal_entry"),
            rows(folder, "SELECT name, role, pin_hash, active, mac FROM clerk ORDER BY name"),
            rows(folder, "SELECT count(*) FROM print_job"))


# -- adding clerks -------------------------------------------------------------------------

def test_only_the_first_manager_needs_no_manager(shop_dir: Path) -> None:
    first_clerk = pos("clerk", "add", "Juan", env={"POS_NEW_PIN": "5678"})
    assert first_clerk.exit_code == 2 and "encargado" in first_clerk.stderr
    assert pos("clerk", "add", "Rosa", "--role", "manager",
               env={"POS_NEW_PIN": "1234"}).exit_code == 0
    before = state(shop_dir)
    for role in ("manager", "clerk"):
        sneaky = pos("clerk", "add", "X", "--role", role, env={"POS_NEW_PIN": "0000"})
        assert sneaky.exit_code == 2, sneaky.output
        assert "encargado" in sneaky.stderr
    assert state(shop_dir) == before
    assert pos("clerk", "list").stdout == "Rosa\tmanager\n"


def test_clerk_add_with_a_clerk_or_a_wrong_pin_is_refused(staffed: Path) -> None:
    before = state(staffed)
    by_clerk = pos("clerk", "add", "X", "--role", "manager", "--manager", "Juan",
                   env={"POS_MANAGER_PIN": "5678", "POS_NEW_PIN": "0000"})
    assert by_clerk.exit_code == 2 and "Juan" in by_clerk.stderr
    wrong = pos("clerk", "add", "X", "--role", "manager", "--manager", "Rosa",
                env={"POS_MANAGER_PIN": "9999", "POS_NEW_PIN": "0000"})
    assert wrong.exit_code == 2
    no_pin = pos("clerk", "add", "X", "--role", "manager", "--manager", "Rosa",
                 env={"POS_NEW_PIN": "0000"})
    assert no_pin.exit_code == 2 and "POS_MANAGER_PIN" in no_pin.stderr
    assert state(staffed) == before
    ok = pos("clerk", "add", "X", "--role", "manager", "--manager", "Rosa",
             env={**ROSA, "POS_NEW_PIN": "0000"})
    assert (ok.exit_code, ok.stdout) == (0, "X (manager)\n")


# -- a clerk's PIN authorises nothing privileged ------------------------------------------

PRIVILEGED = {
    "void": ["void", "R001-2", "--reason", "número equivocado"],
    "close-day": ["close-day", "--counted", "20"],
    "report z": ["report", "z"],
    "export": ["export", "--date", "2026-11-25", "--output", "out.csv"],
    "clerk add": ["clerk", "add", "Ana", "--role", "manager"],
    "clerk deactivate": ["clerk", "deactivate", "Rosa"],
    "clerk set-pin": ["clerk", "set-pin", "Rosa"],
}


@pytest.mark.parametrize("command", list(PRIVILEGED))
def test_a_clerk_pin_cannot_authorise(staffed: Path, command: str) -> None:
    before = state(staffed)
    acts = "SELECT count(*) FROM event_log WHERE kind = 'authorised'"
    acts_before = rows(staffed, acts)
    args = PRIVILEGED[command]
    as_clerk = pos(*args, "--manager", "Juan",
                   env={"POS_MANAGER_PIN": "5678", "POS_NEW_PIN": "0000"})
    assert as_clerk.exit_code == 2, as_clerk.output
    assert "Juan" in as_clerk.stderr and "encargado" in as_clerk.stderr
    # The clerk's PIN given as "his own" does not help either: --manager is required.
    unnamed = pos(*args, env={"POS_PIN": "5678", "POS_NEW_PIN": "0000"})
    assert unnamed.exit_code == 2, unnamed.output
    assert state(staffed) == before
    assert not (staffed / "out.csv").exists()
    assert rows(staffed, acts) == acts_before


def test_a_manager_act_is_recorded(staffed: Path) -> None:
    voided = pos("void", "R001-2", "--reason", "número equivocado", "--manager", "Rosa", env=ROSA)
    assert voided.exit_code == 0, voided.output
    assert rows(staffed, "SELECT detail FROM event_log WHERE kind = 'authorised' ORDER BY id"
                ) == [("clerk add: Rosa",), ("void: Rosa",)]
    assert pos("verify").exit_code == 0


# -- deactivating and re-PINning ------------------------------------------------------------

def test_deactivate(staffed: Path) -> None:
    last = pos("clerk", "deactivate", "Rosa", "--manager", "Rosa", env=ROSA)
    assert last.exit_code == 2 and "último encargado" in last.stderr
    done = pos("clerk", "deactivate", "Juan", "--manager", "Rosa", env=ROSA)
    assert (done.exit_code, done.stdout) == (0, "Juan desactivado.\n")
    assert pos("clerk", "list").stdout == "Rosa\tmanager\n"
    refused = pos(*SELL, env=JUAN)
    assert refused.exit_code == 2 and refused.stdout == ""
    assert pos("verify").exit_code == 0


def test_set_pin_own_and_by_a_manager(staffed: Path) -> None:
    wrong_old = pos("clerk", "set-pin", "Juan", env={"POS_PIN": "0000", "POS_NEW_PIN": "4321"})
    assert wrong_old.exit_code == 2
    # Juan's own PIN does not set Rosa's.
    other = pos("clerk", "set-pin", "Rosa", env={"POS_PIN": "5678", "POS_NEW_PIN": "4321"})
    assert other.exit_code == 2
    bad_new = pos("clerk", "set-pin", "Juan", env={"POS_PIN": "5678", "POS_NEW_PIN": "12"})
    assert bad_new.exit_code == 2 and "PIN" in bad_new.stderr
    own = pos("clerk", "set-pin", "Juan", env={"POS_PIN": "5678", "POS_NEW_PIN": "4321"})
    assert own.exit_code == 0, own.output
    assert pos(*SELL, env=JUAN).exit_code == 2
    assert pos(*SELL, env={**JUAN, "POS_PIN": "4321"}).exit_code == 0
    # On stdin: the manager's PIN first, then the new PIN.
    by_rosa = pos("clerk", "set-pin", "Juan", "--manager", "Rosa", "--pin-stdin",
                  input="1234\n8765\n")
    assert by_rosa.exit_code == 0, by_rosa.output
    assert pos(*SELL, env={**JUAN, "POS_PIN": "8765"}).exit_code == 0
    assert pos("verify").exit_code == 0


# -- throttling -----------------------------------------------------------------------------

def test_lockout_is_in_the_ledger(make_settings: Any, clock: Any) -> None:
    """Five wrong PINs lock the clerk for every Shop on the ledger (the app's login and lock
    screen, the CLI), until five minutes after the last one; one more wrong PIN after that
    locks again; the right PIN then clears the run."""
    from pos.services import AuthError, Shop

    settings = make_settings()
    shop = Shop.open(settings, clock=clock)
    rosa = shop.add_clerk("Rosa", "manager", "1234")
    shop.add_clerk("Juan", "clerk", "5678", by=rosa)
    for _n in range(4):
        with pytest.raises(AuthError, match="incorrecto"):
            shop.login("Juan", "0000")
    with pytest.raises(AuthError, match=r"bloqueado hasta las 10:35:00"):
        shop.login("Juan", "0001")
    shop.close()
    other = Shop.open(settings, clock=clock)  # a new Shop: nothing kept in memory
    with pytest.raises(AuthError, match=r"Juan está bloqueado hasta las 10:35:00"):
        other.login("Juan", "5678")  # even the right PIN
    assert other.login("Rosa", "1234", manager=True).is_manager  # per clerk
    clock.now = FIXED_NOW + timedelta(minutes=4, seconds=59)
    with pytest.raises(AuthError, match="bloqueado"):
        other.authorise("Juan", "5678")
    clock.now = FIXED_NOW + timedelta(minutes=5, seconds=1)
    with pytest.raises(AuthError, match=r"bloqueado hasta las 10:40:01"):
        other.login("Juan", "0000")  # still five in a row: locked again at once
    clock.now = FIXED_NOW + timedelta(minutes=10, seconds=2)
    assert other.login("Juan", "5678").name == "Juan"
    for _n in range(4):  # the run was cleared
        with pytest.raises(AuthError, match="incorrecto"):
            other.login("Juan", "0000")
    assert other.login("Juan", "5678").name == "Juan"
    failures = other.verify()  # every failure is a chained event, and they verify
    assert failures.events > 10
    other.close()


def test_lockout_survives_a_new_process(staffed: Path, wall_clock: Any,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.wallclock import ENV, offset_to

    (staffed / "config.toml").write_text(
        (staffed / "config.toml").read_text(encoding="utf-8").replace(
            "failure_delay = 0", "failure_delay = 0.2"), encoding="utf-8")
    for _n in range(5):
        wrong = real_pos(staffed, *SELL, env={**JUAN, "POS_PIN": "0000"})
        assert wrong.returncode == 2 and wrong.stdout == ""
    locked = real_pos(staffed, *SELL, env=JUAN)
    assert locked.returncode == 2 and locked.stdout == ""
    assert re.search(r"Juan está bloqueado hasta las 10:3[5-9]:\d\d\.", locked.stderr), \
        locked.stderr
    assert rows(staffed, "SELECT count(*) FROM event_log WHERE kind = 'login_failed' "
                         "AND detail = 'Juan'") == [(5,)]
    assert rows(staffed, "SELECT count(*) FROM journal_entry") == [(2,)]
    later = FIXED_NOW + timedelta(minutes=15)
    wall_clock.move_to(later)
    monkeypatch.setenv(ENV, offset_to(later))
    sold = real_pos(staffed, *SELL, env=JUAN)
    assert sold.returncode == 0, sold.stderr
    assert sold.stdout.splitlines()[0] == "R001-00000003"


def test_a_manager_pin_is_throttled_too(staffed: Path) -> None:
    for _n in range(5):
        assert pos("void", "R001-2", "--reason", "número equivocado", "--manager", "Rosa",
                   env={"POS_MANAGER_PIN": "0000"}).exit_code == 2
    locked = pos("void", "R001-2", "--reason", "número equivocado", "--manager", "Rosa",
                 env=ROSA)
    assert locked.exit_code == 2 and "Rosa está bloqueado hasta las" in locked.stderr
    assert rows(staffed, "SELECT count(*) FROM journal_entry") == [(2,)]


# -- no PIN and no customer ID on the command line ----------------------------------------

def _options(command: click.Command, path: str = "pos") -> Iterator[tuple[str, click.Option]]:
    for param in command.params:
        if isinstance(param, click.Option):
            yield path, param
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _options(sub, f"{path} {name}")


def test_no_option_takes_a_pin_or_an_id_document() -> None:
    from pos.cli import main

    offenders = []
    for path, option in _options(main):
        if option.is_flag or option.count:
            continue
        for opt in option.opts:
            if "pin" in opt or opt in ("--id", "--dni", "--document", "--doc"):
                offenders.append(f"{path} {opt}")
    assert not offenders, offenders
    commands = [path for path, _o in _options(main)]
    assert "pos sell" in commands and "pos clerk add" in commands  # the walk saw them


def test_pin_and_id_on_stdin_never_in_argv(staffed: Path) -> None:
    """While `pos sell --pin-stdin --id-stdin` waits for its secrets, its command line (what
    `ps` shows every user) holds neither; fed on stdin they sell."""
    code = ("import sys; from tests.wallclock import follow; follow(); "
            "from pos.cli import main; sys.argv[0] = 'pos'; main()")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("POS_") or k == "POS_TEST_CLOCK_OFFSET"}
    proc = subprocess.Popen([sys.executable, "-c", code, *SELL, "--pin-stdin", "--id-stdin"],
                            cwd=staffed, env={**env, "PYTHONPATH": str(ROOT)},
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        cmdline = b""
        for _n in range(3000):  # until the new process has its command line (after exec)
            cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
            if b"--pin-stdin" in cmdline:
                break
            time.sleep(0.01)
        assert b"--pin-stdin" in cmdline
        assert b"5678" not in cmdline and b"45678912" not in cmdline
        out, err = proc.communicate("5678\ndni:45678912\n", timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert out.splitlines()[0] == "R001-00000003"
    history = pos("history", "--by-id", env={"POS_CUSTOMER_ID": "dni:45678912"})
    assert history.stdout.count("\n") == 2


def test_no_pin_source_is_a_clear_refusal(staffed: Path) -> None:
    result = pos(*SELL, env={"POS_CUSTOMER_ID": "dni:45678912"})  # no POS_PIN, no terminal
    assert result.exit_code == 2 and "POS_PIN" in result.stderr and "--pin-stdin" in result.stderr
    old_style = pos(*SELL, "--pin", "5678", env={"POS_CUSTOMER_ID": "dni:45678912"})
    assert old_style.exit_code == 2 and "--pin" in old_style.stderr
    old_id = pos(*SELL, "--id", "dni:45678912", env={"POS_PIN": "5678"})
    assert old_id.exit_code == 2
    assert rows(staffed, "SELECT count(*) FROM journal_entry") == [(2,)]


# -- clerk records under integrity -----------------------------------------------------------

def _promote(folder: Path) -> None:
    execute(folder, "UPDATE clerk SET role = 'manager' WHERE name = 'Juan'")


def _copy_pin_hash(folder: Path) -> None:
    execute(folder, "UPDATE clerk SET pin_hash = (SELECT pin_hash FROM clerk WHERE name = "
                    "'Juan') WHERE name = 'Rosa'")


def _forge_row(folder: Path) -> None:
    execute(folder, "INSERT INTO clerk (name, role, pin_hash, active, created_at, mac) "
                    "SELECT 'Eva', 'manager', pin_hash, 1, created_at, mac FROM clerk "
                    "WHERE name = 'Juan'")


def _delete_row(folder: Path) -> None:
    execute(folder, "DELETE FROM clerk WHERE name = 'Juan'")


def _put_back_an_older_row(folder: Path) -> None:
    """Juan's row as it was before a manager deactivated him: a valid MAC, an old state."""
    old = rows(folder, "SELECT active, mac FROM clerk WHERE name = 'Juan'")[0]
    assert pos("clerk", "deactivate", "Juan", "--manager", "Rosa", env=ROSA).exit_code == 0
    execute(folder, "UPDATE clerk SET active = ?, mac = ? WHERE name = 'Juan'", *old)


TAMPERING = {
    "promoted": (_promote, "Juan", "fuera de la aplicación"),
    "pin-hash-copied": (_copy_pin_hash, "Rosa", "fuera de la aplicación"),
    "forged-row": (_forge_row, "Eva", "fuera de la aplicación"),
    "row-deleted": (_delete_row, "Juan", "borrado"),
    "older-row-put-back": (_put_back_an_older_row, "Juan", "copia anterior"),
}


@pytest.mark.parametrize("attack", list(TAMPERING))
def test_clerk_table_tampering_caught(staffed: Path, attack: str) -> None:
    tamper, name, says = TAMPERING[attack]
    assert pos("verify").exit_code == 0
    tamper(staffed)
    result = pos("verify")
    assert result.exit_code == 1, result.output
    assert f"cajero {name}" in result.stderr and says in result.stderr, result.stderr


def test_a_tampered_clerk_cannot_act(staffed: Path) -> None:
    _promote(staffed)
    void = pos("void", "R001-2", "--reason", "número equivocado", "--manager", "Juan",
               env={"POS_MANAGER_PIN": "5678"})
    assert void.exit_code == 1 and "pos verify" in void.stderr
    assert rows(staffed, "SELECT count(*) FROM journal_entry") == [(2,)]
    _copy_pin_hash(staffed)  # Rosa's PIN is now Juan's: refused, not a manager login
    as_rosa = pos("close-day", "--counted", "20", "--manager", "Rosa",
                  env={"POS_MANAGER_PIN": "5678"})
    assert as_rosa.exit_code == 1 and "Rosa" in as_rosa.stderr
    assert rows(staffed, "SELECT count(*) FROM journal_entry") == [(2,)]


def test_an_old_ledger_is_sealed_once(make_settings: Any, clock: Any) -> None:
    """Clerk rows written before clerk records had a MAC (revision 0002) are sealed when this
    version first opens the ledger; after that a row without its MAC is an edit."""
    from alembic import command

    from pos.ledger import database
    from pos.ledger.clerks import hash_pin
    from pos.ledger.errors import ChainBroken
    from pos.services import Shop

    settings = make_settings()
    db = Path(settings.ledger_url.removeprefix("sqlite:///"))
    engine = database.make_engine(settings.ledger_url, create_parent=True)
    with engine.begin() as conn:
        command.upgrade(database._alembic_config(conn), "0002")
    engine.dispose()
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO clerk (name, role, pin_hash, active, created_at) VALUES "
                 "('Rosa', 'manager', ?, 1, '2026-01-02T03:04:05.000000Z')",
                 (hash_pin("1234"),))
    conn.commit()
    conn.close()
    shop = Shop.open(settings, clock=clock)
    assert shop.login("Rosa", "1234", manager=True).is_manager
    shop.verify()
    shop.close()
    again = Shop.open(settings, clock=clock)  # sealed once: not again
    again.close()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT kind FROM event_log WHERE kind LIKE 'clerk%sealed' ORDER BY id"
                        ).fetchall() == [("clerk_sealed",), ("clerks_sealed",)]
    conn.execute("UPDATE clerk SET mac = NULL")
    conn.commit()
    conn.close()
    third = Shop.open(settings, clock=clock)
    with pytest.raises(ChainBroken, match="Rosa"):
        third.verify()
    third.close()


def test_a_new_privileged_command_is_one_decorator(staffed: Path) -> None:
    """How the lead's new commands (pay-outs, clock confirm) adopt the mechanism: a clerk
    acting with a manager authorising, both PINs on stdin (the manager's first)."""
    from pos.cli import clerk_required, manager_required

    @click.command()
    @click.option("--amount", required=True)
    @manager_required
    @clerk_required
    @click.pass_context
    def payout(ctx: click.Context, amount: str, manager: Any, clerk: Any) -> None:
        click.echo(f"{amount} {clerk.name} {manager.name}")

    names = [opt for p in payout.params for opt in p.opts]
    assert sorted(names) == ["--amount", "--clerk", "--manager", "--pin-stdin"]
    ok = CliRunner().invoke(payout, ["--amount", "5", "--clerk", "Juan", "--manager", "Rosa",
                                     "--pin-stdin"], input="1234\n5678\n")
    assert (ok.exit_code, ok.stdout) == (0, "5 Juan Rosa\n"), ok.output
    by_env = CliRunner().invoke(payout, ["--amount", "5", "--clerk", "Juan", "--manager", "Rosa"],
                                env={**ROSA, "POS_PIN": "5678"})
    assert by_env.stdout == "5 Juan Rosa\n", by_env.output
    swapped = CliRunner().invoke(payout, ["--amount", "5", "--clerk", "Juan", "--manager",
                                          "Rosa", "--pin-stdin"], input="5678\n1234\n")
    assert swapped.exit_code != 0 and swapped.stdout == ""
    assert rows(staffed, "SELECT detail FROM event_log WHERE kind = 'authorised' ORDER BY id"
                )[-1] == ("payout: Rosa",)
