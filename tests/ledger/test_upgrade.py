"""A ledger written by the previous release still verifies after the migrations (issue 9)."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

V1 = Path(__file__).resolve().parents[1] / "fixtures" / "ledger_v1"


@pytest.fixture
def old_ledger(tmp_path: Path) -> Path:
    for name in ("ledger.db", "ledger.key", "ledger.key.R001.head"):
        shutil.copy2(V1 / name, tmp_path / name)
    (tmp_path / "ledger.key").chmod(0o600)
    return tmp_path


def test_previous_release_ledger_migrates_verifies_and_sells(old_ledger: Path,
                                                             make_settings: Any,
                                                             clock: Any) -> None:
    from pos.ledger.database import HEAD_REVISION, current_revision
    from pos.ledger.models import JournalEntry
    from pos.services import Shop

    clock.now = datetime(2026, 11, 29, 15, 0, tzinfo=timezone.utc)  # after its newest entry
    shop = Shop.open(make_settings(), clock=clock)
    try:
        assert current_revision(shop.engine) == HEAD_REVISION
        assert shop.integrity_problem is None
        result = shop.verify()
        assert result.entries == 7 and not result.unchecked
        with shop._reader() as s:
            old = list(s.exec(JournalEntry.__table__.select()).all())  # type: ignore[attr-defined]
        assert [row.period for row in old] == [None] * 7  # hashed as they were written
        # The old terminal goes on: a new shift, a sale in period 2 (after its one Z).
        juan = shop.login("Juan", "5678")
        shop.open_shift(juan, Decimal("50"), print_now=False)
        draft = shop.build_draft(operator="claro", phone="987654321", amount="10",
                                 method="cash", id_spec="dni:12345678")
        sale = shop.sell(juan, draft, print_now=False)
        assert sale.ticket == "R001-00000009"
        assert (sale.entry.business_date, sale.entry.period) == ("2026-11-29", 2)
        x = shop.report_x()
        assert x.z_number == 2 and x.sales_count == 2  # R001-00000007 and the new sale
        assert shop.verify().entries == 9
    finally:
        shop.close()
