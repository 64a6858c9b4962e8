"""billpath recommend: constraints, exclusions with reasons, and break-even computed from the numbers."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from billpath.analysis.recommend import _crossing, recommend
from billpath.catalog.price_overlay import apply_overlay
from billpath.cli import app
from billpath.errors import UsageError
from billpath.usage.record import Usage

from .conftest import TODAY

D = Decimal
SONNET = Usage(input_tokens=10_000, output_tokens=1_000)
EXAMPLE = Path(__file__).parent.parent / "examples" / "prices.toml"


@pytest.fixture(autouse=True, scope="module")
def _leave_the_catalog_cache_as_found():
    """Overlays and logs parse every offer of the process-wide catalog: drop it afterwards."""
    yield
    from billpath.catalog import store

    store._CACHE.clear()


def _rec(catalog, *requires, model="claude-sonnet-4-6", usage=SONNET, requests=3000, **kw):
    return recommend(model, usage, D(requests), requires=list(requires), at=TODAY, catalog=catalog, **kw)


def test_done_when_billing_aws_via_cli():
    args = "recommend claude-sonnet-4-6 --requests 3000 --input-tokens 10000 --output-tokens 1000"
    result = CliRunner().invoke(app, [*args.split(), "--require", "billing:aws", "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    # Claude Platform on AWS (Anthropic's API on the AWS invoice) ties Bedrock's global endpoint at $135;
    # the tie goes to the maker's first-party API
    assert [(r["channel"], r["monthly_cost"]) for r in out["ranking"][:2]] == [
        ("claude-platform-aws", "135"),
        ("aws-bedrock", "135"),
    ]
    assert {"channel", "monthly_cost", "reasons"} <= set(out["ranking"][0])
    anthropic = next(e for e in out["excluded"] if e["channel"] == "anthropic")
    assert "billing:aws" in anthropic["reason"] and "AWS invoice" in anthropic["reason"]
    assert set(out["break_even"]) >= {"channels", "direct_channel", "rule_of_thumb"}


def test_region_eu_needs_a_pinned_variant(catalog):
    rec = _rec(catalog, "region:eu")
    ranked = [(r["channel"], r["variant"]) for r in rec.ranking]
    assert ("aws-bedrock", "regional") in ranked and ("google-vertex", "regional") in ranked
    assert all(v not in ("global", "standard") for _, v in ranked)
    reasons = {e["channel"]: e["reason"] for e in rec.excluded}
    assert "no EU-resident option on anthropic" in reasons["anthropic"]
    assert "openrouter" in reasons


def test_feature_batch_excludes_foundry_claude(catalog):
    rec = _rec(catalog, "feature:batch")
    assert "azure" not in [r["channel"] for r in rec.ranking]
    assert "no batch" in next(e for e in rec.excluded if e["channel"] == "azure")["reason"]


def test_multi_maker_and_failover(catalog):
    rec = _rec(catalog, "multi-maker")
    ranked = [r["channel"] for r in rec.ranking]
    assert "openrouter" in ranked and all(catalog.channels[c].multi_maker for c in ranked)
    assert "one maker" in next(e for e in rec.excluded if e["channel"] == "anthropic")["reason"]
    rec = _rec(catalog, "billing:aws", "failover")  # two operators on the AWS invoice: Anthropic and AWS
    assert {rec.failover["primary"], rec.failover["secondary"]} == {"claude-platform-aws", "aws-bedrock"}
    rec = _rec(catalog, "billing:gcp", "failover")
    assert rec.failover["secondary"] is None and "fewer than two" in rec.failover["problem"]
    rec = _rec(catalog, "failover")
    assert rec.failover["primary"] != rec.failover["secondary"]
    assert any("failover partner" in r for r in rec.ranking[0]["reasons"])


def test_unknown_requirement_lists_the_known_ones(catalog):
    with pytest.raises(UsageError, match="billing:aws"):
        _rec(catalog, "billing:oracle")


def test_break_even_from_the_catalog_alone(catalog):
    be = _rec(catalog).break_even["channels"]
    # Bedrock global is at list price: direct never becomes strictly cheaper, at any spend
    assert be["aws-bedrock"]["verdict"] == "never" and be["aws-bedrock"]["direct_beats_from_usd"] is None
    # OpenRouter passes prices through but charges 5.5% on card credits: direct is cheaper from the first dollar
    assert be["openrouter"]["verdict"] == "always" and be["openrouter"]["at_your_spend_direct_saves"] == "7.425"


def test_break_even_with_a_volume_discount_overlay(catalog):
    be = _rec(apply_overlay(catalog, EXAMPLE)).break_even["channels"]
    # 10% off Anthropic from $5,000/month; 3% off Bedrock from the first dollar: at $5,000 of list spend,
    # Bedrock costs $4,850 and direct $4,500, and below it direct costs 3% more
    assert be["aws-bedrock"] == {
        "at_your_spend_direct_saves": "-4.05",
        "direct_beats_from_usd": "4850",
        "verdict": "above",
        "explanation": "anthropic is cheaper than aws-bedrock once you spend $4,850.00/month there",
    }
    assert be["azure"]["direct_beats_from_usd"] == "5000"
    # the answer does not depend on where the user's own spend sits: above the threshold it is the same
    big = _rec(apply_overlay(catalog, EXAMPLE), requests=120_000)
    assert big.ranking[0]["channel"] == "anthropic" and big.ranking[0]["monthly_cost"] == "4860"
    assert big.break_even["channels"]["aws-bedrock"]["direct_beats_from_usd"] == "4850"
    assert big.break_even["channels"]["aws-bedrock"]["at_your_spend_direct_saves"] == "378"


@pytest.mark.parametrize(
    ("diff", "points", "expected"),
    [
        (lambda k: D(0), [], None),  # same price everywhere: never
        (lambda k: k, [], D(0)),  # a percentage fee: always
        (lambda k: -k, [], None),  # the alternative is cheaper and stays so
        (lambda k: D(0) if k < 10 else k, [D(10)], D(10)),  # a discount from k = 10
        (lambda k: 5 - k if k < 4 else k - 6, [D(4)], D(6)),  # dips below zero, recovers at 6
        (lambda k: k - 3, [], D(3)),  # a fixed cost on direct: crosses at 3
    ],
)
def test_crossing_on_piecewise_linear_differences(diff, points, expected):
    assert _crossing(diff, points) == expected


def test_recommend_from_a_log():
    log = str(EXAMPLE.parent / "usage.csv")
    result = CliRunner().invoke(
        app,
        ["recommend", "claude-sonnet-4-6", "--log", log, "-r", "region:us", "--format", "json", "--at", "2026-11-26"],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert "6 requests of claude-sonnet-4-6" in out["workload"]
    # the log's Sonnet rows: 540,000 input, 8,000 output, 10,000 5-minute cache writes; US-only +10%:
    # (540,000 x 3 + 8,000 x 15 + 10,000 x 3.75) / 1e6 x 1.1 = 1.95525
    assert (out["ranking"][0]["channel"], out["ranking"][0]["monthly_cost"]) == ("anthropic", "1.95525")
    assert out["break_even"]["direct_variant"] == "us-only"
    assert out["break_even"]["channels"]["aws-bedrock"]["verdict"] == "never"


def test_recommend_log_without_the_model():
    log = str(EXAMPLE.parent / "usage.csv")
    result = CliRunner().invoke(app, ["recommend", "llama-4-maverick", "--log", log])
    assert isinstance(result.exception, UsageError)  # the CLI's main() prints it on one line, exit 1
    assert "has no priced usage of llama-4-maverick (it has: claude-sonnet-4-6" in str(result.exception)
