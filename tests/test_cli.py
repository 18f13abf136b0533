"""The `pos` command end to end, in a shop folder with its own config.toml.

In-process through click's CliRunner (fast); one subprocess run proves the real entry point.
Every failure: an exit code, the field and the reason on stderr, never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tests.cli_shop import JUAN, ROSA, add_staff, enter_shop_folder, pos, shipped_config

SELL = ["sell", "--clerk", "Juan", "--operator", "claro", "--phone", "987 654 321",
        "--amount", "20"]


@pytest.fixture
def shop_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A shop folder holding the shipped config.toml, as the working folder."""
    from pos.i18n import set_locale

    enter_shop_folder(tmp_path, shipped_config(), monkeypatch)
    yield tmp_path
    set_locale("es_PE")  # the CLI sets the process-wide language from config


@pytest.fixture
def staffed(shop_dir: Path) -> Path:
    """Rosa, Juan and Juan's shift (R001-00000001)."""
    add_staff()
    return shop_dir


def set_config(folder: Path, old: str, new: str) -> None:
    path = folder / "config.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def journal_count() -> int:
    result = pos("verify")
    assert result.exit_code == 0, result.output
    return int(result.stdout.split()[1])


# -- clerks --------------------------------------------------------------------------------

def sell(*args: str, env: dict[str, str] | None = None) -> Result:
    """`pos sell` as Juan (PIN and customer ID from the environment)."""
    return pos(*SELL, *args, env=JUAN if env is None else env)


def test_clerk_add_and_list(shop_dir: Path) -> None:
    result = pos("clerk", "add", "Rosa", "--role", "manager", env={"POS_NEW_PIN": "1234"})
    assert (result.exit_code, result.stdout) == (0, "Rosa (manager)\n")
    assert pos("clerk", "list").stdout == "Rosa\tmanager\n"
    assert (shop_dir / "ledger.db").is_file() and (shop_dir / "ledger.key").is_file()


@pytest.mark.parametrize(("args", "env", "says"), [
    (["Ana"], {"POS_NEW_PIN": "12"}, "PIN"),
    (["Ana"], {"POS_NEW_PIN": "abcd"}, "PIN"),
    ([""], {"POS_NEW_PIN": "1234"}, "nombre"),
    (["Ana"], {}, "POS_NEW_PIN"),  # no terminal to prompt on
    (["Ana", "--pin", "1234"], {}, "--pin"),  # no option takes a PIN
])
def test_clerk_add_refused(shop_dir: Path, args: list[str], env: dict[str, str],
                           says: str) -> None:
    result = pos("clerk", "add", *args, "--role", "manager", env=env)
    assert result.exit_code == 2
    assert says in result.stderr
    assert pos("clerk", "list").stdout == ""


# -- selling -------------------------------------------------------------------------------

def test_sell_prints_ticket_then_change(staffed: Path) -> None:
    result = sell("--pay", "cash", "--tendered", "50")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["R001-00000002", "Vuelto: S/ 30.00"]
    assert result.stderr == ""
    card = sell("--pay", "card", "--card", "visa:4242:A1B2C3")
    assert card.stdout.splitlines()[0] == "R001-00000003"
    yape = sell("--pay", "yape", "--op-number", "12345678")
    assert yape.stdout.splitlines()[0] == "R001-00000004"
    assert journal_count() == 4
    text = pos("receipt-text", "receipts-out/printer.bin")
    assert text.exit_code == 0
    assert "[barcode R001-00000002]" in text.stdout
    assert "Vuelto" in text.stdout and "VISA **** 4242" in text.stdout
    assert "45678912" not in text.stdout  # the receipt shows the masked ID


def test_sell_request_id(staffed: Path) -> None:
    first = sell("--pay", "cash", "--request-id", "abc-1")
    again = sell("--pay", "cash", "--request-id", "abc-1")
    assert first.stdout.splitlines()[0] == again.stdout.splitlines()[0] == "R001-00000002"
    assert journal_count() == 2


BAD_SALES = [
    # (changed arguments, field label in Spanish, words of the reason)
    ({"--phone": "(01) 4567890"}, "celular", "9"),
    ({"--phone": "98765432"}, "celular", "8"),
    ({"--amount": "500"}, "monto", "S/ 300.00"),
    ({"--amount": "-5"}, "monto", "-5"),
    ({"--amount": "NaN"}, "monto", "NaN"),
    ({"--id": "dni:1234567"}, "documento", "8"),
    ({"--operator": "tigo"}, "operador", "Claro"),
    ({"--pay": "cash", "--tendered": "10"}, "recibido", "S/ 10.00"),
    ({"--pay": "card", "--card": "visa:4242424242424242:123456"}, "tarjeta", "4"),
    ({"--pay": "card", "--card": "visa:5555 5555 5555 4444:123456"}, "tarjeta", "4"),
    ({"--pay": "yape", "--op-number": "12"}, "número de operación", "4"),
    ({"--pay": "bitcoin"}, "pago", "Yape"),
]


def _sell_args(changes: dict[str, str]) -> list[str]:
    args = list(SELL)
    for option, value in changes.items():
        if option == "--id":
            continue  # given through the environment: see _sell_env
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    if "--pay" not in args:
        args += ["--pay", "cash"]
    return args


def _sell_env(changes: dict[str, str]) -> dict[str, str]:
    return {**JUAN, "POS_CUSTOMER_ID": changes.get("--id", JUAN["POS_CUSTOMER_ID"])}


@pytest.mark.parametrize(("changes", "label", "reason"), BAD_SALES)
def test_bad_sale_refused_in_spanish(staffed: Path, changes: dict[str, str], label: str,
                                     reason: str) -> None:
    result = pos(*_sell_args(changes), env=_sell_env(changes))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first.lower().startswith(label) and reason in first
    assert pos("history").stdout == ""
    assert journal_count() == 1


def test_bad_sale_refused_in_english(staffed: Path) -> None:
    set_config(staffed, 'locale = "es_PE"', 'locale = "en"')
    result = pos(*_sell_args({"--phone": "98765432"}), env=JUAN)
    assert result.exit_code == 2
    assert result.stderr == "phone: A mobile number has 9 digits and starts with 9 (8 typed).\n"
    result = pos(*_sell_args({"--pay": "cash", "--tendered": "10"}), env=JUAN)
    assert result.stderr.startswith("received: Received S/ 10.00 is less than")
    ok = sell("--pay", "cash", "--tendered", "50")
    assert ok.stdout.splitlines() == ["R001-00000002", "Change: S/ 30.00"]


def test_missing_id_when_required(staffed: Path) -> None:
    result = sell("--pay", "cash", env={"POS_PIN": "5678"})
    assert result.exit_code == 2 and "documento" in result.stderr
    set_config(staffed, "require_id = true", "require_id = false")
    assert sell("--pay", "cash", env={"POS_PIN": "5678"}).exit_code == 0


def test_wrong_pin(staffed: Path) -> None:
    result = sell("--pay", "cash", env={**JUAN, "POS_PIN": "0000"})
    assert result.exit_code == 2 and result.stderr.strip()
    assert journal_count() == 1


def test_missing_option_is_a_usage_error(staffed: Path) -> None:
    result = pos("sell", "--clerk", "Juan")
    # click's own errors in the clerk's language too (the shipped config is Spanish)
    assert result.exit_code == 2 and "Falta la opción '--operator'." in result.stderr


# -- void, history, verify, reprint, print queue ---------------------------------------------

def test_void_manager_only(staffed: Path) -> None:
    sell("--pay", "cash")
    by_clerk = pos("void", "R001-2", "--reason", "número equivocado", "--manager", "Juan",
                   env={"POS_MANAGER_PIN": "5678"})
    assert by_clerk.exit_code == 2 and "Juan" in by_clerk.stderr
    wrong_pin = pos("void", "R001-2", "--reason", "número equivocado", "--manager", "Rosa",
                    env={"POS_MANAGER_PIN": "9999"})
    assert wrong_pin.exit_code == 2
    assert journal_count() == 2
    ok = pos("void", "r001-2", "--reason", "número equivocado", "--manager", "Rosa", env=ROSA)
    assert (ok.exit_code, ok.stdout) == (0, "R001-00000003\n")
    twice = pos("void", "R001-2", "--reason", "otra vez", "--manager", "Rosa", env=ROSA)
    assert twice.exit_code == 2 and "R001-00000003" in twice.stderr
    bad = pos("void", "R001-x", "--reason", "error", "--manager", "Rosa", env=ROSA)
    assert bad.exit_code == 2 and bad.stderr.lower().startswith("ticket")
    assert journal_count() == 3


def test_history_filters(staffed: Path) -> None:
    sell("--pay", "cash")
    pos(*_sell_args({"--phone": "912345678", "--pay": "yape", "--op-number": "123456"}),
        env=JUAN)
    lines = pos("history").stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["R001-00000003", "R001-00000002"]
    assert lines[1].split("\t")[5:8] == ["987 654 321", "S/ 20.00", "cash"]
    by_phone = pos("history", "--phone", "+51 912 345 678").stdout.splitlines()
    assert [line.split("\t")[0] for line in by_phone] == ["R001-00000003"]
    today = lines[0].split("\t")[1][:10]
    assert len(pos("history", "--date", today).stdout.splitlines()) == 2
    assert pos("history", "--date", "2001-01-01").stdout == ""
    assert pos("history", "--date", today, "--phone", "987654321").stdout.count("\n") == 1
    assert pos("history", "--by-id", env={"POS_CUSTOMER_ID": "dni:45678912"}
               ).stdout.count("\n") == 2
    assert pos("history", "--id-stdin", input="dni:45678912\n").stdout.count("\n") == 2
    assert pos("history", "--by-id", env={"POS_CUSTOMER_ID": "dni:11111111"}).stdout == ""
    assert pos("history", "--ticket", "R00100000002").stdout.count("\n") == 1
    bad = pos("history", "--date", "25/11/2026")
    assert bad.exit_code == 2 and bad.stderr.startswith("fecha")
    assert pos("history", "--phone", "123").exit_code == 2


def test_verify(staffed: Path) -> None:
    sell("--pay", "cash")
    result = pos("verify")
    assert result.exit_code == 0
    assert result.stdout.startswith("OK: 2 asientos")
    assert result.stdout.splitlines()[1].startswith("R001\t")


def test_reprint(staffed: Path) -> None:
    sell("--pay", "cash")
    result = pos("reprint", "r001-2")
    assert (result.exit_code, result.stdout) == (0, "R001-00000002\n")
    text = pos("receipt-text", "receipts-out/printer.bin").stdout
    assert text.count("[barcode R001-00000002]") == 2
    assert "COPIA" in text
    missing = pos("reprint", "R001-00000009")
    assert missing.exit_code == 2 and "R001-00000009" in missing.stderr


def test_print_queue_when_the_printer_fails(staffed: Path) -> None:
    assert pos("print-queue").stdout == "La cola de impresión está vacía.\n"
    (staffed / "printer-offline").mkdir()  # a folder where the device should be: writes fail
    set_config(staffed, 'path = "receipts-out/printer.bin"', 'path = "printer-offline"')
    sold = sell("--pay", "cash")
    assert sold.exit_code == 3  # the sale is kept (3: done, slip not printed) …
    assert sold.stdout.splitlines()[0] == "R001-00000002"
    assert "pos reprint R001-00000002" in sold.stderr  # … and the receipt waits
    queue = pos("print-queue").stdout.splitlines()
    assert len(queue) == 1 and "\tR001-00000002\tsale\tfailed\t1" in queue[0]
    assert pos("print-queue", "--retry").exit_code == 1
    set_config(staffed, 'path = "printer-offline"', 'path = "receipts-out/printer.bin"')
    retried = pos("print-queue", "--retry")
    assert (retried.exit_code, retried.stdout) == (0, "R001-00000002\timpreso\n")
    assert pos("print-queue").stdout == "La cola de impresión está vacía.\n"
    assert "R001-00000002" in pos("print-queue", "--all").stdout
    assert journal_count() == 2


def test_receipt_text_refuses_other_files(shop_dir: Path) -> None:
    (shop_dir / "photo.jpg").write_bytes(os.urandom(64))
    result = pos("receipt-text", "photo.jpg")
    assert result.exit_code == 2  # not ESC/POS output (no ESC @): refused, no mojibake
    missing = pos("receipt-text", "nope.bin")
    assert missing.exit_code == 2


def test_broken_ledger_exit_1(shop_dir: Path) -> None:
    (shop_dir / "ledger.db").write_bytes(b"not a database at all" * 100)
    result = pos("history")
    assert result.exit_code == 1 and "ledger.db" in result.stderr


# -- the real entry point --------------------------------------------------------------------

def test_subprocess_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(shipped_config(), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "POS_CONFIG"}

    def run(*args: str, secrets: dict[str, str] | None = None,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, "-m", "pos.cli", *args], cwd=tmp_path,
                              env={**env, **(secrets or {})}, input=stdin,
                              capture_output=True, text=True, timeout=60, check=False)
        assert "Traceback" not in proc.stderr
        return proc

    assert run("clerk", "add", "Juan", "--role", "manager", "--pin-stdin",
               stdin="5678\n").returncode == 0
    no_shift = run(*SELL, "--pay", "cash", "--tendered", "50", secrets=JUAN)
    assert no_shift.returncode == 2 and "pos shift open" in no_shift.stderr
    assert no_shift.stderr.startswith("turno: No hay un turno abierto")
    assert run("shift", "open", "--clerk", "Juan", "--float", "50", secrets=JUAN
               ).returncode == 0
    sold = run(*SELL, "--pay", "cash", "--tendered", "50", secrets=JUAN)
    assert sold.returncode == 0, sold.stderr
    assert sold.stdout.splitlines() == ["R001-00000002", "Vuelto: S/ 30.00"]
    bad = run(*_sell_args({"--phone": "887654321"}), secrets=JUAN)
    assert bad.returncode == 2 and bad.stderr.startswith("celular:")
    assert run("verify").stdout.startswith("OK: 2 ")
