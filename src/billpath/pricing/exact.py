"""The exact evaluator: one usage record under one offer, in Decimal, component by component."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from billpath.catalog.store import Offer
from billpath.money import ZERO
from billpath.pricing.rules import (
    COMPONENTS,
    NO_BATCH_NOTE,
    OFF_PEAK,
    TIME_NOTES,
    PriceRow,
    peak_intervals,
    period,
    price_rows,
    select_tier,
    time_code,
)
from billpath.usage.record import Usage


@dataclass
class Cost:
    """Cost by component (USD, exact), plus fees; `total` is their sum."""

    components: dict[str, Decimal] = field(default_factory=lambda: {c.name: ZERO for c in COMPONENTS})
    fees: Decimal = ZERO

    @property
    def tokens_total(self) -> Decimal:
        return sum(self.components.values(), ZERO)

    @property
    def total(self) -> Decimal:
        return self.tokens_total + self.fees

    def scale(self, factor: Decimal) -> None:
        for name, value in self.components.items():
            self.components[name] = value * factor
        self.fees *= factor

    def add(self, other: Cost) -> None:
        for name, value in other.components.items():
            self.components[name] += value
        self.fees += other.fees


@dataclass
class Priced:
    """A usage priced under one offer: the cost, the tier used, and the notes that explain it."""

    cost: Cost
    tiers_used: set[int]
    notes: list[str]


@lru_cache(maxsize=4096)
def _rows(offer: Offer) -> dict[tuple[int, bool, bool], PriceRow]:
    return {(r.above_input_tokens, r.batch, r.off_peak): r for r in price_rows(offer)}


def quantity(usage: Usage, plus: tuple[str, ...], minus: tuple[str, ...]) -> Decimal:
    q = ZERO
    for f in plus:
        q += getattr(usage, f)
    for f in minus:
        q -= getattr(usage, f)
    return q


def price_usage(usage: Usage, offer: Offer, batch: bool | None = None, off_peak: bool | None = None) -> Priced:
    """Rules 1-4 and 6 of `billpath.pricing.rules` on one record (fees are applied by the caller).

    `batch` overrides the record's own batch flag (a workload priced as on-demand and batch shares);
    `off_peak` the time of day its timestamp says (a workload's off-peak share). Both are ignored where the
    offer has no batch price (said so) or no time-of-day schedule.
    """
    rows = _rows(offer)
    above = select_tier([t.above_input_tokens for t in offer.tiers], usage.prompt_tokens, usage.requests)
    notes: list[str] = []
    batch = usage.batch if batch is None else batch
    if batch and offer.batch_multiplier is None:
        batch = False
        notes.append(NO_BATCH_NOTE)
    off = False
    if offer.time_of_day is not None:
        if off_peak is None:
            code = time_code(peak_intervals(offer.time_of_day.windows), *period(usage.start, usage.end, usage.requests))
            off = code == OFF_PEAK
            notes.append(TIME_NOTES[code])
        else:
            off = off_peak
    row = rows[(above, batch, off)]
    cost = Cost()
    for c in COMPONENTS:
        qty = quantity(usage, c.plus, c.minus)
        cost.components[c.name] = qty * row.unit_prices[c.name]
        if qty and c.name in row.fallbacks and c.gap_note:
            notes.append(c.gap_note)
    if above:
        notes.append(f"long-context tier: requests above {above:,} input tokens priced entirely at the tier rate")
    return Priced(cost=cost, tiers_used={above}, notes=notes)
