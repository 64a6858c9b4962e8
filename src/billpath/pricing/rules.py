"""THE statement of billpath's pricing rules. Both evaluators derive from this module:

* `exact` prices one usage record in Decimal;
* `table` compiles the same rules to SQL over a whole log (DuckDB, Spark).

Rules:
1. Tier: a request's prompt = input + cache read + cache write (5m and 1h). The request is priced at
   the highest tier whose `above_input_tokens` it exceeds (strictly), and the WHOLE request moves
   there. An aggregated row of n requests is judged on its average request: prompt > above * n.
   A row of 0 requests (a bill line: it aggregates an unknown number of requests, and a bill names
   its long-context lines apart) is in the base tier.
2. Components: each usage quantity times its price. Reasoning tokens are inside output; they are
   taken out of output and priced at the reasoning price, which defaults to the output price.
3. Missing components fall back to what the user would be forced to buy: no cache-read price ->
   input price; no 5-minute write price -> input; no 1-hour write price -> the 5-minute write price.
4. Batch: every token price times the offer's batch multiplier (cache prices too, unless the offer
   says its batch discount leaves cache prices alone); an offer without batch prices the batch
   share on demand (and says so). Per-request fees are not discounted.
5. Fees outside token prices (aggregator credit fees, BYOK fees) apply to the priced total (`fees`).
6. Time of day: an offer with a schedule (`Offer.time_of_day`) charges its prices inside its peak windows
   (days of the week and UTC hours, start inclusive, end exclusive) and `off_peak_multiplier` times every
   token price at every other minute (batch rows too; per-request fees are not discounted). A row is
   priced off-peak only when the whole period it covers lies outside every peak window (`time_code`):
   a timestamp is its minute; a date without a time, and a row of 0 requests without `timestamp_end`
   (a bill line), is its whole UTC day; a row with `timestamp_end` covers [timestamp, timestamp_end).
   A row without a timestamp, and a period that spans peak and off-peak minutes (it cannot be split by
   hour), are priced at peak, and said so: never silently off-peak. A workload states an off-peak share
   (`quote_offer`), split as the batch share is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache

from billpath.catalog.store import DAYS, Offer, TierPrices, Windows
from billpath.usage.record import minute_index

PER_MTOK = Decimal(1_000_000)
PER_UNIT = Decimal(1)


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    plus: tuple[str, ...]  # usage fields summed for this component's quantity
    minus: tuple[str, ...]  # usage fields taken away
    price: str  # TierPrices field
    fallbacks: tuple[str, ...]  # TierPrices fields tried in order when `price` is missing
    divisor: Decimal  # price unit: per million tokens, or per request
    gap_note: str | None  # said when the fallback was used for a non-zero quantity
    batch_discount: bool = True
    is_cache: bool = False
    off_peak_discount: bool = True  # rule 6: token prices are discounted off-peak, per-request fees are not


COMPONENTS: tuple[Component, ...] = (
    Component("input", ("input_tokens",), (), "input_per_mtok", (), PER_MTOK, None),
    Component(
        "output",
        ("output_tokens",),
        ("reasoning_tokens",),
        "output_per_mtok",
        (),
        PER_MTOK,
        None,
    ),
    Component(
        "reasoning",
        ("reasoning_tokens",),
        (),
        "reasoning_per_mtok",
        ("output_per_mtok",),
        PER_MTOK,
        None,  # billing reasoning as output is the normal case, not a gap
    ),
    Component(
        "cache_read",
        ("cache_read_tokens",),
        (),
        "cache_read_per_mtok",
        ("input_per_mtok",),
        PER_MTOK,
        "no prompt caching here: cached reads billed as uncached input",
        is_cache=True,
    ),
    Component(
        "cache_write_5m",
        ("cache_write_tokens",),
        (),
        "cache_write_5m_per_mtok",
        ("input_per_mtok",),
        PER_MTOK,
        "no cache-write price here: cache writes billed as input",
        is_cache=True,
    ),
    Component(
        "cache_write_1h",
        ("cache_write_1h_tokens",),
        (),
        "cache_write_1h_per_mtok",
        ("cache_write_5m_per_mtok", "input_per_mtok"),
        PER_MTOK,
        "no 1-hour cache here: 1h writes billed at the 5-minute write price (or input)",
        is_cache=True,
    ),
    Component(
        "requests", ("requests",), (), "per_request", (), PER_UNIT, None, batch_discount=False, off_peak_discount=False
    ),
)
PROMPT_FIELDS = ("input_tokens", "cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens")
NO_BATCH_NOTE = "batch not offered here: batch share priced on demand"


@dataclass(frozen=True, slots=True)
class PriceRow:
    """One offer's concrete unit prices for one tier, batch mode and time of day (USD per component unit)."""

    above_input_tokens: int
    batch: bool
    unit_prices: dict[str, Decimal]  # component name -> USD per token (or per request)
    fallbacks: frozenset[str]  # components priced through a fallback
    off_peak: bool = False  # rule 6: the off-peak prices of an offer with a time-of-day schedule


def _component_price(tier: TierPrices, c: Component) -> tuple[Decimal, bool]:
    price = getattr(tier, c.price)
    if price is not None:
        return price, False
    for name in c.fallbacks:
        value = getattr(tier, name)
        if value is not None:
            return value, True
    raise AssertionError(f"no price for {c.name}")  # input and output are always present


def price_rows(offer: Offer) -> list[PriceRow]:
    """Every (tier, batch, time of day) price row of an offer. Batch rows exist only where batch is offered,
    off-peak rows only where the offer has a time-of-day schedule (rule 6)."""
    rows = []
    modes = [False, True] if offer.batch_multiplier is not None else [False]
    times = [False, True] if offer.time_of_day is not None else [False]
    for tier in offer.tiers:
        for batch in modes:
            for off_peak in times:
                prices: dict[str, Decimal] = {}
                fell_back = set()
                for c in COMPONENTS:
                    price, fallback = _component_price(tier, c)
                    if fallback and c.gap_note:
                        fell_back.add(c.name)
                    if batch and c.batch_discount and (offer.batch_discounts_cache or not c.is_cache):
                        assert offer.batch_multiplier is not None
                        price = price * offer.batch_multiplier
                    if off_peak and c.off_peak_discount:
                        assert offer.time_of_day is not None
                        price = price * offer.time_of_day.off_peak_multiplier
                    prices[c.name] = price / c.divisor
                rows.append(PriceRow(tier.above_input_tokens, batch, prices, frozenset(fell_back), off_peak))
    return rows


def select_tier(tiers_above: list[int], prompt_tokens: Decimal, requests: Decimal) -> int:
    """Rule 1: the highest threshold strictly exceeded by the (average) request's prompt (0 requests: base)."""
    if requests <= 0:
        return 0
    n = requests
    chosen = 0
    for above in tiers_above:
        if prompt_tokens > above * n:
            chosen = max(chosen, above)
    return chosen


# -- rule 6: time of day ------------------------------------------------------------------------------------

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
UNKNOWN_TIME = "their time is not known to be off-peak (no timestamp, or a period spanning peak hours)"
PEAK, OFF_PEAK, MIXED, UNTIMED = "P", "O", "M", "U"  # `time_code`: one letter per schedule in a row's time class
TIME_NOTES = {
    PEAK: "peak hours: priced at the peak (listed) rate",
    OFF_PEAK: "off-peak hours: priced at the off-peak rate",
    MIXED: "a period spanning peak and off-peak hours cannot be split by hour: priced at the peak rate "
    "(an upper bound)",
    UNTIMED: "no timestamp: priced at the peak rate (an upper bound; time-of-day prices need the time)",
}


def minutes(hhmm: str) -> int:
    """ "HH:MM" (00:00 to 24:00) as minutes after midnight."""
    hours, _, mins = hhmm.partition(":")
    return int(hours) * 60 + int(mins)


@lru_cache(maxsize=256)
def peak_intervals(windows: Windows) -> tuple[tuple[int, int], ...]:
    """The peak windows as disjoint minute-of-week intervals [a, b), Monday 00:00 = 0, adjacent ones merged.

    The week is a circle: a run of peak minutes across Sunday midnight is one interval with b > a week
    (at most a week long). Both evaluators test rows against these intervals (`time_code`, and its SQL
    form `billpath.pricing.table.time_class_sql`).
    """
    spans = sorted(
        (DAYS.index(day) * MINUTES_PER_DAY + minutes(start), DAYS.index(day) * MINUTES_PER_DAY + minutes(end))
        for days, start, end in windows
        for day in days
    )
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    if len(merged) > 1 and merged[0][0] == 0 and merged[-1][1] == MINUTES_PER_WEEK:
        first = merged.pop(0)  # Sunday night runs into Monday morning: one interval across the week's end
        merged[-1][1] = MINUTES_PER_WEEK + first[1]
    return tuple((a, b) for a, b in merged)


def time_code(intervals: tuple[tuple[int, int], ...], week_minute: int | None, span: int) -> str:
    """Rule 6 for one row and one schedule: PEAK when the row's period [week_minute, +span) lies inside the
    peak intervals, OFF_PEAK when wholly outside them, MIXED when it touches both, UNTIMED without a time."""
    if week_minute is None:
        return UNTIMED
    start, end = week_minute, week_minute + min(span, MINUTES_PER_WEEK)
    if any(a + k <= start and end <= b + k for a, b in intervals for k in (-MINUTES_PER_WEEK, 0)):
        return PEAK
    if any(start < b + k and a + k < end for a, b in intervals for k in (-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK)):
        return MIXED
    return OFF_PEAK


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def period(start: datetime | None, end: datetime | None, requests: Decimal) -> tuple[int | None, int]:
    """(minute of the week the row's period starts, its length in minutes): what `time_code` judges.

    A timestamp alone is its minute; with an end, [start, end) rounded out to whole minutes; a row of 0
    requests without an end (a bill line) is its start's whole UTC day. No start: (None, 1).
    """
    if start is None:
        return None, 1
    first = minute_index(start)
    if end is not None:
        if _utc(end) <= _utc(start):
            raise ValueError(f"the period's end {end} is not after its start {start}")
        span = minute_index(end, ceil=True) - first
    elif requests == 0:
        first -= first % MINUTES_PER_DAY
        span = MINUTES_PER_DAY
    else:
        span = 1
    return first % MINUTES_PER_WEEK, min(span, MINUTES_PER_WEEK)
