from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest

from billpath.catalog.store import Catalog, Offer, _offer, load_catalog

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def snapshot() -> dict:
    """A fresh full build (curated files + vendored import sources), once per test session."""
    from billpath.catalog.build import build

    return build()


def make_offer(**overrides) -> Offer:
    """A synthetic offer (not from the catalog) for rule tests: 10/20 per Mtok unless overridden."""
    tier = {
        "above_input_tokens": 0,
        "input_per_mtok": "10",
        "output_per_mtok": "20",
        "cache_read_per_mtok": "1",
        "cache_write_5m_per_mtok": "12.5",
        "cache_write_1h_per_mtok": "20",
        "reasoning_per_mtok": None,
        "per_request": "0",
    }
    base = {
        "model": "test-model",
        "channel": "test",
        "variant": "standard",
        "variant_kind": "standard",
        "ids": ["test-model"],
        "available_from": None,
        "effective_from": "2026-01-01",
        "effective_to": None,
        "tiers": [tier],
        "batch_multiplier": "0.5",
        "batch_discounts_cache": True,
        "features": {},
        "notes": [],
        "source": {"url": "https://example.test/prices", "checked": "2026-11-26"},
    }
    tier_over = overrides.pop("tier", {})
    data = copy.deepcopy(base)
    data["tiers"][0].update(tier_over)
    data.update(overrides)
    return _offer(data)


D = Decimal
