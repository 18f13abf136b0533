"""The void prompt's airtime question (issue 13): did the operator reverse a delivered
top-up? Asked by the history screen's void, answered into `Shop.void(airtime=...)`."""

from __future__ import annotations

from typing import Any

from pos.i18n import _
from pos.tui.base import PromptField


def airtime_fields(shop: Any, entry: Any) -> list[PromptField]:
    """The void prompt's extra field for a delivered top-up: did the operator reverse the
    airtime? (one quick read, only for sales that carry a top-up)."""
    # lazy: pos.topup.service imports the ledger (SQLModel), kept off the start-up path
    from pos.topup.service import CONFIRMED, desk, sale_topup

    if sale_topup(entry) is None or desk(shop).status(entry.ticket).state != CONFIRMED:
        return []
    return [PromptField("airtime", _("Airtime reversed by the operator? (y/n)"),
                        restrict=r"[sSnNyY]?", max_length=1)]


def airtime_value(values: dict[str, str]) -> str | None:
    """The answer as `Shop.void` takes it (None: not asked or left empty)."""
    answer = values.get("airtime", "").lower()
    return {"s": "reversed", "y": "reversed", "n": "not_reversed"}.get(answer)
