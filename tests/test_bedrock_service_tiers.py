"""Issue 12: Bedrock service tiers (Flex cheaper, Standard, Priority dearer; `service_tier = priority | default |
flex`, docs.aws.amazon.com/bedrock/latest/userguide/service-tiers-inference.html). Each tier is a variant of the
offer where a source prices it (the vendored LiteLLM `*_flex` / `*_priority` prices, as OpenAI's flex and
priority are variants); a bill line's `-flex` / `-priority` suffix, or a log's `service_tier`, picks the tier of
that line's location, and a tier without a price is unpriced with the reason, never priced at another tier's."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D

import pytest

from billpath.api import price_log
from billpath.catalog.store import load_catalog
from billpath.usage.readers.aws_cur import parse_usage_type
from billpath.usage.routes import TIER, Router, tier_variant

AT = date(2026, 11, 26)
HEADER = (
    "line_item_line_item_type,line_item_product_code,line_item_usage_type,line_item_usage_start_date,"
    "line_item_usage_amount,line_item_unblended_cost\n"
)


def _cur(tmp_path, lines: list[tuple[str, int, str]]):
    path = tmp_path / "cur.csv"
    body = "".join(f"Usage,AmazonBedrock,{ut},2026-11-20T00:00:00Z,{n},{cost}\n" for ut, n, cost in lines)
    path.write_text(HEADER + body)
    return price_log([str(path)])


def test_bill_lines_are_priced_at_their_service_tier(tmp_path) -> None:
    """The usage-type examples of AWS's CUR page, 1,000,000 tokens each (prices: LiteLLM 1.110.2 vendored)."""
    r = _cur(
        tmp_path,
        [
            ("USE1-xai.grok-4.3-mantle-cache-read-tokens-flex", 1_000_000, "0.1"),  # flex cache read 0.10
            ("USE1-xai.grok-4.3-mantle-input-tokens-priority", 1_000_000, "2.1875"),  # priority input 2.1875
            ("USE1-qwen.qwen3-next-80b-a3b-instruct-mantle-input-tokens-flex", 1_000_000, "0.07"),  # flex 0.07
            ("EU-qwen.qwen3-coder-480b-a35b-instruct-mantle-input-tokens-flex", 1_000_000, "0.225"),  # flex 0.225
            ("USE1-openai.gpt-oss-120b-mantle-output-tokens-flex", 1_000_000, "0.3"),  # flex output 0.30
            ("USE1-openai.gpt-oss-120b-mantle-output-tokens-priority", 1_000_000, "1.05"),  # priority output 1.05
            ("USE1-Llama4-Maverick-17B-input-tokens-batch", 1_000_000, "0.12"),  # batch: half of 0.24
            ("USE1-zai.glm-5.3-input-tokens-flex", 1_000_000, "0.924"),  # in-region flex: the regional tier
            ("USE1-zai.glm-5.3-input-tokens-flex-cross-region-global", 1_000_000, "0.84"),  # global flex
            ("USE1-NovaLite-input-tokens-priority", 1_000_000, "0.1"),  # no sourced priority price: unpriced
        ],
    )
    priced = D("0.1") + D("2.1875") + D("0.07") + D("0.225") + D("0.3") + D("1.05") + D("0.12") + D("0.924")
    assert r.total == priced + D("0.84")
    assert (r.rows_priced, r.rows_unpriced) == (9, 1)
    (nova,) = r.unpriced
    assert nova["reason"].startswith("no regional-priority service-tier price for nova-lite-v1 on aws-bedrock")
    assert "never priced at another tier's" in nova["reason"]
    assert {(c, v) for c, v in r.by_channel} >= {
        ("aws-bedrock", "flex"),
        ("aws-bedrock", "priority"),
        ("aws-bedrock", "regional-flex"),
        ("aws-bedrock", "standard"),
    }
    assert all(x["difference_usd"] == "0" for x in r.reconcile)  # each line's billed cost is its tier's price


def test_a_log_service_tier_column_picks_the_variant(tmp_path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(
        "timestamp,model,channel,service_tier,input_tokens,output_tokens\n"
        "2026-11-20T00:00:00Z,openai.gpt-oss-120b-1:0,aws-bedrock,flex,100000,0\n"  # 100,000 x 0.075 = 0.0075
        "2026-11-20T00:00:00Z,openai.gpt-oss-120b-1:0,aws-bedrock,priority,100000,0\n"  # x 0.2625 = 0.02625
        "2026-11-20T00:00:00Z,openai.gpt-oss-120b-1:0,aws-bedrock,default,100000,0\n"  # the standard 0.15: 0.015
        "2026-11-20T00:00:00Z,minimax-m2.1,aws-bedrock,priority,100000,0\n"  # x 0.525 = 0.0525
        "2026-11-20T00:00:00Z,minimax-m2.1,aws-bedrock,,100000,0\n"  # only a priority price: unpriced
    )
    r = price_log([str(log)])
    assert r.total == D("0.0075") + D("0.02625") + D("0.015") + D("0.0525")
    (only,) = r.unpriced
    assert "sells minimax-m2.1 only in service tiers (priority)" in only["reason"]


def _bedrock(catalog) -> dict[str, dict]:
    by: dict[str, dict] = {}
    for o in catalog.offers:
        if o.channel == "aws-bedrock" and o.valid_at(AT):
            by.setdefault(o.model, {})[o.variant] = o
    return by


def _location(variants: dict, variant: str) -> str | None:
    where = TIER.match(variant)["where"] if TIER.match(variant) else variant
    if where:
        return where
    return next((v for v, o in variants.items() if o.variant_kind == "standard"), None)


def test_flex_is_cheaper_and_priority_dearer_than_standard_everywhere(catalog=None) -> None:
    """The general property over every Bedrock tier variant: Flex <= the same location's standard price <=
    Priority, input and output (a tier without its location's standard offer prices nothing on its own)."""
    catalog = load_catalog()
    checked = 0
    for model, variants in _bedrock(catalog).items():
        for v, o in variants.items():
            m = TIER.match(v)
            if not m or o.variant_kind != "service-tier":
                continue
            base = variants.get(_location(variants, v) or "")
            if base is None:
                continue
            ti, to = o.tiers[0].input_per_mtok, o.tiers[0].output_per_mtok
            bi, bo = base.tiers[0].input_per_mtok, base.tiers[0].output_per_mtok
            if m["tier"] == "flex":
                assert ti <= bi and to <= bo, (model, v)
            else:
                assert ti >= bi and to >= bo, (model, v)
            checked += 1
    assert checked > 100


@pytest.mark.parametrize("where", ["regional", "global"])
@pytest.mark.parametrize("tier", ["flex", "priority"])
def test_a_tier_hint_resolves_to_that_locations_tier_or_to_nothing(where, tier) -> None:
    """For every Bedrock model: a bill's `~<location>-<tier>` lands on a tier variant of that location (the
    default location's plain `flex`, or `<location>-flex` where the location is sold apart), or is unpriced."""
    catalog = load_catalog()
    router = Router(catalog)
    resolved = 0
    for model, variants in _bedrock(catalog).items():
        known = set(variants)
        standard = [v for v, o in variants.items() if o.variant_kind == "standard"]
        default = standard[0] if standard else None
        got = tier_variant(f"{where}-{tier}", known, default)
        if got is None:
            assert f"{where}-{tier}" not in known and (tier not in known or (where in known and where != default))
            continue
        assert variants[got].variant_kind == "service-tier" and got.endswith(tier)
        if where in known and where != default:
            assert got == f"{where}-{tier}"  # never the other location's tier
        resolved += 1
        route = router.route(variants[got].ids[0] if variants[got].ids else model, "aws-bedrock", f"~{where}-{tier}")
        assert route.reason is None or route.model != model or route.variant == got
    assert resolved > 20


def test_the_cur_parser_keeps_location_and_tier() -> None:
    assert parse_usage_type("USE1-zai.glm-5.3-input-tokens-flex")["variant"] == "~regional-flex"
    assert parse_usage_type("USE1-zai.glm-5.3-input-tokens-priority-cross-region-global")["variant"] == (
        "~global-priority"
    )
    assert parse_usage_type("USW2-anthropic.claude-opus-4-8-mantle-input-tokens-global-standard")["variant"] == (
        "global"
    )
    assert re.fullmatch(r"~regional", parse_usage_type("USE1-Claude4.6Opus-input-tokens")["variant"])
