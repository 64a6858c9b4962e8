"""Exact money helpers. Prices are USD per million tokens; costs are USD; everything is Decimal.

Rounding happens only at the display edge (`display`); JSON carries the exact value (`exact`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

MTOK = Decimal(1_000_000)
ZERO = Decimal(0)
# Curated prices have at most 6 decimal places per Mtok, so the SQL engines' integer money unit
# (billpath.pricing.table.UNIT) holds them, and their batch halves, exactly.
PRICE_SCALE = 10**6  # price per Mtok -> integer micro-dollars per Mtok


def dec(value: object) -> Decimal:
    """Parse a price or count into Decimal, refusing binary floats (they are not exact)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool | float):
        raise TypeError(f"refusing inexact {type(value).__name__} {value!r}: use a string or int")
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not a decimal number: {value!r}") from exc


def cost(tokens: Decimal | int, price_per_mtok: Decimal) -> Decimal:
    """Exact cost of `tokens` at a per-million-token price."""
    return Decimal(tokens) * price_per_mtok / MTOK


def price_micro(price_per_mtok: Decimal) -> int:
    """A per-Mtok price as integer micro-dollars per Mtok (exact, or an error)."""
    scaled = price_per_mtok * PRICE_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"price {price_per_mtok} per Mtok has more than 6 decimal places")
    return int(scaled)


def normalize(value: Decimal) -> Decimal:
    """Drop trailing zeros without going to exponent notation: 30.000000 -> 30, 1E+1 -> 10."""
    if value == 0:
        return ZERO
    text = format(value.normalize(), "f")
    return Decimal(text)


def exact(value: Decimal) -> str:
    """The JSON form of money: an exact decimal string, no exponent."""
    return format(normalize(value), "f")


def display(value: Decimal, places: int = 2) -> str:
    """Human display: `$1,234.57`; sub-cent amounts keep enough digits to be non-zero."""
    if value != 0 and abs(value) < Decimal("0.01"):
        return f"${format(normalize(value), 'f')}"
    q = Decimal(1).scaleb(-places)
    return f"${value.quantize(q):,}"


def pct(part: Decimal, whole: Decimal, places: int = 2) -> Decimal | None:
    """Percentage `part / whole * 100`, rounded for display (a ratio, not money)."""
    if whole == 0:
        return None
    value = (part / whole * 100).quantize(Decimal(1).scaleb(-places))
    return value + 0 if value == 0 else value  # never "-0.00": a difference too small to show is none
