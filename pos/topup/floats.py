"""Distributor float (saldo): restocks, consumption at cost, figures for the Z and the shop.

Rules:
- A restock is a chained `float_restock` entry by a manager: the money put into a distributor
  account and the commission (discount) rate it buys at. The float is money at the
  distributor, as aggregators report it.
- A confirmed top-up consumes float at cost: amount × (1 − rate/100), rate of the account's
  newest restock at the moment of confirmation; the cost is frozen in its `topup_ok` entry.
- A void of a confirmed top-up whose airtime the operator reversed gives its cost back.
- Per operator: sold = Σ confirmed amounts, cost = Σ their costs, commission = sold − cost
  (net of reversed voids); float left is its account's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from pos.domain.money import from_cents
from pos.ledger.models import JournalEntry

if TYPE_CHECKING:

    from pos.config import Settings

FLOAT_KINDS = ("float_restock", "topup_ok", "void")


def entry_data(entry: Any) -> dict[str, Any]:
    """An entry's `data` JSON as a dict ({} when none or unreadable)."""
    return _loads(getattr(entry, "data", None))


def _loads(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def cost_cents(amount_cents: int, rate: Decimal) -> int:
    """What a top-up costs the shop at a commission rate (percent)."""
    cost = Decimal(amount_cents) * (Decimal(100) - rate) / Decimal(100)
    return int(cost.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class FloatView:
    """One distributor account's float."""

    account: str
    restocked: Decimal
    consumed: Decimal  # at cost, net of reversed voids
    rate: Decimal  # newest restock's commission rate, percent
    reported: Decimal | None  # the balance the aggregator last reported
    low_level: Decimal

    @property
    def left(self) -> Decimal:
        return self.restocked - self.consumed

    @property
    def low(self) -> bool:
        return self.left < self.low_level

    @property
    def difference(self) -> Decimal | None:
        """Aggregator's balance − ours (None when it never reported one)."""
        return None if self.reported is None else self.reported - self.left


def float_views(session: Session, settings: Settings) -> dict[str, FloatView]:
    """Every account that is configured or was ever restocked, by name."""
    rows = session.exec(
        select(JournalEntry).where(col(JournalEntry.kind).in_(FLOAT_KINDS),
                                   col(JournalEntry.data).is_not(None))
        .order_by(col(JournalEntry.created_at), col(JournalEntry.id))
    ).all()
    restocked: dict[str, int] = {}
    consumed: dict[str, int] = {}
    rate: dict[str, Decimal] = {}
    reported: dict[str, Decimal] = {}
    for row in rows:
        data = entry_data(row)
        account = data.get("account")
        if not isinstance(account, str):
            continue
        if row.kind == "float_restock":
            restocked[account] = restocked.get(account, 0) + int(data.get("amount_cents", 0))
            rate[account] = Decimal(str(data.get("rate", "0")))
            if "reported_cents" in data:
                reported[account] = from_cents(int(data["reported_cents"]))
        elif row.kind == "topup_ok":
            consumed[account] = consumed.get(account, 0) + int(data.get("cost_cents", 0))
            if data.get("balance_cents") is not None:
                reported[account] = from_cents(int(data["balance_cents"]))
        elif row.kind == "void" and data.get("airtime") == "reversed":
            consumed[account] = consumed.get(account, 0) - int(data.get("cost_cents", 0))
    names = {settings.topup.account}
    names |= {o.account for o in settings.topup.operators.values() if o.account}
    names |= set(restocked) | set(consumed)
    low = settings.topup.low_float
    return {name: FloatView(name, from_cents(restocked.get(name, 0)),
                            from_cents(consumed.get(name, 0)), rate.get(name, Decimal("0")),
                            reported.get(name), low)
            for name in sorted(names)}


def current_rate(session: Session, account: str) -> Decimal:
    """The commission rate of the account's newest restock (0 if never restocked)."""
    rows = session.exec(
        select(JournalEntry.data).where(JournalEntry.kind == "float_restock")
        .order_by(col(JournalEntry.created_at).desc(), col(JournalEntry.id).desc())
    ).all()
    for raw in rows:
        data = _loads(raw)
        if data.get("account") == account:
            return Decimal(str(data.get("rate", "0")))
    return Decimal("0")


@dataclass(frozen=True)
class OperatorFigures:
    """One operator's top-ups in a set of entries."""

    operator: str
    count: int
    sold: Decimal
    cost: Decimal
    account: str
    float_left: Decimal | None

    @property
    def commission(self) -> Decimal:
        return self.sold - self.cost


def operator_figures(entries: Iterable[Any], settings: Settings,
                     floats: dict[str, FloatView] | None = None) -> list[OperatorFigures]:
    """Per operator, from the `topup_ok` entries (and reversed voids) among `entries`: sold,
    cost, commission and the float left of its account. For the Z and the shop report."""
    count: dict[str, int] = {}
    sold: dict[str, int] = {}
    cost: dict[str, int] = {}
    account: dict[str, str] = {}
    for entry in entries:
        data = entry_data(entry)
        op = entry.operator or ""
        if entry.kind == "topup_ok":
            count[op] = count.get(op, 0) + 1
            sold[op] = sold.get(op, 0) + int(data.get("amount_cents", 0))
            cost[op] = cost.get(op, 0) + int(data.get("cost_cents", 0))
            account[op] = str(data.get("account", ""))
        elif entry.kind == "void" and data.get("airtime") == "reversed":
            sold[op] = sold.get(op, 0) + entry.amount_cents  # negative
            cost[op] = cost.get(op, 0) - int(data.get("cost_cents", 0))
    order = list(settings.operators) + sorted(set(sold) - set(settings.operators))
    out = []
    for op in order:
        if op not in sold:
            continue
        acct = account.get(op) or account_of(settings, op)
        view = (floats or {}).get(acct)
        out.append(OperatorFigures(op, count.get(op, 0), from_cents(sold[op]),
                                   from_cents(cost.get(op, 0)), acct,
                                   view.left if view else None))
    return out


def account_of(settings: Settings, operator: str) -> str:
    """The distributor account an operator's top-ups are bought from."""
    own = settings.topup.operators.get(operator)
    return (own.account if own and own.account else None) or settings.topup.account
