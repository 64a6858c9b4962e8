"""Issue 12, class 2 (channel kind per offer): a channel is `direct` only for its own maker's models."""

from __future__ import annotations

from decimal import Decimal

from billpath.api import compare, recommend
from billpath.catalog.store import load_catalog


def test_direct_only_for_the_makers_own_models() -> None:
    catalog = load_catalog()
    direct = 0
    for o in catalog.offers:
        channel = catalog.channels[o.channel]
        kind = catalog.offer_kind(o)
        if kind == "direct":
            direct += 1
            assert catalog.models[o.model].maker == (channel.maker or channel.id), (o.model, o.channel)
        elif channel.kind == "direct":
            assert kind == "aggregator"  # a maker's API selling another maker's model is a reseller
    assert direct > 100


def test_compare_reports_the_kind_per_offer() -> None:
    def kinds(model: str) -> dict[str, str]:
        quotes = compare(model, input_tokens=1000, output_tokens=1000).to_dict()["quotes"]
        return {q["channel"]: q["channel_kind"] for q in quotes}

    claude = kinds("claude-haiku-4-5")
    assert claude["anthropic"] == "direct" and claude["perplexity"] == "aggregator"
    assert claude["claude-platform-aws"] == "direct"
    sonar = load_catalog().offers_for("sonar")
    assert sonar and all(load_catalog().offer_kind(o) == "direct" for o in sonar if o.channel == "perplexity")
    glm = [
        o for o in load_catalog().offers if o.channel == "mistral" and load_catalog().models[o.model].maker != "mistral"
    ]
    assert glm and all(load_catalog().offer_kind(o) == "aggregator" for o in glm)


def test_maker_channels_and_consistent_maker_names() -> None:
    catalog = load_catalog()
    makers = {m.maker for m in catalog.models.values()}
    assert not makers & {"meta-models", "qwen", "x-ai", "moonshotai", "z-ai", "meta-llama", "mistralai"}
    for channel, maker in (("alibaba", "alibaba"), ("meta", "meta")):
        assert catalog.channels[channel].kind == "direct"
        own = [o for o in catalog.offers if o.channel == channel and catalog.offer_kind(o) == "direct"]
        assert own and all(catalog.models[o.model].maker == maker for o in own)
    assert catalog.direct_channel("qwen3-max") == "alibaba"
    # litellm's 43 dashscope/ entries: moving aliases (-latest) are skipped, same-priced spellings merge
    assert sum(1 for o in catalog.offers if o.channel == "alibaba") >= 20


def test_claude_platform_on_aws_is_anthropic_billed_by_aws() -> None:
    catalog = load_catalog()
    ch = catalog.channels["claude-platform-aws"]
    assert ch.billing == ("aws",) and ch.maker == "anthropic"
    assert any("Consumption Units" in n and "$0.01" in n for n in ch.notes)
    assert any("Message Batches" in n for n in ch.notes)
    rec = recommend(
        "claude-sonnet-4-6", input_tokens=10000, output_tokens=1000, requests=3000, requires=["billing:aws"]
    ).to_dict()
    assert rec["ranking"][0]["channel"] == "claude-platform-aws"
    assert Decimal(rec["ranking"][0]["monthly_cost"]) == Decimal(135)  # Anthropic's list price, no uplift
