"""Feature gaps priced with and without the feature, application plans, version lag (hand-worked numbers)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billpath.analysis.compare import compare
from billpath.analysis.hidden_costs import lag_report, lag_rows
from billpath.catalog.store import Catalog
from billpath.usage.record import Usage

from .conftest import TODAY

D = Decimal
SONNET = Usage(input_tokens=10_000, output_tokens=1_000)  # 3000 of these: $135 at 3/15


@pytest.fixture(autouse=True, scope="module")
def _leave_the_catalog_cache_as_found():
    """Overlays and logs parse every offer of the process-wide catalog: drop it afterwards."""
    yield
    from billpath.catalog import store

    store._CACHE.clear()


def _by(comp, channel, variant=None):
    return next(
        q
        for q in (*comp.quotes, *comp.seats)
        if q.offer.channel == channel and (variant is None or q.offer.variant == variant)
    )


def test_missing_batch_is_priced_with_and_without_the_feature(catalog):
    comp = compare("claude-sonnet-4-6", SONNET, D(3000), batch_share=D("0.3"), at=TODAY, catalog=catalog)
    # direct: 70% of $135 on demand + 30% at half price = 94.50 + 20.25
    assert _by(comp, "anthropic", "standard").total == D("114.75")
    azure = _by(comp, "azure")  # Claude in Foundry: no batch price
    assert azure.total == D(135)
    gap = next(g for g in azure.hidden_costs if g["feature"] == "batch")
    assert D(gap["amount"]) == D("20.25")
    assert "no batch here: +$20.25/month (30% batch share billed on demand)" in azure.notes


def test_missing_prompt_caching_is_priced(catalog):
    # at a date DeepSeek's own API still served V3.2 (deepseek-chat moved to V4 Flash on 2026-04-24)
    comp = compare("deepseek-v3.2", Usage(cache_read_tokens=1_000_000), at=date(2026, 3, 1), catalog=catalog)
    bedrock = _by(comp, "aws-bedrock", "standard")
    assert bedrock.total == D("0.62")  # 1M cached reads billed as input at 0.62
    gap = next(g for g in bedrock.hidden_costs if g["feature"] == "prompt_caching")
    # with caching at DeepSeek's own ratio (0.028 / 0.28 = 0.1): 0.062, so the gap is 0.558
    assert D(gap["amount"]) == D("0.558")
    # zero-cost gaps are not reported (OpenRouter lacks only cache-write prices, and there are no writes)
    today = compare("deepseek-v3.2", Usage(cache_read_tokens=1_000_000), at=TODAY, catalog=catalog)
    assert not [g for g in _by(today, "openrouter").hidden_costs if g["feature"] == "prompt_caching"]


def test_application_plans_priced_for_the_workload(catalog):
    comp = compare("claude-sonnet-4-6", SONNET, D(3000), at=TODAY, catalog=catalog)
    cursor = _by(comp, "cursor")
    assert cursor.channel_kind == "application"
    assert cursor in comp.seats and all(q.channel_kind != "application" for q in comp.quotes)
    assert cursor.offer.variant == "pro-plus"  # $60 + (135 - 70) = 125 beats Pro (20 + 115) and Ultra (200)
    assert cursor.total == D(125)
    assert cursor.to_dict()["markup_vs_direct_pct"] == "-7.41"
    # AI credits at list ($135 of usage): Max $100 includes $200, beating Pro+ 39 + (135 - 70) = 104 and
    # Pro 10 + (135 - 15) = 130
    copilot = _by(comp, "github-copilot")
    assert (copilot.offer.variant, copilot.total) == ("max", D(100))
    assert any("pro-plus $104" in n and "pro $130" in n for n in copilot.notes)
    teams = compare("claude-sonnet-4-6", SONNET, D(3000), at=TODAY, catalog=catalog)
    cursor_notes = " ".join(_by(teams, "cursor").notes)
    # Teams: 40 + (135 - 20) + token rate 0.25/Mtok x 33M tokens (3000 x (10k in + 1k out)) = 163.25
    assert "teams $163.25" in cursor_notes
    replit = next(u for u in comp.unavailable if u["channel"] == "replit")
    assert "unknowable" in replit["reason"]
    for key in ("channel", "channel_kind", "cost", "markup_vs_direct_pct", "notes", "source"):
        assert key in cursor.to_dict()


def test_copilot_premium_requests_before_june_2026(catalog):
    comp = compare("claude-sonnet-4-6", SONNET, D(3000), at=date(2026, 5, 1), catalog=catalog)
    copilot = _by(comp, "github-copilot")
    # Pro+: 39 + (3000 - 1500) x 0.04 = 99 beats Pro: 10 + 2700 x 0.04 = 118
    assert (copilot.offer.variant, copilot.total) == ("pro-plus-premium-requests", D(99))
    gpt = compare("gpt-5.5", SONNET, D(300), at=date(2026, 5, 1), catalog=catalog)
    # 300 prompts x 7.5 = 2,250 premium requests: Pro 10 + 1,950 x 0.04 = 88; Pro+ 39 + 750 x 0.04 = 69
    assert _by(gpt, "github-copilot").total == D(69)


def test_lag_days_and_unknowns(catalog):
    released, rows = lag_rows(catalog, "claude-opus-4-8")
    assert released == date(2026, 5, 28)
    days = {r.channel: r.days_behind for r in rows}
    assert days["anthropic"] == 0 and days["aws-bedrock"] == 0 and days["google-vertex"] == 0
    assert days["openrouter"] is None  # no sourced arrival date: unknown, never invented
    assert days["github-copilot"] == 1  # added to Copilot's supported models on 2026-05-29
    assert days["cursor"] is None
    report = lag_report("Claude Opus 4.8", catalog=catalog)
    status = {r["channel"]: r["status"] for r in report["channels"]}
    assert status["openrouter"] == "unknown" and status["aws-bedrock"] == "same day"


def test_compare_notes_a_missing_newer_family_member(catalog):
    offers = [o for o in catalog.offers if not (o.model == "gemini-3.1-pro-preview" and o.channel == "google-vertex")]
    cat = Catalog(models=catalog.models, channels=catalog.channels, offers=offers, aliases=catalog.aliases)
    comp = compare(
        "gemini-2.5-pro", Usage(input_tokens=1000, output_tokens=1000), D(100), at=date(2026, 6, 1), catalog=cat
    )
    vertex = _by(comp, "google-vertex", "global")
    assert any("lacks gemini-3.1-pro-preview" in n and "$1.12" in n for n in vertex.notes)
    assert not any("lacks" in n for n in _by(comp, "google").notes)


def test_late_arrival_is_a_lag_note(catalog):
    from dataclasses import replace

    offers = [
        replace(o, available_from=date(2026, 6, 11))
        if (o.model, o.channel) == ("claude-opus-4-8", "aws-bedrock")
        else o
        for o in catalog.offers
    ]
    cat = Catalog(models=catalog.models, channels=catalog.channels, offers=offers, aliases=catalog.aliases)
    comp = compare("claude-opus-4-8", Usage(input_tokens=1000), at=TODAY, catalog=cat)
    assert any("arrived 14 days after" in n for n in _by(comp, "aws-bedrock", "global").notes)
    before = compare("claude-opus-4-8", Usage(input_tokens=1000), at=date(2026, 6, 1), catalog=cat)
    assert any(u["channel"] == "aws-bedrock" and "until 2026-06-11" in u["reason"] for u in before.unavailable)
