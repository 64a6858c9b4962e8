"""Issue 12, class 9 (statements): `explain` states only what the data shows."""

from __future__ import annotations

from billpath.analysis.explain import explain_model
from billpath.catalog.store import load_catalog


def _answers(model: str) -> list[dict]:
    return explain_model(model)["answers"]


def test_llama_3_3_70b() -> None:
    a = _answers("llama-3.3-70b")
    assert "no aggregator sells" not in a[1]["answer"] and a[1]["evidence"]  # six and more sell it
    assert "aggregators sell llama-3.3-70b" in a[1]["answer"]
    assert "on the maker's API" not in a[2]["answer"] and "weights released 2024-12-06" in a[2]["answer"]
    assert "uplift" not in a[0]["answer"]


def test_statements_hold_on_every_model() -> None:
    """The general property, over every model that some channel prices today."""
    catalog = load_catalog()
    models = sorted({o.model for o in catalog.offers})[::4]  # a quarter of the catalog, spread over it
    checked = 0
    for model in models:
        a = _answers(model)
        checked += 1
        if a[1]["answer"].startswith("no aggregator sells"):
            assert a[1]["evidence"] == [], model
        if "endpoints cost more" in a[0]["answer"]:
            assert any("+" in e["detail"] and e["variant"] != "standard" for e in a[0]["evidence"]), model
        direct = catalog.direct_channel(model)
        sold_direct = direct is not None and any(o.channel == direct for o in catalog.offers_for(model))
        if "on the maker's API" in a[2]["answer"]:
            assert sold_direct, model
        if "weights released" in a[2]["answer"]:
            assert catalog.models[model].open_weights, model
    assert checked > 150
