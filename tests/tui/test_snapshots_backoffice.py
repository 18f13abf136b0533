"""Snapshots at 80×24 of the manager's back office (issue 14): the manager PIN prompt, the
back office with its print queue, and the export prompt.

Update with `pytest tests/tui/test_snapshots_backoffice.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tests.tui.conftest import FAST_CASH_SALE, SIZE
from tests.tui.test_snapshots import steps


@pytest.fixture
def office_shop(make_settings: Any, clock: Any, tmp_path: Any) -> Iterator[Any]:
    from pos.i18n import set_locale
    from pos.services import Shop

    set_locale("es_PE")
    (tmp_path / "ledger.key").write_text("5e" * 32 + "\n")
    # A key without its ledger is refused (never a silent new ledger): start an empty one.
    (tmp_path / "ledger.db").touch()
    (tmp_path / "out").write_text("not a folder")  # the printer fails: one job waits
    shop = Shop.open(make_settings(), clock=clock)
    rosa = shop.add_clerk("Rosa", "manager", "1234")
    shop.open_shift(rosa, Decimal("100"), print_now=False)
    yield shop
    shop.close()


class TestBackOffice:
    def test_manager_pin(self, snap_compare: Any, office_shop: Any, make_app: Any) -> None:
        app = make_app(office_shop)
        assert snap_compare(app, terminal_size=SIZE, run_before=steps("ctrl+o"))

    def test_print_queue(self, snap_compare: Any, office_shop: Any, make_app: Any) -> None:
        app = make_app(office_shop)
        assert snap_compare(app, terminal_size=SIZE, run_before=steps(
            *FAST_CASH_SALE, "escape", "ctrl+o", "enter", *"1234", "enter"))

    def test_export_prompt(self, snap_compare: Any, office_shop: Any, make_app: Any) -> None:
        app = make_app(office_shop)
        open_prompt = steps("ctrl+o", "enter", *"1234", "enter", then="e")

        async def run_before(pilot: Any) -> None:
            await open_prompt(pilot)
            # The offered path is in the test's temporary folder: a fixed one on the picture.
            pilot.app.screen.query_one("#field-path").value = "export-2026-11-25.csv"
            await pilot.pause()

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
