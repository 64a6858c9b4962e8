"""Issue 12, class 3 (freshness): retired models and offers end; resellers of a proprietary model cannot
outlive the maker's endpoint; a retired model says "no longer sold since DATE" and still prices old logs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billpath.api import compare, price_log
from billpath.catalog import freshness
from billpath.catalog.store import load_catalog

TODAY = date(2026, 12, 2)


def _maker_last(catalog, model: str) -> date | None:
    m = catalog.models[model]
    own = [
        o
        for o in catalog.offers_for(model)
        if (o.channel == catalog.direct_channel(model)) or freshness.OPERATED_BY.get(o.channel) == m.maker
    ]
    if not own or any(o.effective_to is None for o in own):
        return None
    return max(o.effective_to for o in own)


def test_no_reseller_outlives_the_makers_endpoint_of_a_proprietary_model() -> None:
    """The general property, over the whole catalog."""
    catalog = load_catalog()
    checked = 0
    for model in catalog.models.values():
        if not freshness.proprietary({"id": model.id, "open_weights": model.open_weights}):
            continue
        last = _maker_last(catalog, model.id)
        if last is None:
            continue
        for o in catalog.offers_for(model.id):
            if catalog.offer_kind(o) == "aggregator":
                checked += 1
                assert o.effective_to is not None and o.effective_to <= last, (model.id, o.channel, o.variant)
    assert checked > 20


def test_gemini_2_5_pro_is_not_sold_by_resellers_after_google_stops() -> None:
    live = {q["channel"] for q in compare("gemini-2.5-pro", input_tokens=1000, at=TODAY).to_dict()["quotes"]}
    assert not live & {"deepinfra", "openrouter"}
    before = {
        q["channel"] for q in compare("gemini-2.5-pro", input_tokens=1000, at=date(2026, 11, 1)).to_dict()["quotes"]
    }
    assert {"google", "deepinfra", "openrouter"} <= before


def test_retired_model_says_since_when_and_prices_old_logs(tmp_path) -> None:
    out = compare("gemini-3-pro-preview", input_tokens=1000, at=TODAY).to_dict()
    assert out["quotes"] == [] and out["no_longer_sold_since"] == "2026-03-09"
    assert "no longer sold since 2026-03-09" in out["status"]
    log = tmp_path / "old.csv"
    log.write_text(
        "timestamp,model,channel,input_tokens,output_tokens\n"
        "2026-02-01T00:00:00Z,gemini-3-pro-preview,google,100000,0\n"
        "2026-04-01T00:00:00Z,gemini-3-pro-preview,google,100000,0\n"
    )
    res = price_log([str(log)]).to_dict()
    assert res["rows_priced"] == 1 and res["rows_unpriced"] == 1  # the April row: no longer sold
    assert Decimal(res["total_usd"]) == Decimal("0.2")  # February price: 2 per Mtok input
    assert res["rows_priced"] + res["rows_unpriced"] + res["rows_rejected"] == res["rows_total"]


def test_deepseek_old_prices_end_and_stop_being_the_baseline() -> None:
    catalog = load_catalog()
    for model in ("deepseek-v3", "deepseek-r1"):
        (o,) = [o for o in catalog.offers_for(model) if o.channel == "deepseek"]
        # the prices ended at 16:00 UTC on 2025-09-05: that day is still priced at them (a day at its start)
        assert o.effective_to == date(2025, 9, 6)
    quotes = compare("deepseek-r1", input_tokens=1000000, output_tokens=1000000, at=TODAY).to_dict()["quotes"]
    assert all(q["markup_vs_direct_pct"] is None for q in quotes)  # no stale "direct" baseline
    old = compare("deepseek-r1", input_tokens=1000000, output_tokens=1000000, at=date(2025, 6, 1)).to_dict()
    assert any(q["channel"] == "deepseek" and q["cost"]["total"] == "2.74" for q in old["quotes"])
    (chat,) = [o for o in catalog.offers_for("deepseek-v3.2") if o.channel == "deepseek"]
    assert chat.effective_to == date(2026, 4, 24)


def test_perplexity_is_not_cheapest_with_long_retired_models() -> None:
    catalog = load_catalog()
    gone = [
        "mixtral-8x7b",
        "mistral-7b",
        "llama-2-70b-chat",
        "pplx-70b-chat",
        "pplx-7b-online",
        "codellama-70b-instruct",
    ]
    for model in gone:
        offers = [o for o in catalog.offers_for(model) if o.channel == "perplexity"]
        assert offers and all(o.effective_to is not None and o.effective_to <= date(2025, 2, 22) for o in offers)
    live_non_sonar = [
        o
        for o in catalog.offers
        if o.channel == "perplexity" and o.valid_at(TODAY) and catalog.models[o.model].family.startswith("llama")
    ]
    assert live_non_sonar == []


def test_retirement_rules_are_checked(tmp_path) -> None:
    import pytest

    from billpath.errors import CatalogError

    bad = tmp_path / "retirements.toml"
    bad.write_text('[[retire]]\nchannel = "x"\nmodels = ["a"]\non = 2026-01-01\nreason = "r"\n')
    with pytest.raises(CatalogError, match="exactly"):
        freshness.load_rules(bad)


def test_a_retirement_ends_an_offer_and_drops_later_blocks() -> None:
    offers = [
        {"model": "m", "channel": "c", "effective_from": "2026-01-01", "effective_to": None, "notes": []},
        {"model": "m", "channel": "c", "effective_from": "2026-06-01", "effective_to": None, "notes": []},
    ]
    rule = {"channel": "*", "models": ["m"], "on": date(2026, 3, 1), "reason": "gone"}
    kept, stats = freshness.apply(offers, [{"id": "m", "maker": "x"}], {}, [rule])
    assert [o["effective_to"] for o in kept] == ["2026-03-01"] and stats["dropped_after_retirement"] == 1
    assert "no longer sold since 2026-03-01: gone" in kept[0]["notes"]
