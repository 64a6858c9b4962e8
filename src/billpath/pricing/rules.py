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
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billpath.catalog.store import Offer, TierPrices

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
    Component("requests", ("requests",), (), "per_request", (), PER_UNIT, None, batch_discount=False),
)
PROMPT_FIELDS = ("input_tokens", "cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens")
NO_BATCH_NOTE = "batch not offered here: batch share priced on demand"


@dataclass(frozen=True, slots=True)
class PriceRow:
    """One offer's concrete unit prices for one tier and one batch mode (USD per component unit)."""

    above_input_tokens: int
    batch: bool
    unit_prices: dict[str, Decimal]  # component name -> USD per token (or per request)
    fallbacks: frozenset[str]  # components priced through a fallback


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
    """Every (tier, batch) price row of an offer. Batch rows exist only where batch is offered."""
    rows = []
    modes = [False, True] if offer.batch_multiplier is not None else [False]
    for tier in offer.tiers:
        for batch in modes:
            prices: dict[str, Decimal] = {}
            fell_back = set()
            for c in COMPONENTS:
                price, fallback = _component_price(tier, c)
                if fallback and c.gap_note:
                    fell_back.add(c.name)
                if batch and c.batch_discount and (offer.batch_discounts_cache or not c.is_cache):
                    assert offer.batch_multiplier is not None
                    price = price * offer.batch_multiplier
                prices[c.name] = price / c.divisor
            rows.append(PriceRow(tier.above_input_tokens, batch, prices, frozenset(fell_back)))
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
