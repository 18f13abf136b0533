"""Every label, hint and refusal on the sale screen fits one line at 80×24 (issue 14): a
line wrapped mid-phrase is read wrong at the counter."""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len

from tests.tui.conftest import SIZE, login, pilot_test

PHONE, DNI = list("987654321"), list("45678912")
# Key sequences that show each field current, and each refusal written under a field.
WALKS = [
    [], ["7"], ["1"], ["1", "8"], ["1", *PHONE], ["1", *PHONE, "1"], ["1", *PHONE, "enter"],
    ["1", *PHONE, "enter", *"500"], ["1", *PHONE, "enter", *"20.505"],
    ["1", *PHONE, "enter", "a"], ["1", *PHONE, "f2"], ["1", *PHONE, "f2", "A"],
    ["1", *PHONE, "f2", *"00000000"], ["1", *PHONE, "f2", *DNI, "9"],
    ["1", *PHONE, "f2", "enter"], ["1", *PHONE, "f2", "f2", *"1234", "enter"],
    ["1", *PHONE, "f2", *DNI, "enter"], ["1", *PHONE, "f2", *DNI, "enter", *"5", "enter"],
    ["1", *PHONE, "f2", *DNI, "enter", "f2"], ["1", *PHONE, "f2", *DNI, "enter", "f2", "9"],
    ["1", *PHONE, "f2", *DNI, "enter", "f2", "1", *"41111"],
    ["1", *PHONE, "f2", *DNI, "enter", "f2", "1", *"4242", "enter", *"12", "enter"],
    ["1", *PHONE, "f2", *DNI, "enter", "f3", *"12", "enter"],
]


@pytest.mark.parametrize("locale", ["es_PE", "en"])
@pilot_test
async def test_sale_screen_lines_fit_80_columns(shop: Any, make_app: Any,
                                                locale: str) -> None:
    from pos.i18n import set_locale
    from pos.tui.screens.sale import FieldRow

    set_locale(locale)
    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        for keys in WALKS:
            await pilot.press("ctrl+n")
            await pilot.press(*keys)
            for row in app.screen.query(FieldRow):
                if not row.display:
                    continue
                width = row.content_region.width
                for line in str(row.render()).splitlines():
                    assert cell_len(line.rstrip()) <= width, (keys, line, width)
