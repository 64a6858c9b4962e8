"""The bundled catalog: the article's table, variants, fees and history, worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from billpath.analysis.compare import compare
from billpath.usage.record import Usage
from tests.conftest import TODAY

ONE_K = Usage(input_tokens=1000, output_tokens=1000)


def totals(result) -> dict[tuple[str, str], D]:
    return {(q.offer.channel, q.offer.variant): q.total for q in result.quotes}


@pytest.mark.parametrize(
    ("name", "list_total", "clouds"),
    [
        ("Claude Opus 4.8", D(30), [("aws-bedrock", "global"), ("google-vertex", "global")]),
        ("Claude Sonnet 4.6", D(18), [("aws-bedrock", "global"), ("google-vertex", "global")]),
        ("GPT-5.5", D(35), [("azure", "global")]),
        ("GPT-5.4 Mini", D("5.25"), [("azure", "global")]),
    ],
)
def test_seed_article_table(catalog, name, list_total, clouds) -> None:
    """1,000 requests of 1k in + 1k out = 1M + 1M tokens: direct and cloud at list, OpenRouter 0-10% above."""
    result = compare(name, ONE_K, D(1000), at=TODAY, catalog=catalog)
    t = totals(result)
    direct = catalog.direct_channel(result.model)
    assert t[(direct, "standard")] == list_total
    for key in clouds:
        assert t[key] == list_total
    aggregator = t[("openrouter", "standard")]
    assert list_total <= aggregator <= list_total * D("1.10")
    assert aggregator == list_total * D("1.055")  # card fee 5.5%, passed-through token prices


def test_bedrock_regional_id_selects_the_regional_offer(catalog) -> None:
    result = compare("us.anthropic.claude-sonnet-4-6-v1:0", ONE_K, D(1000), at=TODAY, catalog=catalog)
    bedrock = [q for q in result.quotes if q.offer.channel == "aws-bedrock"]
    assert [(q.offer.variant, q.total) for q in bedrock] == [("regional", D("19.8"))]  # 3.3 + 16.5


def test_openrouter_fees_by_payment_method(catalog) -> None:
    def openrouter(payment, requests=D(1000), usage=ONE_K, purchase=None):
        result = compare(
            "claude-opus-4-8",
            usage,
            requests,
            at=TODAY,
            payment=payment,
            purchase_usd=purchase,
            catalog=catalog,
        )
        return next(q for q in result.quotes if q.offer.channel == "openrouter")

    assert openrouter(None).cost.fees == D("1.65")  # card by default: 5.5% of 30
    assert openrouter("crypto").cost.fees == D("1.5")  # 5%
    # $10 purchases: the $0.80 minimum is 8% of each purchase, above the 5.5% rate
    assert openrouter("card", purchase=D(10)).cost.fees == D("2.4")
    assert openrouter("byok").cost.fees == 0  # within the 1M free BYOK requests
    # 2M requests of 1k/1k = $60,000; 5% fee on the 1M requests past the allowance = 1,500
    assert openrouter("byok", D(2_000_000)).cost.fees == D("1500")


def test_sonnet_long_context_history(catalog) -> None:
    usage = Usage(input_tokens=300_000, output_tokens=1000)
    before = totals(compare("claude-sonnet-4-6", usage, at=date(2026, 3, 1), catalog=catalog))
    after = totals(compare("claude-sonnet-4-6", usage, at=date(2026, 3, 13), catalog=catalog))
    assert before[("anthropic", "standard")] == D("1.8") + D("0.0225")  # 300k x 6/M + 1k x 22.5/M
    assert after[("anthropic", "standard")] == D("0.9") + D("0.015")  # 3/M and 15/M


def test_gpt55_tier_on_openai(catalog) -> None:
    at_edge = totals(compare("gpt-5.5", Usage(input_tokens=272_000), at=TODAY, catalog=catalog))
    over = totals(compare("gpt-5.5", Usage(input_tokens=272_001), at=TODAY, catalog=catalog))
    assert at_edge[("openai", "standard")] == D("1.36")
    assert over[("openai", "standard")] == D("2.72001")


def test_anthropic_us_only_and_batch_with_cache(catalog) -> None:
    usage = Usage(input_tokens=1_000_000, cache_read_tokens=1_000_000, cache_write_1h_tokens=1_000_000)
    t = totals(compare("claude-opus-4-8", usage, at=TODAY, batch_share=D(1), catalog=catalog))
    assert t[("anthropic", "standard")] == D("2.5") + D("0.25") + D("5")  # all halved, cache included
    assert t[("anthropic", "us-only")] == (D("2.5") + D("0.25") + D("5")) * D("1.1")


def test_gemini_batch_keeps_cache_reads_at_standard(catalog) -> None:
    usage = Usage(input_tokens=100_000, cache_read_tokens=100_000)  # 200k prompt: not above the tier
    t = totals(compare("gemini-3.1-pro-preview", usage, at=TODAY, batch_share=D(1), catalog=catalog))
    assert t[("google", "standard")] == D("0.1") + D("0.02")  # input 2/M halved; cache read 0.2/M kept


def test_markup_is_relative_to_the_maker_direct_price(catalog) -> None:
    result = compare("claude-opus-4-8", ONE_K, D(1000), at=TODAY, catalog=catalog)
    marks = {(q.offer.channel, q.offer.variant): q.markup_vs_direct_pct for q in result.quotes}
    assert marks[("aws-bedrock", "regional")] == D("10.00")
    assert marks[("openrouter", "standard")] == D("5.50")


def test_open_model_without_direct_channel_has_no_markup(catalog) -> None:
    result = compare("gpt-oss-120b", ONE_K, D(1000), at=TODAY, catalog=catalog)
    assert result.quotes and all(q.markup_vs_direct_pct is None for q in result.quotes)
    assert any(u["channel"] == "openai" for u in result.unavailable)


def test_every_quote_has_a_source(catalog) -> None:
    for model in catalog.models:
        for q in compare(model, ONE_K, at=TODAY, catalog=catalog, all_variants=True).quotes:
            assert q.offer.source.url.startswith("https://")
            assert q.offer.source.checked
