"""Shifts, X/Z reports and the export on a real SQLite file (fixtures in tests/conftest.py)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import Session, func, select

from pos.domain.errors import ValidationError
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


@pytest.fixture
def shop(bare_shop: Any) -> Any:
    """This module opens its own shifts: a shop with none open."""
    return bare_shop


def test_sale_without_a_shift_is_refused_and_nothing_stored(shop: Any) -> None:
    with pytest.raises(ValidationError) as err:
        sell(shop, "20")
    assert err.value.field == "shift" and "pos shift open" in err.value.message
    assert journal_count(shop) == 0


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
    assert shop.shift_expected() == D("120.00")
    closed = shop.close_shift(juan, D("120.50"), print_now=False)
    # 100 + (50 + 10) − (30 + 5) − 5 = 120
    assert closed.float_amount == D("100.00")
    assert closed.cash_received == D("60.00")
    assert closed.change_given == D("35.00")
    assert closed.cash_voids == D("5.00")
    assert closed.expected == D("120.00")
    assert closed.counted == D("120.50") and closed.difference == D("0.50")
    assert closed.result == "surplus"
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
    assert closed.difference == D("0.00") and closed.result == "exact"


def test_cash_void_needs_an_open_shift_card_void_does_not(shop: Any) -> None:
    juan, rosa = people(shop)
    shop.open_shift(juan, D("50"), print_now=False)
    cash = sell(shop, "30", tendered="30")
    card = sell(shop, "10", method="card")
    shop.close_shift(juan, D("80"), print_now=False)
    before = journal_count(shop)
    with pytest.raises(ValidationError) as err:
        shop.void(cash.ticket, "wrong number", rosa, print_now=False)
    assert err.value.field == "shift"
    assert journal_count(shop) == before
    shop.void(card.ticket, "wrong number", rosa, print_now=False)  # no cash moves


def test_second_shift_uses_its_own_float_and_entries(shop: Any) -> None:
    juan, _rosa = people(shop)
    shop.open_shift(juan, D("100"), print_now=False)
    sell(shop, "20", tendered="20")
    first = shop.close_shift(juan, D("120"), print_now=False)
    shop.open_shift(juan, D("120"), print_now=False)
    sell(shop, "10", tendered="50")
    second = shop.close_shift(juan, D("130"), print_now=False)
    assert second.float_amount == D("120.00") and second.cash_received == D("50.00")
    assert second.expected == D("130.00")
    # The period: the sum of its shifts (each shift's drawer is counted and handed over).
    x = shop.report_x()
    assert x.float_amount == D("220.00") and x.shifts == 2
    assert x.expected_cash == first.expected + second.expected == D("250.00")
    assert x.counted == D("250.00") and x.difference == D("0.00") and x.result == "exact"


def test_zero_sale_shift_close_names_the_shortage(shop: Any, printed: Any) -> None:
    juan, _ = people(shop)
    shop.open_shift(juan, D("80"), print_now=False)
    closed = shop.close_shift(juan, D("79"))
    assert closed.sales_count == 0 and closed.expected == D("80.00")
    assert closed.difference == D("-1.00") and closed.result == "shortage"
    slip = printed()[-1]
    assert "Faltante" in slip.text and "S/ 1.00" in slip.text and "-S/ 1.00" not in slip.text


def test_shift_rules(shop: Any) -> None:
    juan, _ = people(shop)
    with pytest.raises(ValidationError) as none_open:
        shop.close_shift(juan, D("0"))
    assert none_open.value.field == "counted"
    with pytest.raises(ValidationError):
        shop.open_shift(juan, D("-1"))
    with pytest.raises(ValidationError):
        shop.open_shift(juan, D("10.001"))
    shop.open_shift(juan, D("10"), print_now=False)
    with pytest.raises(ValidationError) as twice:
        shop.open_shift(juan, D("10"))
    assert twice.value.field == "float"


def test_count_by_denomination(shop: Any, printed: Any) -> None:
    from pos.domain.cash import parse_count

    juan, _ = people(shop)
    shop.open_shift(juan, D("100"), print_now=False)
    sell(shop, "20", tendered="20")
    pieces = parse_count("100:1, 10:1, 5:1, 2:1, 1:1, 0.50:2, 0.20:4, 0.10:2")
    assert pieces == {10000: 1, 1000: 1, 500: 1, 200: 1, 100: 1, 50: 2, 20: 4, 10: 2}
    closed = shop.close_shift(juan, pieces=pieces)
    assert closed.counted == D("120.00") and closed.result == "exact"
    assert closed.pieces[0] == (D("100.00"), 1)
    assert json.loads(closed.entry.data)["pieces"][0] == [10, 2]
    assert "Conteo por denominación" in printed()[-1].text
    for bad in ("3:1", "100:x", "100", "500:1", "100:-1", "", "1e2:1"):
        with pytest.raises(ValidationError):
            parse_count(bad)
    shop.open_shift(juan, D("10"), print_now=False)
    with pytest.raises(ValidationError):  # the total and the pieces disagree
        shop.close_shift(juan, D("11"), pieces={1000: 1})


def test_difference_beyond_tolerance_needs_a_manager(shop: Any) -> None:
    juan, rosa = people(shop)
    shop.open_shift(juan, D("100"), print_now=False)
    sell(shop, "20", tendered="20")
    before = journal_count(shop)
    with pytest.raises(ValidationError) as err:  # S/ 5 short, tolerance S/ 2
        shop.close_shift(juan, D("115"), print_now=False)
    assert err.value.field == "manager" and "faltante" in err.value.message
    assert journal_count(shop) == before and shop.current_shift() is not None
    with pytest.raises(AuthError):
        shop.close_shift(juan, D("115"), manager=juan, print_now=False)
    closed = shop.close_shift(juan, D("115"), manager=rosa, print_now=False)
    assert closed.result == "shortage" and closed.authorised_by == "Rosa"
    assert json.loads(closed.entry.data)["authorised_by"] == "Rosa"
    # within the tolerance no manager is asked
    shop.open_shift(juan, D("10"), print_now=False)
    assert shop.close_shift(juan, D("12"), print_now=False).authorised_by is None


# -- pay-outs and pay-ins ----------------------------------------------------------------


def test_pay_out_and_pay_in(shop: Any, printed: Any) -> None:
    juan, rosa = people(shop)
    with pytest.raises(ValidationError) as no_shift:
        shop.pay_in(juan, D("10"), "sencillo para vuelto")
    assert no_shift.value.field == "shift"
    shop.open_shift(juan, D("100"), print_now=False)
    sell(shop, "20", tendered="50")
    with pytest.raises(AuthError):  # a clerk cannot authorise money out
        shop.pay_out(juan, D("30"), "compra de bolsas", juan)
    before = journal_count(shop)
    for amount, reason in ((D("30"), "no"), (D("0"), "compra"), (D("-5"), "compra"),
                           (D("30"), "4242 4242 4242 4242"), (D("500"), "demasiado")):
        with pytest.raises(ValidationError):
            shop.pay_out(juan, amount, reason, rosa)
    assert journal_count(shop) == before
    out = shop.pay_out(juan, D("30"), "compra de bolsas", rosa)
    assert out.amount == D("-30.00") and out.entry.kind == "pay_out"
    assert out.entry.amount_cents == -3000 and out.entry.reason == "compra de bolsas"
    slip = printed()[-1]
    assert "RETIRO DE CAJA" in slip.text and "compra de bolsas" in slip.text
    assert "Rosa" in slip.text and slip.barcodes == (out.entry.ticket,)
    moved_in = shop.pay_in(juan, D("10.50"), "sencillo para vuelto")
    assert moved_in.amount == D("10.50") and "INGRESO A CAJA" in printed()[-1].text
    # 100 + 50 − 30 − 30 + 10.50 = 100.50
    assert shop.shift_expected() == D("100.50")
    closed = shop.close_shift(juan, D("100.50"), print_now=False)
    assert (closed.payouts, closed.payins, closed.expected) == (D("30.00"), D("10.50"),
                                                              D("100.50"))
    z = shop.close_day(rosa, print_now=False)
    assert (z.payouts, z.payins, z.expected_cash) == (D("30.00"), D("10.50"), D("100.50"))
    assert z.day_total == D("20.00")  # cash movements are not sales
    assert shop.verify().entries == journal_count(shop)


# -- X and Z ------------------------------------------------------------------------------


def test_the_drawer_has_one_expected_figure_everywhere(shop: Any, printed: Any) -> None:
    """The reported scenario: float 100, four sales, X, shift counted 118, Z."""
    juan, rosa = people(shop)
    shop.open_shift(juan, D("100"), print_now=False)
    for amount in ("5", "5", "5", "5"):
        sell(shop, amount, tendered="10")  # +10 in, 5 back each: +5 net
    x = shop.report_x(print_now=True)
    assert x.expected_cash == D("120.00") and "REPORTE X" in printed()[-1].text
    closed = shop.close_shift(juan, D("118"))
    assert closed.expected == D("120.00") and closed.result == "shortage"
    shift_slip = printed()[-1].text
    assert "Faltante (hay de menos)" in shift_slip and "S/ 2.00" in shift_slip
    assert "Sobrante" not in shift_slip
    z = shop.close_day(rosa)
    assert z.expected_cash == D("120.00") and z.counted == D("118.00")
    assert z.difference == D("-2.00") and z.result == "shortage"
    z_slip = printed()[-1].text
    assert "Faltante (hay de menos)" in z_slip and "S/ 120.00" in z_slip
    day = shop.shop_report(DAY)
    assert day.expected_cash == D("120.00") and day.counted == D("118.00")
    assert shop.report_x(DAY).expected_cash == D("120.00")


def test_x_changes_nothing_in_the_journal(shop: Any, printed: Callable[[], list[Any]]) -> None:
    juan, _ = people(shop)
    shop.open_shift(juan, D("0"), print_now=False)
    sell(shop, "20", tendered="50")
    before = journal_count(shop)
    report = shop.report_x(print_now=True)
    assert journal_count(shop) == before
    assert report.kind == "x" and report.z_number == 1 and report.entry is None
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
    shop.close_shift(juan, D("118"), print_now=False)
    with pytest.raises(AuthError):
        shop.close_day(juan)
    z = shop.close_day(rosa)
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
    assert z.entry.amount_cents == 3000 and z.entry.period == 1
    data = json.loads(z.entry.data)
    assert data["grand_total"] == 3000 and data["z_number"] == 1
    assert data["first_at"] <= data["last_at"]
    slip = printed()[-1]
    assert "REPORTE Z" in slip.text and z.chain_head in slip.text
    assert "Desde" in slip.text and "Hasta" in slip.text
    assert slip.barcodes == (z.entry.ticket,)
    for figure in ("S/ 35.00", "-S/ 5.00", "S/ 30.00", "S/ 120.00", "S/ 118.00", "S/ 2.00"):
        assert figure in slip.text, figure
    assert shop.verify().entries == journal_count(shop)
    lines = shop.report_lines(z)
    assert any("Efectivo esperado" in line and "S/ 120.00" in line for line in lines)


def test_two_zs_on_one_day_keep_the_real_date(shop: Any, clock: Any) -> None:
    juan, rosa = people(shop)
    tickets = []
    for z_number in (1, 2):
        shop.open_shift(juan, D("0"), print_now=False)
        tickets.append(sell(shop, "10").ticket)
        shop.close_shift(juan, D("10"), print_now=False)
        z = shop.close_day(rosa, print_now=False)
        assert z.z_number == z_number and z.business_date == DAY
        assert z.sales_count == 1 and z.day_total == D("10.00")
        assert z.grand_total == D("10.00") * z_number
        clock.now += timedelta(minutes=5)
    # Nothing is pushed to later dates: today's sales stay today's, in history and export.
    shop.open_shift(juan, D("0"), print_now=False)
    late = sell(shop, "10")
    assert late.entry.business_date == DAY.isoformat() and late.entry.period == 3
    assert shop.today() == DAY
    assert [v.ticket for v in shop.history(day=DAY)] == [late.ticket, *reversed(tickets)]
    # A Z with nothing to close is refused.
    shop.close_shift(juan, D("10"), print_now=False)
    shop.close_day(rosa, print_now=False)
    with pytest.raises(ValidationError) as empty:
        shop.close_day(rosa, print_now=False)
    assert empty.value.field == "date"


def test_z_refused_while_a_shift_is_open_unless_given_the_count(shop: Any) -> None:
    juan, rosa = people(shop)
    shop.open_shift(juan, D("10"), print_now=False)
    sell(shop, "5", tendered="5")
    with pytest.raises(ValidationError):
        shop.close_day(rosa)
    z = shop.close_day(rosa, D("15"), print_now=False)  # closes the shift with that count
    assert shop.current_shift() is None
    assert z.counted == D("15.00") and z.result == "exact"
    shop.open_shift(juan, D("1"), print_now=False)
    shop.close_shift(juan, D("1"), print_now=False)
    with pytest.raises(ValidationError) as err:  # no shift open: nothing to count at Z
        shop.close_day(rosa, D("1"))
    assert err.value.field == "counted" and shop.close_day(rosa, print_now=False).z_number == 2


def test_z_without_any_shift_and_numbering(shop: Any, clock: Any) -> None:
    _juan, rosa = people(shop)
    with pytest.raises(ValidationError):  # nothing at all to close
        shop.close_day(rosa, print_now=False)
    shop.open_shift(rosa, D("0"), print_now=False)
    shop.close_shift(rosa, D("0"), print_now=False)
    first = shop.close_day(rosa, print_now=False)
    assert first.z_number == 1 and first.sales_count == 0 and first.day_total == D("0.00")
    assert first.expected_cash == D("0.00") and first.difference == D("0.00")


def test_shop_report_sums_terminals(shop: Any, make_settings: Callable[..., Any],
                                    clock: Any) -> None:
    from pos.services import Shop

    juan, _ = people(shop)
    shop.open_shift(juan, D("0"), print_now=False)
    sell(shop, "20")
    other = Shop.open(make_settings(shop={"series": "R002"}), clock=clock)
    try:
        rosa = other.login("Rosa", "1234", manager=True)
        other.open_shift(rosa, D("5"), print_now=False)
        draft = other.build_draft(operator="entel", phone="987654321", amount="30",
                                  method="yape", op_number="99887766", id_spec="dni:12345678")
        other.sell(rosa, draft, print_now=False)
        other.close_day(rosa, D("5"), print_now=False)
        report = other.shop_report(DAY)
    finally:
        other.close()
    assert report.series is None and report.sales_count == 2
    assert report.day_total == D("50.00") and report.grand_total == D("50.00")
    assert {n: t for n, _c, t in report.by_series} == {"R001": D("20.00"),
                                                              "R002": D("30.00")}
    assert report.float_amount == D("5.00") and report.expected_cash == D("25.00")
    assert report.counted == D("5.00")  # only R002 counted its drawer
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
    shop.close_shift(juan, D("120"), print_now=False)
    shop.close_day(rosa, print_now=False)
    return shop


def test_export_csv_round_trip(busy_day: Any, tmp_path: Path) -> None:
    out = tmp_path / "day.csv"
    ticks: list[int] = []
    count = busy_day.export(DAY, DAY, "csv", out, progress=ticks.append, headers="machine")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert tuple(rows[0].keys()) == COLUMNS
    for row in rows:  # identifiers are written so that no spreadsheet reads them as numbers
        row["phone"] = row["phone"].replace(" ", "")
        row["card_last4"] = row["card_last4"].removeprefix("****")
        row["op_number"] = row["op_number"].removeprefix("#")
        row["card_auth"] = row["card_auth"].removeprefix("#")
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
    busy_day.export(DAY, DAY, "xlsx", out, headers="machine")
    sheet = openpyxl.load_workbook(out, read_only=True)["journal"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == COLUMNS
    rows = [dict(zip(COLUMNS, v, strict=True)) for v in values[1:]]
    for row in rows:  # dates and times are date cells: back to the ledger's text to compare
        row["business_date"] = row["business_date"].date().isoformat()
        assert row["created_at_utc"].replace(microsecond=0) == row["created_at_utc"]
        row["created_at_utc"] = next(e.created_at for e in _ledger_rows(busy_day)
                                     if e.ticket == row["ticket"]
                                     and e.created_at.startswith(
                                         row["created_at_utc"].strftime("%Y-%m-%dT%H:%M:%S")))
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
    # A missing folder is created (owner-only, like every file the app makes).
    shop.export(DAY, DAY, "csv", tmp_path / "missing" / "x.csv")
    assert (tmp_path / "missing" / "x.csv").is_file()


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
    counted_again = cli("close-day", "--manager", "Rosa", "--counted", "120", env=rosa)
    assert counted_again.exit_code == 2 and "sin conteo" in counted_again.output
    z = cli("close-day", "--manager", "Rosa", env=rosa)
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


def test_the_screen_shows_the_paper(shop: Any, printed: Callable[[], list[Any]]) -> None:
    """Issue 14: the X/Z shown on screen is the printed slip, decoded from the same bytes."""
    juan, rosa = people(shop)
    shop.open_shift(juan, D("10"), print_now=False)
    sell(shop, "20", tendered="50")
    x = shop.report_x(print_now=True)
    assert shop.report_lines(x) == list(printed()[-1].lines)
    z = shop.close_day(rosa, D("30"))
    assert shop.report_lines(z) == list(printed()[-1].lines)
    assert any("Código de cadena" in line for line in shop.report_lines(z))
