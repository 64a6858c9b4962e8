"""Hand-worked cases for the pricing rules (billpath.pricing.rules), on synthetic offers."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from billpath.errors import UsageError
from billpath.pricing.exact import price_usage
from billpath.usage.record import Usage
from tests.conftest import make_offer

TIERED = [
    {
        "above_input_tokens": 0,
        "input_per_mtok": "5",
        "output_per_mtok": "30",
        "cache_read_per_mtok": "0.5",
        "cache_write_5m_per_mtok": "5",
        "cache_write_1h_per_mtok": None,
        "reasoning_per_mtok": None,
        "per_request": "0",
    },
    {
        "above_input_tokens": 272000,
        "input_per_mtok": "10",
        "output_per_mtok": "45",
        "cache_read_per_mtok": "1",
        "cache_write_5m_per_mtok": "10",
        "cache_write_1h_per_mtok": None,
        "reasoning_per_mtok": None,
        "per_request": "0",
    },
]


def total(usage: Usage, offer=None) -> D:
    return price_usage(usage, offer or make_offer()).cost.total


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        # 1,000 in at 10/M + 1,000 out at 20/M = 0.01 + 0.02
        (Usage(input_tokens=1000, output_tokens=1000), D("0.03")),
        # 5-minute write 12.5/M vs 1-hour write 20/M on 1M tokens
        (Usage(cache_write_tokens=1_000_000), D("12.5")),
        (Usage(cache_write_1h_tokens=1_000_000), D("20")),
        # cache read 1/M
        (Usage(cache_read_tokens=250_000), D("0.25")),
        # batch halves every token price, cache included: (1M read at 1 + 1M write at 12.5) / 2
        (Usage(cache_read_tokens=1_000_000, cache_write_tokens=1_000_000, batch=True), D("6.75")),
        # reasoning inside output, priced as output when the offer has no reasoning price
        (Usage(output_tokens=1000, reasoning_tokens=400), D("0.02")),
    ],
)
def test_hand_worked_components(usage: Usage, expected: D) -> None:
    assert total(usage) == expected


def test_reasoning_priced_apart_when_the_offer_says_so() -> None:
    offer = make_offer(tier={"reasoning_per_mtok": "40"})
    # 600 output at 20/M + 400 reasoning at 40/M = 0.012 + 0.016
    assert total(Usage(output_tokens=1000, reasoning_tokens=400), offer) == D("0.028")


def test_per_request_fee_is_per_request_and_not_batch_discounted() -> None:
    offer = make_offer(tier={"per_request": "0.002"})
    assert total(Usage(requests=10), offer) == D("0.02")
    assert total(Usage(requests=10, batch=True), offer) == D("0.02")


@pytest.mark.parametrize(
    ("input_tokens", "expected"),
    [
        (272_000, D("1.36") + D("0.03")),  # at the boundary: base tier (5/M in, 30/M out)
        (272_001, D("2.72001") + D("0.045")),  # one token over: the whole request at 10/M and 45/M
    ],
)
def test_long_context_tier_boundary(input_tokens: int, expected: D) -> None:
    offer = make_offer(tiers=TIERED)
    assert total(Usage(input_tokens=input_tokens, output_tokens=1000), offer) == expected


def test_tier_counts_cached_prompt_tokens() -> None:
    offer = make_offer(tiers=TIERED)
    # 200k uncached + 72,001 cache read = 272,001 prompt tokens: tier prices for both
    usage = Usage(input_tokens=200_000, cache_read_tokens=72_001)
    assert total(usage, offer) == D("2") + D("0.072001")


def test_aggregated_rows_are_judged_per_average_request() -> None:
    offer = make_offer(tiers=TIERED)
    # 2 requests, 544,000 prompt tokens in all: 272,000 each, not above the threshold
    assert total(Usage(input_tokens=544_000, requests=2), offer) == D("2.72")
    # 544,002 -> 272,001 on average: tier
    assert total(Usage(input_tokens=544_002, requests=2), offer) == D("5.44002")


def test_batch_with_cache_when_batch_leaves_cache_alone() -> None:
    offer = make_offer(batch_discounts_cache=False)
    # cache read stays 1/M, input halves to 5/M
    assert total(Usage(input_tokens=1_000_000, cache_read_tokens=1_000_000, batch=True), offer) == D("6")


def test_no_batch_prices_on_demand_and_says_so() -> None:
    offer = make_offer(batch_multiplier=None)
    priced = price_usage(Usage(input_tokens=1_000_000, batch=True), offer)
    assert priced.cost.total == D("10")
    assert any("batch not offered" in n for n in priced.notes)


def test_missing_cache_prices_fall_back_to_what_the_user_must_buy() -> None:
    offer = make_offer(tier={"cache_read_per_mtok": None, "cache_write_1h_per_mtok": None})
    priced = price_usage(Usage(cache_read_tokens=1_000_000, cache_write_1h_tokens=1_000_000), offer)
    # reads at input (10), 1h writes at the 5-minute write price (12.5)
    assert priced.cost.components["cache_read"] == D("10")
    assert priced.cost.components["cache_write_1h"] == D("12.5")
    assert len(priced.notes) == 2


@pytest.mark.parametrize("field", ["input_tokens", "output_tokens", "requests"])
def test_negative_counts_are_refused(field: str) -> None:
    with pytest.raises(UsageError):
        Usage(**{field: -1})


def test_floats_are_refused() -> None:
    with pytest.raises(UsageError):
        Usage(input_tokens=1.5)


def test_reasoning_cannot_exceed_output() -> None:
    with pytest.raises(UsageError):
        Usage(output_tokens=10, reasoning_tokens=11)


def test_usage_quantities_are_exactly_the_rules_quantities():
    """The usage relation's quantity columns (usage layer) are the ones the pricing rules' components use."""
    from billpath.pricing.rules import COMPONENTS
    from billpath.usage.columns import QUANTITY_FIELDS

    assert tuple(dict.fromkeys(f for c in COMPONENTS for f in (*c.plus, *c.minus))) == QUANTITY_FIELDS
