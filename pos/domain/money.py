"""Money: Decimal soles in the code, integer céntimos in the database."""

from __future__ import annotations

import re
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal

from pos.domain.errors import ValidationError
from pos.i18n import N_, babel_locale

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000")
_AMOUNT = re.compile(r"^(?:S/\.?)?\s*([0-9]{1,7})(?:[.,]([0-9]{1,2}))?$")
_TOO_PRECISE = re.compile(r"^(?:S/\.?)?\s*[0-9]{1,7}[.,][0-9]{3,}$")


def parse_amount(text: str, field: str = "amount") -> Decimal:
    """Parse what a clerk typed ("20", "20.5", "20,50", "S/ 20") into soles; refuse the rest."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise ValidationError(field, N_("Enter an amount, e.g. 20 or 20.50."))
    match = _AMOUNT.match(cleaned) if cleaned.isascii() else None
    if match is None and _TOO_PRECISE.match(cleaned):
        raise ValidationError(field, N_("At most two decimals (céntimos), e.g. 20.50."))
    if match is None:
        raise ValidationError(
            field, N_("'{value}' is not an amount: use digits, e.g. 20 or 20.50."), value=cleaned[:20]
        )
    whole, frac = match.group(1), match.group(2) or "0"
    amount = Decimal(f"{whole}.{frac}").quantize(CENT)
    if amount >= MAX_AMOUNT:
        raise ValidationError(field, N_("The amount is too large."))
    return amount


def to_cents(amount: Decimal) -> int:
    """Soles → integer céntimos (exact: amounts carry at most two decimals)."""
    if not amount.is_finite():  # NaN / infinity never reach the ledger
        raise ValueError(f"not a finite amount: {amount!r}")
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    """Integer céntimos → soles."""
    return (Decimal(cents) / 100).quantize(CENT)


def format_money(amount: Decimal | int, locale: str | None = None) -> str:
    """`S/ 1,234.50` — the sol with two decimals, grouped per locale (Babel)."""
    if isinstance(amount, int):  # céntimos: cached by the integer, no Decimal made per call
        return _format_cents(amount, locale or babel_locale())
    return _format_money(amount, locale or babel_locale())


@lru_cache(maxsize=4096)
def _format_cents(cents: int, locale: str) -> str:
    return _format_money(from_cents(cents), locale)


@lru_cache(maxsize=4096)
def _format_money(value: Decimal, locale: str) -> str:
    # Cached: Babel's formatter costs ~40 µs a call and a receipt has several amounts.
    from babel.numbers import format_decimal  # lazy: Babel loads on the first amount shown

    sign = "-" if value < 0 else ""
    digits = format_decimal(abs(value), format="#,##0.00", locale=locale)
    return f"{sign}S/ {digits}"
