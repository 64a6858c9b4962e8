"""Issue 12, class 1 (model identity): a channel's real ids resolve, and a maker's own id prices on the maker.

The general property runs every priced id of the major makers in the vendored litellm and genai-prices data
(exactly the records the importers read) through `Catalog.lookup`: none unknown, none resolved to another
maker's model, none resolved to a channel other than its own or the maker's.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from billpath.catalog.importers import genai_prices, litellm
from billpath.catalog.importers.canon import maker_for, parse
from billpath.catalog.store import load_catalog

MAJOR = {"anthropic", "openai", "google", "meta", "mistral", "deepseek", "xai", "qwen"}
# Ids that name nothing billpath can price, each with why:
NOT_PRICEABLE = {
    # OpenRouter's fast tier of Opus 4.8: the curated OpenRouter offer has no fast variant, and pricing it at
    # the standard price would understate it 2x; it stays unknown (unpriced with a reason in price-log).
    "anthropic/claude-opus-4.8-fast",
    # a dated form of a moving alias (`gpt-chat-latest`): the sources never say which model it was
    "openai/gpt-chat-latest-20260505",
}


def _priced_ids():
    from billpath.catalog.build import drop_mislabelled, import_rules

    records = drop_mislabelled([*genai_prices.records(), *litellm.records()], import_rules().get("drop_id", []))
    for r in records:
        for name in dict.fromkeys([r.raw_id, *r.ids]):
            if "-latest" in name or name in NOT_PRICEABLE:
                continue  # a moving alias names today's model, which the sources do not state
            p = parse(name)
            maker = maker_for(p.base, p.org)
            if maker in MAJOR:
                yield r.source, r.channel, name, maker


def test_every_priced_id_of_the_major_makers_resolves_to_its_own_maker_and_channel() -> None:
    catalog = load_catalog()
    checked, unknown, wrong_maker, wrong_channel = 0, [], [], []
    for source, channel, name, maker in _priced_ids():
        checked += 1
        got = catalog.lookup(name)
        if got is None:
            unknown.append((source, channel, name))
            continue
        if catalog.models[got.model].maker != maker:
            wrong_maker.append((name, got.model, catalog.models[got.model].maker, maker))
        if got.channel not in (None, channel, catalog.direct_channel(got.model)):
            wrong_channel.append((name, channel, got))
    assert checked > 5000  # the property covers the data, not a sample
    assert unknown == []
    assert wrong_maker == []
    assert wrong_channel == []


@pytest.mark.parametrize(
    ("name", "model", "channel", "variant"),
    [
        ("us.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5", "aws-bedrock", "regional"),
        ("anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5", "aws-bedrock", "regional"),
        ("eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3-7-sonnet", "aws-bedrock", None),
        ("us.anthropic.claude-opus-4-6-v1", "claude-opus-4-6", "aws-bedrock", "regional"),
        ("global.anthropic.claude-opus-4-6-v1", "claude-opus-4-6", "aws-bedrock", "global"),
        ("apac.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5", "aws-bedrock", "regional"),
        ("xai.grok-4.3", "grok-4.3", "aws-bedrock", None),
        ("claude-haiku-4-5-20251001", "claude-haiku-4-5", "anthropic", None),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5", "anthropic", None),
        ("llama-3.3-70b-versatile", "llama-3.3-70b", None, None),
        ("qwen3-235b-a22b-instruct-2507", "qwen3-235b-a22b-2507", None, None),
        ("deepseek-v4-pro-0813", "deepseek-v4-pro", None, None),
    ],
)
def test_listed_instances_resolve(name, model, channel, variant) -> None:
    got = load_catalog().resolve(name)
    assert got.model == model
    if channel is not None:
        assert got.channel == channel
    if variant is not None:
        assert got.variant == variant


def test_the_eu_profile_selects_an_offer_that_lists_eu_ids() -> None:
    catalog = load_catalog()
    got = catalog.resolve("eu.anthropic.claude-3-7-sonnet-20250219-v1:0")
    offer = next(o for o in catalog.offers_for(got.model) if (o.channel, o.variant) == (got.channel, got.variant))
    assert any(i.startswith("eu.") for i in offer.ids)


def test_one_model_not_several() -> None:
    catalog = load_catalog()
    for split_id in ("claude-opus-4-6-v1", "claude-haiku-4-5-2025-10-01", "deepseek-v4-pro-0813", "xai.grok-4.3"):
        assert split_id not in catalog.models
    channels = {o.channel for o in catalog.offers_for("deepseek-v4-pro")}
    assert {"deepseek", "together"} <= channels
    assert "groq" in {o.channel for o in catalog.offers_for("llama-3.3-70b")}
    assert "cloudflare" in {o.channel for o in catalog.offers_for("llama-3.3-70b")}


def test_a_maker_id_without_a_channel_prices_on_the_maker(tmp_path) -> None:
    """A log row `claude-haiku-4-5-20251001` with no channel is Anthropic's price (1/5), not Bedrock's +10%."""
    from billpath.api import price_log

    log = tmp_path / "u.csv"
    log.write_text(
        "timestamp,model,input_tokens,output_tokens,requests\n2026-11-01T00:00:00Z,claude-haiku-4-5-20251001,1000000,0,10\n"
    )
    out = price_log([str(log)]).to_dict()
    assert out["rows_priced"] == 1
    assert Decimal(out["total_usd"]) == Decimal(1)
    assert [c["channel"] for c in out["by_channel"]] == ["anthropic"]


def test_grammar_lookup_never_guesses() -> None:
    catalog = load_catalog()
    assert catalog.lookup("us.anthropic.claude-nonexistent-9-v1:0") is None
    assert catalog.lookup("claude") is None  # a family word names no model
    # an unseen Bedrock spelling of a known model: channel and variant from the grammar
    got = catalog.lookup("jp.anthropic.claude-haiku-4-5-20251001-v1:0")
    assert got is not None and (got.model, got.channel) == ("claude-haiku-4-5", "aws-bedrock")


def test_every_alias_names_a_model_the_snapshot_has() -> None:
    catalog = load_catalog()
    assert all(target[0] in catalog.models for target in catalog.aliases.values())


def test_mislabelled_ids_name_no_model() -> None:
    """litellm's Vertex `llama-4-maverick-17b-16e` (16E is Scout) is dropped by an import rule, not priced."""
    catalog = load_catalog()
    for name in ("vertex_ai/meta/llama-4-maverick-17b-16e-instruct-maas", "meta/llama-4-scout-17b-128e-instruct-maas"):
        assert catalog.lookup(name) is None or catalog.lookup(name).model in ("llama-4-maverick", "llama-4-scout")
    assert not [m for m in catalog.models if "maverick-17b-16e" in m or "scout-17b-128e" in m]
    vertex = [o for o in catalog.offers_for("llama-4-maverick") if o.channel == "google-vertex"]
    assert vertex and all("128e" in i for o in vertex for i in o.ids)


def test_drop_id_rules_are_checked(tmp_path) -> None:
    from billpath.catalog.build import import_rules
    from billpath.errors import CatalogError

    (tmp_path / "import-rules.toml").write_text('[[drop_id]]\nids = []\nreason = "x"\n')
    with pytest.raises(CatalogError, match="drop_id"):
        import_rules(tmp_path)
