"""Cash in the drawer: the one arithmetic every slip and report uses, and the drawer count.

    expected = floats + cash taken − change given − cash voids − pay-outs + pay-ins

A shift's expected cash uses its own float; a period (Z) or a day adds the floats of its
shifts, so a Z's expected cash is the sum of its shifts' expected cash. All in céntimos.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pos.domain.errors import ValidationError
from pos.domain.money import from_cents, to_cents
from pos.i18n import N_

# Peruvian soles in circulation: notes, then coins (céntimos).
NOTES = (20000, 10000, 5000, 2000, 1000)
COINS = (500, 200, 100, 50, 20, 10)
DENOMINATIONS = NOTES + COINS
MAX_PIECES = 100_000  # per denomination: a typo, not a drawer
_DENOMINATION = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,2})?")


@dataclass(frozen=True)
class CashFlow:
    """Cash that moved through the drawer (céntimos); amounts out are positive numbers."""

    floats: int = 0
    received: int = 0  # tendered by customers paying cash
    change: int = 0  # handed back to them
    voids: int = 0  # refunded for voided cash sales
    payouts: int = 0  # retiros / gastos
    payins: int = 0  # cash put in during a shift

    @property
    def expected(self) -> int:
        """What the drawer should hold."""
        return (self.floats + self.received - self.change - self.voids - self.payouts
                + self.payins)

    def __add__(self, other: CashFlow) -> CashFlow:
        return CashFlow(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, int, int, int, int, int]:
        return (self.floats, self.received, self.change, self.voids, self.payouts, self.payins)


@dataclass(frozen=True)
class CountResult:
    """A drawer count against the expected figure."""

    expected: int
    counted: int

    @property
    def difference(self) -> int:
        """counted − expected: above zero a surplus (sobrante), below a shortage (faltante)."""
        return self.counted - self.expected

    @property
    def kind(self) -> str:
        """`surplus`, `shortage` or `exact`: never a bare signed number for the clerk."""
        if self.difference > 0:
            return "surplus"
        return "shortage" if self.difference < 0 else "exact"

    @property
    def amount(self) -> int:
        """The size of the surplus or shortage (céntimos, not negative)."""
        return abs(self.difference)

    def beyond(self, tolerance_cents: int) -> bool:
        return self.amount > tolerance_cents


def parse_count(spec: str, field: str = "count") -> dict[int, int]:
    """`200:1,10:3,0.50:4` → {20000: 1, 1000: 3, 50: 4}: a count by denomination."""
    pieces: dict[int, int] = {}
    text = (spec or "").strip()
    if not text:
        raise ValidationError(field, N_("Write the count as DENOMINATION:PIECES, e.g. "
                                        "100:2,10:3,0.50:4."))
    for part in text.split(","):
        value, sep, qty = part.strip().partition(":")
        value = value.strip().removeprefix("S/").strip().replace(",", ".")
        denom = to_cents(Decimal(value)) if _DENOMINATION.fullmatch(value) else -1
        if not sep or denom not in DENOMINATIONS:
            raise ValidationError(field, N_("'{value}' is not a Peruvian note or coin "
                                            "(200, 100, 50, 20, 10, 5, 2, 1, 0.50, 0.20, "
                                            "0.10)."), value=part.strip()[:20])
        qty = qty.strip()
        if not (qty.isascii() and qty.isdigit()) or int(qty) > MAX_PIECES:
            raise ValidationError(field, N_("'{value}' is not a number of pieces."),
                                  value=qty[:20])
        pieces[denom] = pieces.get(denom, 0) + int(qty)
    return pieces


def count_total(pieces: Mapping[int, int]) -> int:
    """The céntimos in a count by denomination."""
    for denom, qty in pieces.items():
        if denom not in DENOMINATIONS or qty < 0:
            raise ValidationError("count", N_("'{value}' is not a number of pieces."),
                                  value=str(qty))
    return sum(denom * qty for denom, qty in pieces.items())


def counted_cents(amount: Decimal, field: str = "counted") -> int:
    """A cash figure someone counted or put in: finite, not negative, whole céntimos."""
    try:
        value = Decimal(amount)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(field, N_("The counted cash cannot be negative.")) from None
    if not value.is_finite() or value < 0:
        raise ValidationError(field, N_("The counted cash cannot be negative."))
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(field, N_("Amounts have at most two decimals."))
    if value >= Decimal("10000000"):
        raise ValidationError(field, N_("The amount is too large."))
    return to_cents(value)


def soles(cents: int) -> Decimal:
    return from_cents(cents)
