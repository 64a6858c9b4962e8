"""Issue 12, class 7 (regions and features)."""

from __future__ import annotations

from decimal import Decimal as D

from billpath.api import recommend
from billpath.catalog.ids import region_ids
from billpath.catalog.store import load_catalog


def _rec(model: str, *req: str) -> dict:
    return recommend(model, input_tokens=100_000, output_tokens=10_000, requests=100, requires=list(req)).to_dict()


def test_region_eu_shows_the_eu_id() -> None:
    for model in ("claude-sonnet-4-6", "gpt-5.5", "claude-opus-4-8"):
        for r in _rec(model, "region:eu")["ranking"]:
            shown = next(x for x in r["reasons"] if x.startswith("variant "))
            ident = shown[shown.index("(") + 1 : -1]
            assert not ident.lower().startswith(("us.", "azure/us/")), (model, r["channel"], ident)
            offer = next(
                o for o in load_catalog().offers_for(model) if (o.channel, o.variant) == (r["channel"], r["variant"])
            )
            if region_ids(offer.ids, "eu"):
                assert region_ids([ident], "eu"), (model, r["channel"], ident)


def test_a_variant_whose_ids_pin_other_regions_is_not_resident() -> None:
    """Region by id: a regional variant that lists only us./eu. ids is not an apac-resident option."""
    catalog = load_catalog()
    (regional,) = [
        o for o in catalog.offers_for("claude-sonnet-4-6") if (o.channel, o.variant) == ("aws-bedrock", "regional")
    ][:1]
    assert region_ids(regional.ids, "eu") and region_ids(regional.ids, "us")
    assert region_ids(["azure/eu/gpt-5.5"], "eu") == ["azure/eu/gpt-5.5"]
    assert region_ids(["us-gov.anthropic.claude-x"], "us") == []  # us-gov is not the us profile


def test_together_us_only_endpoint_costs_1_25x() -> None:
    catalog = load_catalog()
    offers = [o for o in catalog.offers if o.channel == "together"]
    std = {(o.model, o.effective_from): o for o in offers if o.variant == "standard"}
    us = [o for o in offers if o.variant == "us-only"]
    assert len(us) > 50
    for o in us:
        base = std[(o.model, o.effective_from)]
        assert o.tiers[0].input_per_mtok == base.tiers[0].input_per_mtok * D("1.25")
    rec = _rec("llama-3.3-70b", "region:us")
    assert all(r["variant"] != "standard" or r["channel"] != "together" for r in rec["ranking"])


def test_together_batch_is_half_price_on_serverless_offers() -> None:
    offers = [o for o in load_catalog().offers if o.channel == "together" and o.variant == "standard"]
    assert offers and all(o.batch_multiplier == D("0.5") for o in offers)


def test_batch_per_model_on_bedrock() -> None:
    catalog = load_catalog()

    def batch(model: str, variant: str = "global"):
        (o,) = [o for o in catalog.offers_for(model) if (o.channel, o.variant) == ("aws-bedrock", variant)][:1]
        return o.batch_multiplier

    assert batch("claude-opus-4-8") is None and batch("claude-opus-4-8", "regional") is None  # no AWS batch SKU
    assert batch("claude-haiku-4-5") == D("0.5")  # Haiku 4.5 batch on Bedrock
    vertex = [o for o in catalog.offers_for("claude-haiku-4-5") if o.channel == "google-vertex" and o.batch_multiplier]
    assert vertex  # and on Vertex
    rec = _rec("claude-opus-4-8", "feature:batch")
    assert "aws-bedrock" not in {r["channel"] for r in rec["ranking"]}


def _usage_report(tmp_path, geo: str):
    import json

    report = {
        "data": [
            {
                "starting_at": "2026-11-01T00:00:00Z",
                "ending_at": "2026-11-02T00:00:00Z",
                "results": [
                    {
                        "uncached_input_tokens": 1_000_000,
                        "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 0},
                        "cache_read_input_tokens": 0,
                        "output_tokens": 0,
                        "server_tool_use": {"web_search_requests": 0},
                        "model": "claude-sonnet-4-6",
                        "service_tier": "standard",
                        "context_window": "0-200k",
                        "inference_geo": geo,
                    }
                ],
            }
        ],
        "has_more": False,
        "next_page": None,
    }
    path = tmp_path / f"anthropic-{geo}.json"
    path.write_text(json.dumps(report))
    return str(path)


def test_us_only_rows_are_repriced_like_for_like(tmp_path) -> None:
    """inference_geo: us (Anthropic's US-only, 1.1x) re-prices on Bedrock's regional (us.) price, not global."""
    from billpath.api import price_log

    us = price_log([_usage_report(tmp_path, "us")]).to_dict()
    assert D(us["total_usd"]) == D("3.3")  # 1M input x 3 x 1.1
    assert D(us["reprice"]["aws-bedrock"]) == D("3.3")  # regional 3.3, like for like
    glob = price_log([_usage_report(tmp_path, "global")]).to_dict()
    assert D(glob["total_usd"]) == D(3) and D(glob["reprice"]["aws-bedrock"]) == D(3)  # global endpoint
