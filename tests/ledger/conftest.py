"""Ledger fixtures: a shop with sales made the real way, through Shop.sell."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

PHONES = ["987654321", "912345678", "998877665", "955443322", "961234567"]


def sell_some(shop: Any, count: int, clerk: str = "Juan") -> list[str]:
    """`count` cash, card and Yape sales; returns their tickets."""
    from pos.services import ClerkView

    who = ClerkView(clerk, "clerk")
    if shop.current_shift() is None:  # sales need an open shift
        shop.open_shift(who, Decimal("0"), print_now=False)
    tickets = []
    for i in range(count):
        common = dict(operator=["claro", "movistar", "entel", "bitel"][i % 4],
                      phone=PHONES[i % len(PHONES)], amount=str(5 + i),
                      id_spec=f"dni:{45678900 + i}")
        kind = i % 3
        if kind == 0:
            draft = shop.build_draft(method="cash", tendered="50", **common)
        elif kind == 1:
            draft = shop.build_draft(method="card", card_spec=f"visa:{4000 + i}:A1B2C{i}",
                                     **common)
        else:
            draft = shop.build_draft(method="yape", op_number=f"{10000000 + i}", **common)
        tickets.append(shop.sell(who, draft, print_now=False).ticket)
    return tickets


@pytest.fixture
def sales() -> Callable[[Any, int], list[str]]:
    return sell_some
