"""Bad input, end to end through the real CLI: a clear message, exit 2, no traceback, and
nothing stored.

Exit codes (pos/cli.py): 2 = the input is wrong (a field, a login, a usage error);
1 = the input was fine but the shop could not do it (ledger or printer fault, failed check).
A value the rules legitimately accept (a clerk named "NaN", a Yape operation number that
happens to pass the Luhn check) must instead be stored exactly once: see ACCEPTED.
"""

from __future__ import annotations

from tests.conftest import open_test_shift

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.faults.crash import write_config

NASTY: list[str] = [
    "", " ", "9" * 500, "１２３", "٢٠", "-5", "1e3", "NaN", "Infinity",
    "'; DROP TABLE journal_entry; --", "\x00", "\x1b[31m", "9876\n54321",
    "4242424242424242", "20.555",
]
# Option -> extra values that only make sense to try on that option.
EXTRA: dict[str, list[str]] = {
    "--phone": ["+1 987654321", "987654321987654321", "98765432１", "812345678"],
    "--amount": ["0", "0.00", "301", "20,555", "S/ -5", "1_000", "0x14", "20 ", "2.0e1"],
    "--tendered": ["5", "19.99", "1000000"],
    "--id": ["dni:", "dni:1234567", "dni:１２３４５６７８", "ce:12", "xx:12345678",
             "dni:12345678:9", "passport:'; --"],
    "--card": ["visa:4242:", "visa::A1B2C3", "visa:424:A1B2C3", "visa:4242424242424242:1",
               "cash:4242:A1B2C3", "visa:4242:A1B2C3:X", "4242 4242 4242 4242:4242:AB12"],
    "--op-number": ["123", "abc12345", "9" * 21],
    "--operator": ["0", "5", "claro ", "CLARO\x00"],
    "--pay": ["CASH;", "CASH ", "efectivo\x00"],
    "--request-id": ["abc\n", "a" * 65, "a b", "ok-1"],
}

VALID_SELL = {
    "--clerk": "Juan", "--pin": "5678", "--operator": "claro", "--phone": "987654321",
    "--amount": "20", "--id": "dni:12345678", "--pay": "cash",
}
BASE_FOR = {  # the option is only read with these payments
    "--tendered": {"--pay": "cash"},
    "--card": {"--pay": "card", "--card": "visa:4242:A1B2C3"},
    "--op-number": {"--pay": "yape", "--op-number": "12345678"},
}
# (command, option, value) the rules accept on purpose: stored, exactly once.
ACCEPTED: set[tuple[str, str, str]] = {
    # A Luhn-valid 13-19 digit run is a full card number wherever it is typed (issue 10):
    # refused as an operation number and as a clerk name.
    ("sell", "--op-number", "9876\n54321"),  # whitespace is dropped: stored as 987654321
    # Idempotency keys: 1-64 of [A-Za-z0-9._:-], not starting with a sign.
    ("sell", "--request-id", "1e3"), ("sell", "--request-id", "NaN"),
    ("sell", "--request-id", "Infinity"), ("sell", "--request-id", "20.555"),
    ("sell", "--request-id", "4242424242424242"), ("sell", "--request-id", "ok-1"),
    ("sell", "--pay", "CASH "),  # case and surrounding spaces do not matter
    ("sell", "--operator", "claro "),
    ("sell", "--amount", "20 "),
    ("void", "--reason", "'; DROP TABLE journal_entry; --"),  # stored as text, harmlessly
    ("void", "--reason", "9876\n54321"),  # whitespace folds to one line
    ("void", "--reason", "1e3"), ("void", "--reason", "NaN"),
    ("void", "--reason", "Infinity"), ("void", "--reason", "20.555"),
    ("void", "--reason", "１２３"),
    ("clerk add", "NAME", "'; DROP TABLE journal_entry; --"),
    ("clerk add", "NAME", "１２３"), ("clerk add", "NAME", "٢٠"),
    ("clerk add", "NAME", "1e3"), ("clerk add", "NAME", "NaN"),
    ("clerk add", "NAME", "Infinity"), ("clerk add", "NAME", "20.555"),
    ("clerk add", "NAME", "-5"),
    # PINs are read one a line from stdin: the PIN is the first line, 9876.
    ("clerk add", "--pin", "9876\n54321"),
}


def _ids(values: list[str]) -> list[str]:
    return [repr(v)[:24] for v in values]


@dataclass
class Ledger:
    config: Path
    db: Path

    def count(self, table: str = "journal_entry") -> int:
        conn = sqlite3.connect(self.db)
        try:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        finally:
            conn.close()

    def counts(self) -> tuple[int, int, int]:
        return self.count(), self.count("print_job"), self.count("clerk")

    def sale(self) -> str:
        """A fresh, unvoided sale (in-process: no login, no subprocess)."""
        from pos.config import load_settings
        from pos.services import ClerkView, Shop

        shop = Shop.open(load_settings(self.config))
        try:
            draft = shop.build_draft(operator="claro", phone="987654321", amount="10",
                                     method="cash", id_spec="dni:12345678")
            return shop.sell(ClerkView("Juan", "clerk"), draft, print_now=False).ticket
        finally:
            shop.close()


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    from pos.config import load_settings
    from pos.services import Shop

    folder = tmp_path_factory.mktemp("badinput")
    # Hundreds of deliberately wrong PINs follow: a generous lockout, and no delay.
    config = write_config(folder, security={"max_failures": 50, "lockout_minutes": 1,
                                            "failure_delay": 0})
    shop = Shop.open(load_settings(config))
    rosa = shop.add_clerk("Rosa", "manager", "1234")
    shop.add_clerk("Juan", "clerk", "5678", by=rosa)
    open_test_shift(shop)
    shop.close()
    made = Ledger(config, folder / "ledger.db")
    made.sale()
    yield made


def pos(ledger: Ledger, *args: str) -> Result:
    """`pos --config … ARGS` in-process; an exception escaping the CLI fails the test."""
    from pos.cli import main

    args, stdin = _secrets_to_stdin(list(args))
    runner = CliRunner()
    result = runner.invoke(main, ["--config", str(ledger.config), *args], input=stdin,
                           catch_exceptions=False)
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything, everything
    assert "Unexpected error" not in everything and "inesperado" not in everything, everything
    return result


def _secrets_to_stdin(args: list[str]) -> tuple[list[str], str | None]:
    """PINs and ID documents never go on the command line: the cases below name them as
    `--pin VALUE` / `--id VALUE` for readability, and they reach the program on stdin
    (`--pin-stdin`, `--id-stdin`: one line each, PINs first). A void's `--clerk` is its
    authorising manager; `clerk add` is authorised by Rosa."""
    lines: list[str] = []
    out: list[str] = []
    document: str | None = None
    i = 0
    while i < len(args):
        if args[i] == "--pin" and i + 1 < len(args):
            lines.append(args[i + 1])
            out.append("--pin-stdin")
            i += 2
        elif args[i] == "--id" and i + 1 < len(args) and args[0] != "history":
            document = args[i + 1]
            i += 2
        elif args[i] == "--id" and i + 1 < len(args):
            document = args[i + 1]
            out.append("--id-stdin")
            i += 2
        else:
            out.append(args[i])
            i += 1
    if out[0] == "void" and "--clerk" in out:
        out[out.index("--clerk")] = "--manager"
    if out[:2] == ["clerk", "add"]:
        out[2:2] = ["--manager", "Rosa"]
        lines.insert(0, "1234")
    if document is not None:
        lines.append(document)
        if out[0] == "sell":
            out.append("--id-stdin")
    return out, "".join(f"{line}\n" for line in lines) if lines else None


def refused(ledger: Ledger, before: tuple[int, int, int], result: Result) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.strip(), "no message for the clerk"
    assert not result.stdout.strip() or "R001-" not in result.stdout, result.stdout
    assert ledger.counts() == before, "something was stored"


def sell_args(option: str, value: str) -> list[str]:
    fields = {**VALID_SELL, **BASE_FOR.get(option, {}), option: value}
    return ["sell", *[part for item in fields.items() for part in item]]


SELL_CASES = [(option, value) for option in
              [*VALID_SELL, "--tendered", "--card", "--op-number", "--request-id"]
              for value in NASTY + EXTRA.get(option, [])]


@pytest.mark.parametrize(("option", "value"), SELL_CASES,
                         ids=[f"{o}={v!r}"[:40] for o, v in SELL_CASES])
def test_sell_refuses_bad_field(ledger: Ledger, option: str, value: str) -> None:
    before = ledger.counts()
    result = pos(ledger, *sell_args(option, value))
    if ("sell", option, value) in ACCEPTED:
        assert result.exit_code == 0, result.stderr
        ticket = result.stdout.splitlines()[0]
        assert ledger.counts()[:2] == (before[0] + 1, before[1] + 1)
        assert ticket == f"R001-{ledger.count():08d}"
        return
    refused(ledger, before, result)


@pytest.mark.parametrize("option", ["TICKET", "--reason", "--clerk", "--pin"])
@pytest.mark.parametrize("value", NASTY, ids=_ids(NASTY))
def test_void_refuses_bad_field(ledger: Ledger, option: str, value: str) -> None:
    ticket = ledger.sale()
    fields = {"TICKET": ticket, "--reason": "wrong number", "--clerk": "Rosa", "--pin": "1234",
              option: value}
    args = ["void", fields.pop("TICKET"), *[p for item in fields.items() for p in item]]
    before = ledger.counts()
    result = pos(ledger, *args)
    if ("void", option, value) in ACCEPTED:
        assert result.exit_code == 0, result.stderr
        assert ledger.count() == before[0] + 1
        return
    refused(ledger, before, result)


def test_void_refuses_a_clerk_and_a_second_void(ledger: Ledger) -> None:
    ticket = ledger.sale()
    before = ledger.counts()
    refused(ledger, before, pos(ledger, "void", ticket, "--reason", "wrong number",
                                "--clerk", "Juan", "--pin", "5678"))
    assert pos(ledger, "void", ticket, "--reason", "wrong number", "--clerk", "Rosa",
               "--pin", "1234").exit_code == 0
    before = ledger.counts()
    refused(ledger, before, pos(ledger, "void", ticket, "--reason", "again", "--clerk", "Rosa",
                                "--pin", "1234"))


@pytest.mark.parametrize("option", ["--date", "--phone", "--ticket", "--id"])
@pytest.mark.parametrize("value", NASTY, ids=_ids(NASTY))
def test_history_refuses_bad_filter(ledger: Ledger, option: str, value: str) -> None:
    before = ledger.counts()
    refused(ledger, before, pos(ledger, "history", option, value))


@pytest.mark.parametrize("value", NASTY + ["R001-999999999", "R001-00000000x", "X-1"],
                         ids=_ids(NASTY + ["R001-999999999", "R001-00000000x", "X-1"]))
def test_reprint_refuses_bad_ticket(ledger: Ledger, value: str) -> None:
    before = ledger.counts()
    refused(ledger, before, pos(ledger, "reprint", value))


def test_reprint_of_an_unknown_ticket(ledger: Ledger) -> None:
    before = ledger.counts()
    refused(ledger, before, pos(ledger, "reprint", "R001-09999999"))


@pytest.mark.parametrize("option", ["NAME", "--role", "--pin"])
@pytest.mark.parametrize("value", NASTY, ids=_ids(NASTY))
def test_clerk_add_refuses_bad_field(ledger: Ledger, option: str, value: str) -> None:
    fields = {"NAME": f"Ana{abs(hash((option, value))) % 10**6}", "--role": "clerk",
              "--pin": "2468", option: value}
    name = fields.pop("NAME")
    # `--` so that a NAME such as "-5" is a name, not an unknown option.
    args = ["clerk", "add", *[p for item in fields.items() for p in item], "--", name]
    before = ledger.counts()
    result = pos(ledger, *args)
    if ("clerk add", option, value) in ACCEPTED:
        assert result.exit_code == 0, result.stderr
        assert ledger.count("clerk") == before[2] + 1
        return
    refused(ledger, before, result)


GARBAGE_FILES: dict[str, bytes] = {
    "empty": b"",
    "random": bytes(range(256)) * 8,
    "lone-escape": b"\x1b",
    "truncated-command": b"\x1b@\x1dk",
    "huge-raster": b"\x1b@\x1dv0\x00\xff\xff\xff\xff",
    "utf8-text": "¡Hola! ñandú ١٢٣\x00".encode(),
}


@pytest.mark.parametrize("name", list(GARBAGE_FILES))
def test_receipt_text_on_garbage(ledger: Ledger, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.bin"
    path.write_bytes(GARBAGE_FILES[name])
    before = ledger.counts()
    result = pos(ledger, "receipt-text", str(path))
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    if result.exit_code == 2:
        assert result.stderr.strip()
    assert ledger.counts() == before


def test_receipt_text_on_a_folder_and_a_missing_file(ledger: Ledger, tmp_path: Path) -> None:
    for target in (str(tmp_path), str(tmp_path / "missing.bin")):
        result = pos(ledger, "receipt-text", target)
        assert result.exit_code == 2 and result.stderr.strip()


# -- Hypothesis: any text in any sell field ---------------------------------------------------

SELL_FIELDS = ["--clerk", "--pin", "--operator", "--phone", "--amount", "--id", "--pay",
               "--tendered", "--card", "--op-number"]
VALID_EXTRA = {"--tendered": "50", "--card": "visa:4242:A1B2C3", "--op-number": "12345678"}
nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="ascii"), max_size=20),
    st.from_regex(r"[0-9.,eE+\- ]{0,12}", fullmatch=True),
)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_sell_any_text(ledger: Ledger, data: Any) -> None:
    """Whatever is typed: a sale stored exactly once with its ticket first, or exit 2 and
    nothing stored."""
    fields = dict(VALID_SELL)
    fields["--pay"] = data.draw(st.sampled_from(["cash", "card", "yape", "plin"]), "pay")
    fields[{"card": "--card", "yape": "--op-number", "plin": "--op-number"}.get(
        fields["--pay"], "--tendered")] = VALID_EXTRA[{"card": "--card", "yape": "--op-number",
                                                       "plin": "--op-number"}.get(
        fields["--pay"], "--tendered")]
    bad = data.draw(st.lists(st.sampled_from(SELL_FIELDS), min_size=1, max_size=3, unique=True),
                    "bad fields")
    for option in bad:
        fields[option] = data.draw(nasty_text, option)
    before = ledger.counts()
    result = pos(ledger, "sell", *[p for item in fields.items() for p in item])
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    if result.exit_code == 0:
        ticket = result.stdout.splitlines()[0]
        assert ticket == f"R001-{ledger.count():08d}"
        assert ledger.counts()[:2] == (before[0] + 1, before[1] + 1)
        assert "4242424242424242" not in ledger_text(ledger, ticket)
    else:
        refused(ledger, before, result)


def ledger_text(ledger: Ledger, ticket: str) -> str:
    conn = sqlite3.connect(ledger.db)
    try:
        row = conn.execute("SELECT * FROM journal_entry WHERE ticket = ?", (ticket,)).fetchone()
        return " ".join(str(v) for v in row)
    finally:
        conn.close()
