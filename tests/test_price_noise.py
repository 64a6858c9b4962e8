"""Issue 12, class 5 (imported float noise): prices normalised to the decimal the vendor publishes, and totals
within a cent (and 0.005%) are a tie ordered maker first; never "-0.00%"."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billpath.api import compare
from billpath.catalog.importers.common import clean_price, published
from billpath.catalog.store import load_catalog
from billpath.money import pct


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("2.99999", "3"),
        ("15.00002", "15"),
        ("1.31999", "1.32"),
        ("3.95997", "3.96"),
        ("0.30002", "0.3"),
        ("9.99999", "10"),
        ("0.2955", "0.2955"),  # four digits: a real price, kept
        ("1.416", "1.416"),
        ("0.30005", "0.30005"),  # 0.017% from 0.3: beyond the noise bound, kept
        ("5.0625", "5.0625"),  # an exact product (4.05 x 1.25), 5 units from 5.062: kept
    ],
)
def test_published_decimal(raw, want) -> None:
    assert clean_price(Decimal(raw)) == Decimal(want)
    assert published(Decimal(want)) == Decimal(want)  # idempotent


def test_no_imported_price_carries_noise() -> None:
    """The general property: no price in the catalog is within 0.01% of a shorter decimal it is not."""
    catalog = load_catalog()
    for o in catalog.offers:
        for t in o.tiers:
            for name in ("input_per_mtok", "output_per_mtok", "cache_read_per_mtok"):
                v = getattr(t, name)
                if v is not None:
                    assert published(v) == v, (o.model, o.channel, o.variant, name, v)


def test_databricks_ties_the_maker_and_ranks_after_it() -> None:
    quotes = compare("claude-haiku-4-5", input_tokens=1_000_000, output_tokens=1_000_000).to_dict()["quotes"]
    order = [q["channel"] for q in quotes]
    assert order[0] == "anthropic"
    dbx = next(q for q in quotes if q["channel"] == "databricks")
    assert dbx["cost"]["total"] == "6" and dbx["markup_vs_direct_pct"] == "0.00"
    assert all(not q["markup_vs_direct_pct"].startswith("-0.00") for q in quotes if q["markup_vs_direct_pct"])


def test_ties_within_a_cent_go_maker_first() -> None:
    from billpath.analysis.compare import tied

    assert tied(Decimal("135.004"), Decimal("135"))
    assert not tied(Decimal("0.004"), Decimal("0.001"))  # a cent apart is a lot on a tiny total
    assert not tied(Decimal("135.02"), Decimal("135"))
    assert str(pct(Decimal("-0.00001"), Decimal(100))) == "0.00"


def test_gpt_5_4_flex_cache_read_is_the_exact_share() -> None:
    (flex,) = [o for o in load_catalog().offers_for("gpt-5.4") if o.channel == "openai" and o.variant == "flex"]
    assert flex.tiers[0].cache_read_per_mtok == Decimal("0.125")
