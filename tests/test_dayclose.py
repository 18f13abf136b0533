"""Shifts, X/Z reports and the export on a real SQLite file (fixtures in tests/conftest.py)."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import Session, func, select

from pos.domain.errors import ValidationError
from pos.ledger.errors import DayClosedError
from pos.ledger.export import COLUMNS
from pos.ledger.models import JournalEntry
from pos.services import AuthError

D = Decimal
DAY = date(2026, 11, 25)  # FIXED_NOW in Lima


def sell(shop: Any, amount: str, method: str = "cash", tendered: str | None = None,
         operator: str = "claro", clerk: str = "Juan") -> Any:
    extra: dict[str, Any] = {}
    if method == "cash":
        extra["tendered"] = tendered or amount
    elif method == "card":
        extra["card_spec"] = "visa:4242:A1B2C3"
    else:
        extra["op_number"] = "12345678"
    draft = shop.build_draft(operator=operator, phone="987654321", amount=amount,
                             method=method, id_spec="dni:12345678", **extra)
    who = next(c for c in shop.clerks() if c.name == clerk)
    return shop.sell(who, draft, print_now=False)


def people(shop: Any) -> tuple[Any, Any]:
    return shop.login("Juan", "5678"), shop.login("Rosa", "1234", manager=True)


def journal_count(shop: Any) -> int:
    with Session(shop.engine) as s:
        return int(s.exec(select(func.count()).select_from(JournalEntry)).one())


# -- shifts -------------------------------------------------------------------------------


def test_shift_cash_arithmetic_counts_change_and_cash_voids(shop: Any) -> None:
    juan, rosa = people(shop)
    shift = shop.open_shift(juan, D("100"), print_now=False)
    assert shop.current_shift() == shift and shift.float_amount == D("100.00")
    sell(shop, "20", tendered="50")  # +50 in, 30 change out
    sell(shop, "10", method="card")  # no cash
    sell(shop, "15", method="yape")  # no cash
    small = sell(shop, "5", tendered="10")  # +10 in, 5 change out
    shop.void(small.ticket, "wrong number", rosa, print_now=False)  # 5 back to the customer
    closed = shop.close_shift(juan, D("120.50"), print_now=False)
    # 100 + (50 + 10) − (30 + 5) − 5 = 120
    assert closed.float_amount == D("100.00")
    assert closed.cash_received == D("60.00")
    assert closed.change_given == D("35.00")
    assert closed.cash_voids == D("5.00")
    assert closed.expected == D("120.00")
    assert closed.counted == D("120.50") and closed.difference == D("0.50")
    assert closed.sales_count == 4 and closed.open_ticket == shift.ticket
    assert closed.entry.kind == "shift_close" and closed.entry.amount_cents == 12050
    assert json.loads(closed.entry.data)["expected"] == 12000
    assert shop.current_shift() is None


def test_card_void_does_not_touch_the_drawer(shop: Any) -> None:
    juan, rosa = people(shop)
    shop.open_shift(juan, D("50"), print_now=False)
    card = sell(shop, "30", method="card")
    shop.void(card.ticket, "customer changed mind", rosa, print_now=False)
    closed = shop.close_shift(juan, D("50"), print_now=False)
    assert closed.cash_voids == D("0.00") and closed.expected == D("50.00")
    assert closed.difference == D("0.00")


def test_second_shift_uses_its_own_float_and_entries(shop: Any) -> None:
    juan, _rosa = people(shop)
    shop.open_shift(juan, D("100"), print_now=False)
    sell(shop, "20", tendered="20")
    shop.close_shift(juan, D("120"), print_now=False)
    shop.open_shift(juan, D("120"), print_now=False)
    sell(shop, "10", tendered="50")
    closed = shop.close_shift(juan, D("130"), print_now=False)
    assert closed.float_amount == D("120.00") and closed.cash_received == D("50.00")
    assert closed.expected == D("130.00")
    # The day: first float (100) plus the whole day's movement.
    x = shop.report_x()
    assert x.float_amount == D("100.00") and x.expected_cash == D("130.00")


def test_zero_sale_shift_close(shop: Any) -> None:
    juan, _ = people(shop)
    shop.open_shift(juan, D("80"), print_now=False)
    closed = shop.close_shift(juan, D("79"), print_now=False)
    assert closed.sales_count == 0 and closed.expected == D("80.00")
    assert closed.difference == D("-1.00")


def test_shift_rules(shop: Any) -> None:
    juan, _ = people(shop)
    with pytest.raises(ValidationError) as none_open:
        shop.close_shift(juan, D("0"))
    assert none_open.value.field == "counted"
    with pytest.raises(ValidationError):
        shop.open_shift(juan, D("-1"))
    shop.open_shift(juan, D("10"), print_now=False)
    with pytest.raises(ValidationError) as twice:
        shop.open_shift(juan, D("10"))
    assert twice.value.field == "float"


# -- X and Z ------------------------------------------------------------------------------


def test_x_changes_nothing_in_the_journal(shop: Any, printed: Callable[[], list[Any]]) -> None:
    sell(shop, "20", tendered="50")
    before = journal_count(shop)
    report = shop.report_x(print_now=True)
    assert journal_count(shop) == before
    assert report.kind == "x" and report.z_number is None and report.entry is None
    assert report.sales_count == 1 and report.day_total == D("20.00")
    assert report.print_outcome is not None and report.print_outcome.printed
    assert "REPORTE X" in printed()[-1].text


def test_z_figures_printed_and_chained(shop: Any, printed: Callable[[], list[Any]]) -> None:
    juan, rosa = people(shop)
    shop.open_shift(juan, D("100"), print_now=False)
    sell(shop, "20", tendered="50")
    sell(shop, "10", method="card", operator="movistar")
    bad = sell(shop, "5", tendered="5", operator="bitel")
    shop.void(bad.ticket, "wrong number", rosa, print_now=False)
    shop.close_shift(juan, D("120"), print_now=False)
    with pytest.raises(AuthError):
        shop.close_day(juan, D("120"))
    z = shop.close_day(rosa, D("118.00"))
    assert z.kind == "z" and z.z_number == 1 and z.business_date == DAY
    assert (z.sales_count, z.sales_total) == (3, D("35.00"))
    assert (z.voids_count, z.voids_total) == (1, D("-5.00"))
    assert z.day_total == D("30.00") and z.grand_total == D("30.00")
    assert z.expected_cash == D("120.00") and z.difference == D("-2.00")
    assert {n: (c, t) for n, c, t in z.by_method} == {
        "cash": (2, D("20.00")), "card": (1, D("10.00"))}
    assert {n: (c, t) for n, c, t in z.by_operator} == {
        "claro": (1, D("20.00")), "movistar": (1, D("10.00")), "bitel": (1, D("0.00"))}
    assert sum(t for _, _, t in z.by_clerk) == z.day_total
    assert z.entry.kind == "z" and z.entry.hash.startswith(z.chain_head)
    assert z.entry.amount_cents == 3000
    assert json.loads(z.entry.data)["grand_total"] == 3000
    slip = printed()[-1]
    assert "REPORTE Z" in slip.text and z.chain_head in slip.text
    assert slip.barcodes == (z.entry.ticket,)
    for figure in ("S/ 35.00", "-S/ 5.00", "S/ 30.00", "S/ 120.00", "S/ 118.00", "-S/ 2.00"):
        assert figure in slip.text, figure
    assert shop.verify().entries == journal_count(shop)
    lines = shop.report_lines(z)
    assert any("Efectivo esperado" in line and "S/ 120.00" in line for line in lines)


def test_zero_sale_z_and_numbering_and_grand_total(shop: Any, clock: Any) -> None:
    _juan, rosa = people(shop)
    first = shop.close_day(rosa, D("0"), print_now=False)
    assert first.z_number == 1 and first.sales_count == 0 and first.day_total == D("0.00")
    assert first.expected_cash == D("0.00") and first.difference == D("0.00")
    clock.now += timedelta(days=1)
    sell(shop, "20")
    sell(shop, "30")
    second = shop.close_day(rosa, None, print_now=False)
    assert second.z_number == 2 and second.counted is None and second.difference is None
    assert second.day_total == D("50.00") and second.grand_total == D("50.00")
    clock.now += timedelta(days=2)  # a day with sales but no Z in between
    sell(shop, "7")
    clock.now += timedelta(days=1)
    sell(shop, "3")
    # The forgotten day is closed first (never left open under a later Z), then today.
    third = shop.close_day(rosa, print_now=False)
    assert third.z_number == 3 and third.day_total == D("7.00")
    assert third.grand_total == D("57.00")
    fourth = shop.close_day(rosa, print_now=False)
    assert fourth.z_number == 4 and fourth.day_total == D("3.00")
    assert fourth.grand_total == D("60.00")


def test_sale_after_z_goes_to_next_day_and_db_refuses_closed_day(shop: Any) -> None:
    _juan, rosa = people(shop)
    sell(shop, "20")
    z = shop.close_day(rosa, D("20"), print_now=False)
    assert shop.today() == DAY + timedelta(days=1)
    after = sell(shop, "10")
    assert after.entry.business_date == (DAY + timedelta(days=1)).isoformat()
    assert shop.report_x(DAY).day_total == D("20.00")  # the closed day did not change
    # A Z right away would close tomorrow, which has a sale: allowed. A second one is not.
    z2 = shop.close_day(rosa, print_now=False)
    assert z2.business_date == DAY + timedelta(days=1) and z2.z_number == 2
    with pytest.raises(ValidationError):
        shop.close_day(rosa, print_now=False)
    # The database itself refuses an entry dated on a closed day.
    path = Path(shop.settings.ledger_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:
        with pytest.raises(sqlite3.DatabaseError, match="business day is closed"):
            conn.execute(
                "INSERT INTO journal_entry (series, seq, ticket, kind, created_at, "
                "business_date, clerk, amount_cents, prev_hash, hash) VALUES "
                "('R001', 99, 'R001-00000099', 'sale', 'x', ?, 'x', 1, 'x', 'x')",
                (DAY.isoformat(),))
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE journal_entry SET amount_cents = 0 WHERE ticket = ?",
                         (z.entry.ticket,))


def test_direct_append_on_closed_day_is_day_closed_error(shop: Any) -> None:
    from pos.ledger import journal

    _juan, rosa = people(shop)
    shop.close_day(rosa, print_now=False)
    with pytest.raises(DayClosedError):
        shop._write(lambda s: journal.append_entry(
            s, shop.key, series="R001", kind="sale", now=shop.clock(), tz=shop.tz,
            business_date=DAY.isoformat(), clerk="x", amount_cents=1))


def test_z_refused_while_a_shift_is_open(shop: Any) -> None:
    juan, rosa = people(shop)
    shop.open_shift(juan, D("10"), print_now=False)
    with pytest.raises(ValidationError):
        shop.close_day(rosa, D("10"))


def test_shop_report_sums_terminals(shop: Any, make_settings: Callable[..., Any],
                                    clock: Any) -> None:
    from pos.services import Shop

    sell(shop, "20")
    other = Shop.open(make_settings(shop={"series": "R002"}), clock=clock)
    try:
        rosa = other.login("Rosa", "1234", manager=True)
        draft = other.build_draft(operator="entel", phone="987654321", amount="30",
                                  method="yape", op_number="99887766", id_spec="dni:12345678")
        other.sell(rosa, draft, print_now=False)
        other.close_day(rosa, D("0"), print_now=False)
        report = other.shop_report(DAY)
    finally:
        other.close()
    assert report.series is None and report.sales_count == 2
    assert report.day_total == D("50.00") and report.grand_total == D("50.00")
    assert {n: t for n, _c, t in report.by_series} == {"R001": D("20.00"),
                                                              "R002": D("30.00")}
    assert report.counted is None  # R001 has not counted its drawer
    assert [s for s, _h in report.heads] == ["R001", "R002"]


# -- export -------------------------------------------------------------------------------


def _ledger_rows(shop: Any) -> list[JournalEntry]:
    with Session(shop.engine) as s:
        return list(s.exec(select(JournalEntry).order_by(JournalEntry.business_date,
                                                         JournalEntry.series,
                                                         JournalEntry.seq)).all())


def _money(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _compare(rows: list[dict[str, Any]], ledger: list[JournalEntry]) -> None:
    assert len(rows) == len(ledger)
    for row, entry in zip(rows, ledger, strict=True):
        assert row["ticket"] == entry.ticket and int(row["seq"]) == entry.seq
        assert row["kind"] == entry.kind and row["hash"] == entry.hash
        assert row["prev_hash"] == entry.prev_hash
        assert row["created_at_utc"] == entry.created_at
        assert row["business_date"] == entry.business_date
        if entry.kind in ("sale", "void"):
            assert Decimal(str(row["amount"])) == _money(entry.amount_cents)
        else:  # floats, counts and Z totals are figures in `data`, not sales to be summed
            assert row["amount"] in (None, "")
            assert row["data"] == entry.data
        for money, cents in (("tendered", entry.tendered_cents), ("change", entry.change_cents)):
            value = row[money]
            assert (None if value in (None, "") else Decimal(str(value))) == _money(cents)
        for name in ("clerk", "operator", "phone", "method", "card_last4", "card_auth",
                     "op_number", "id_masked", "ref_ticket", "reason"):
            assert (row[name] or None) == getattr(entry, name), name
        assert "id_digest" not in row and "id_number" not in row


@pytest.fixture
def busy_day(shop: Any) -> Any:
    juan, rosa = people(shop)
    shop.open_shift(juan, D("100"), print_now=False)
    sell(shop, "20", tendered="50")
    sell(shop, "10", method="card")
    y = sell(shop, "15", method="yape")
    shop.void(y.ticket, "=cmd|' /C calc'!A0 test", rosa, print_now=False)
    shop.close_shift(juan, D("100"), print_now=False)
    shop.close_day(rosa, D("100"), print_now=False)
    return shop


def test_export_csv_round_trip(busy_day: Any, tmp_path: Path) -> None:
    out = tmp_path / "day.csv"
    ticks: list[int] = []
    count = busy_day.export(DAY, DAY, "csv", out, progress=ticks.append)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert tuple(rows[0].keys()) == COLUMNS
    assert ticks[-1] == count == len(rows) == 7
    # Free text starting with "=" is defused for spreadsheets.
    void = next(r for r in rows if r["kind"] == "void")
    assert void["reason"].startswith("'=")
    void["reason"] = void["reason"][1:]
    assert rows[1]["amount"] == "20.00" and rows[1]["tendered"] == "50.00"
    _compare(rows, _ledger_rows(busy_day))


def test_export_json_round_trip(busy_day: Any, tmp_path: Path) -> None:
    out = tmp_path / "day.json"
    busy_day.export(DAY, DAY + timedelta(days=3), "json", out)
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert all(isinstance(r["amount"], str) for r in rows if r["kind"] in ("sale", "void"))
    _compare(rows, _ledger_rows(busy_day))


def test_export_xlsx_round_trip(busy_day: Any, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "day.xlsx"
    busy_day.export(DAY, DAY, "xlsx", out)
    sheet = openpyxl.load_workbook(out, read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == COLUMNS
    rows = [dict(zip(COLUMNS, v, strict=True)) for v in values[1:]]
    assert isinstance(rows[1]["amount"], (int, float))
    amount_cell = next(iter(openpyxl.load_workbook(out).active.iter_rows(min_row=3, max_row=3)))
    assert amount_cell[COLUMNS.index("amount")].number_format == "0.00"
    assert rows[1]["seq"] == 2
    for row in rows:  # numbers come back as floats; compare exactly at two decimals
        for money in ("amount", "tendered", "change"):
            if row[money] is not None:
                row[money] = f"{row[money]:.2f}"
    _compare(rows, _ledger_rows(busy_day))


def test_export_refuses_bad_input(shop: Any, tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        shop.export(DAY, DAY, "pdf", tmp_path / "x.pdf")
    with pytest.raises(ValidationError):
        shop.export(DAY, DAY - timedelta(days=1), "csv", tmp_path / "x.csv")
    with pytest.raises(ValidationError):
        shop.export(DAY, DAY, "csv", tmp_path / "missing" / "x.csv")


# -- CLI ----------------------------------------------------------------------------------


@pytest.fixture
def cli(shop: Any, tmp_path: Path) -> Callable[..., Any]:
    """Run `pos` against the shop's config (written as TOML next to the ledger)."""
    from pos.cli import main

    config = tmp_path / "config.toml"
    config.write_text(
        '[shop]\nname = "Bodega Doña Rosa"\nruc = "10456789019"\nseries = "R001"\n'
        '[ledger]\nurl = "sqlite:///ledger.db"\nkey_file = "ledger.key"\n'
        '[printer]\nkind = "file"\npath = "out/printer.bin"\n', encoding="utf-8")

    def run(*args: str, env: dict[str, str] | None = None) -> Any:
        return CliRunner().invoke(main, ["--config", str(config), *args], env=env)

    return run


def test_cli_shift_reports_close_day_and_export(cli: Callable[..., Any], tmp_path: Path) -> None:
    juan = {"POS_PIN": "5678", "POS_CUSTOMER_ID": "dni:12345678"}
    rosa = {"POS_MANAGER_PIN": "1234"}
    opened = cli("shift", "open", "--clerk", "Juan", "--float", "100", env=juan)
    assert opened.exit_code == 0, opened.output
    sold = cli("sell", "--clerk", "Juan", "--operator", "claro", "--phone",
               "987654321", "--amount", "20", "--pay", "cash", "--tendered", "50", env=juan)
    assert sold.exit_code == 0, sold.output
    closed = cli("shift", "close", "--clerk", "Juan", "--counted", "120", env=juan)
    assert closed.exit_code == 0 and "S/ 120.00" in closed.output
    x = cli("report", "x")
    assert x.exit_code == 0 and "REPORTE X" in x.output
    bad = cli("close-day", "--manager", "Rosa", "--counted", "doce", env=rosa)
    assert bad.exit_code == 2
    not_manager = cli("close-day", "--manager", "Juan", "--counted", "1",
                      env={"POS_MANAGER_PIN": "5678"})
    assert not_manager.exit_code == 2
    z = cli("close-day", "--manager", "Rosa", "--counted", "120", env=rosa)
    assert z.exit_code == 0, z.output
    assert "REPORTE Z" in z.output and "Número de Z" in z.output
    shop_wide = cli("report", "shop", "--date", DAY.isoformat())
    assert shop_wide.exit_code == 0 and "S/ 20.00" in shop_wide.output
    out = tmp_path / "e.csv"
    no_manager = cli("export", "--date", DAY.isoformat(), "--output", str(out))
    assert no_manager.exit_code == 2 and not out.exists()  # exports carry customer data
    exported = cli("export", "--date", DAY.isoformat(), "--format", "csv", "--output", str(out),
                   "--manager", "Rosa", env=rosa)
    assert exported.exit_code == 0, exported.output
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 1 + 4
    assert cli("export", "--date", "25/11/2026", "--output", str(out), "--manager", "Rosa",
               env=rosa).exit_code == 2
