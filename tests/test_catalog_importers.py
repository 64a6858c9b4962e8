"""Importers on small hand-written sample files (tests/data/catalog/), and the id mapping and merge rules."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from types import SimpleNamespace

import pytest

from billpath.catalog.importers import genai_prices, litellm, merge, openrouter
from billpath.catalog.importers.canon import parse

DATA = Path(__file__).parent / "data" / "catalog"
TODAY = date(2026, 11, 26)


def _load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _by(records, **match):
    return [r for r in records if all(getattr(r, k) == v for k, v in match.items())]


def test_genai_prices_dated_blocks_become_dated_records_with_tiers() -> None:
    recs = list(genai_prices.records(_load("genai-prices-sample.json")))
    sonnet = sorted(_by(recs, raw_id="claude-sonnet-4-6", tier=None), key=lambda r: r.effective_from)
    assert [r.effective_from for r in sonnet] == [date(1, 1, 1), date(2026, 3, 13)]
    old, new = sonnet
    assert [t["above_input_tokens"] for t in old.tiers] == [0, 200000]
    assert (old.tiers[1]["input_per_mtok"], old.tiers[1]["output_per_mtok"]) == ("6", "22.5")
    assert old.tiers[1]["cache_write_5m_per_mtok"] == "3.75"  # untiered component keeps its base price
    assert len(new.tiers) == 1
    assert old.batch_multiplier == D("0.5") and old.batch_discounts_cache


def test_genai_prices_variants_free_batch_ids_time_of_day_and_non_token_models() -> None:
    recs = list(genai_prices.records(_load("genai-prices-sample.json")))
    fast = _by(recs, raw_id="claude-fable-9", tier="fast")
    assert [(r.tiers[0]["input_per_mtok"], r.tiers[0]["output_per_mtok"]) for r in fast] == [("2", "10")]
    orr = _by(recs, channel="openrouter")
    assert {r.raw_id for r in orr} == {"anthropic/claude-fable-9"}  # :free skipped, :batch folded in
    assert {r.batch_multiplier for r in orr} == {D("0.5")}
    ds = _by(recs, raw_id="deepseek-chat")
    assert len(ds) == 1 and ds[0].tiers[0]["input_per_mtok"] == "0.27"  # the daytime (peak) block
    schedule = ds[0].time_of_day  # ... with the other block as its off-peak price (0.5x of every price)
    assert schedule["off_peak_multiplier"] == "0.5" and "every day" in schedule["note"]
    assert schedule["peak"] == [{"days": genai_prices.EVERY_DAY, "start": "00:30", "end": "16:30"}]
    assert not _by(recs, raw_id="voyage-3")  # embeddings: no output price, not a chat model
    aws = {r.location for r in _by(recs, channel="aws-bedrock")}
    assert aws == {"global", "regional"}
    assert all(not i.startswith("regional.") for r in recs for i in r.ids)


def _gp_entry(prices: list[dict]) -> dict:
    data = _load("genai-prices-sample.json")
    entry = {"provider": "deepseek", "id": "deepseek-x", "ids": ["deepseek-x"], "name": None, "context_window": None}
    return {**data, "models": [{**entry, "prices": prices}]}


def test_genai_prices_time_blocks_become_a_schedule_of_the_latest_dated_block() -> None:
    peak = {"input_mtok": "1.32", "output_mtok": "3.96", "cache_read_mtok": "0.044"}
    blocks = [
        {"prices": {"input_mtok": "0.435", "output_mtok": "0.87", "cache_read_mtok": "0.003625"}},
        {
            "start_date": "2026-08-17",
            "prices": {"input_mtok": "0.66", "output_mtok": "1.98", "cache_read_mtok": "0.022"},
        },
        {"time_of_day": ["01:00:00+00:00", "04:00:00+00:00"], "prices": peak},
        {"time_of_day": ["22:00:00+00:00", "00:00:00+00:00"], "prices": peak},
        {"time_of_day": ["23:30:00+00:00", "00:30:00+00:00"], "prices": peak},
    ]
    old, new = sorted(genai_prices.records(_gp_entry(blocks)), key=lambda r: r.effective_from)
    assert old.time_of_day is None and old.tiers[0]["input_per_mtok"] == "0.435"  # before the schedule: as dated
    assert new.effective_from == date(2026, 8, 17) and new.tiers[0]["input_per_mtok"] == "1.32"
    assert new.time_of_day["off_peak_multiplier"] == "0.5"
    windows = [(w["start"], w["end"]) for w in new.time_of_day["peak"]]
    assert windows == [("01:00", "04:00"), ("22:00", "24:00"), ("23:30", "24:00"), ("00:00", "00:30")]


@pytest.mark.parametrize(
    "off_peak",
    [
        {"input_mtok": "0.66", "output_mtok": "1.5", "cache_read_mtok": "0.022"},  # not one multiple
        {"input_mtok": "0.66", "output_mtok": "1.98"},  # a component the peak block has is missing
        {"input_mtok": "2.64", "output_mtok": "7.92", "cache_read_mtok": "0.088"},  # dearer "off-peak": not one
    ],
)
def test_genai_prices_time_blocks_that_are_no_schedule_price_the_peak_block_at_every_hour(off_peak) -> None:
    peak = {"input_mtok": "1.32", "output_mtok": "3.96", "cache_read_mtok": "0.044"}
    (rec,) = genai_prices.records(
        _gp_entry([{"prices": off_peak}, {"time_of_day": ["01:00:00+00:00", "04:00:00+00:00"], "prices": peak}])
    )
    assert rec.time_of_day is None and rec.tiers[0]["input_per_mtok"] == "1.32"
    assert "at every hour (an upper bound)" in rec.notes[0]


def test_litellm_floats_are_exact_and_zero_prices_are_not_prices() -> None:
    recs = list(litellm.records(_load("litellm-sample.json")))
    nov = _by(recs, channel="novita")
    assert [(r.tiers[0]["input_per_mtok"], r.tiers[0]["output_per_mtok"]) for r in nov] == [("0.89", "0.89")]
    assert not _by(recs, channel="together")  # $0 in and out: litellm's placeholder, never imported
    assert not [r for r in recs if r.provider == "volcengine"]  # unmapped provider


def test_litellm_locations_tiers_batch_and_service_tiers() -> None:
    recs = list(litellm.records(_load("litellm-sample.json")))
    bedrock = {(r.raw_id, r.location) for r in _by(recs, channel="aws-bedrock")}
    assert bedrock == {
        ("anthropic.claude-fable-9", "regional"),
        ("us.anthropic.claude-fable-9", "regional"),
        ("global.anthropic.claude-fable-9", "global"),
    }
    (glob,) = _by(recs, location="global", channel="aws-bedrock")
    assert glob.batch_multiplier == D("0.5")
    assert [(t["above_input_tokens"], t["input_per_mtok"]) for t in glob.tiers] == [(0, "1"), (200000, "2")]
    azure = {(r.location, r.tier) for r in _by(recs, channel="azure")}
    assert azure == {("global", None), ("global", "priority"), ("data-zone", None)}
    vertex = {r.location: r.tiers[0]["input_per_mtok"] for r in _by(recs, channel="google-vertex")}
    assert vertex == {"global": "1", "regional": "1.1"}


def test_openrouter_models_and_endpoints() -> None:
    models = list(openrouter.records(_load("openrouter-models.json"), "2026-11-26"))
    ids = {r.raw_id for r in models}
    assert ids == {"anthropic/claude-sonnet-4.6", "meta-llama/llama-3.3-70b-instruct", "acme/brand-new-model-7b"}
    sonnet = _by(models, raw_id="anthropic/claude-sonnet-4.6")[0]
    assert sonnet.tiers[0]["input_per_mtok"] == "3.3" and sonnet.tiers[0]["cache_write_5m_per_mtok"] == "4.125"
    assert sonnet.tiers[0]["reasoning_per_mtok"] is None  # "0" means billed as output
    assert "anthropic/claude-4.6-sonnet-20260217" in sonnet.ids
    llama = _by(models, raw_id="meta-llama/llama-3.3-70b-instruct")[0]
    assert llama.tiers[0]["cache_read_per_mtok"] is None  # "0" cache price: no caching, not free reads
    eps = list(openrouter.records(_load("openrouter-endpoints-llama.json"), "2026-11-26"))
    assert {r.location: r.tiers[0]["input_per_mtok"] for r in eps} == {
        "provider-deepinfra-fp8": "0.23",
        "provider-groq": "0.59",
        "provider-cerebras": "0.85",
    }
    assert any("fp8" in n for n in _by(eps, location="provider-deepinfra-fp8")[0].notes)


@pytest.mark.parametrize(
    ("raw", "base", "key", "when"),
    [
        ("global.anthropic.claude-opus-4-8-v1:0", "claude-opus-4-8", "claude-opus-4-8", None),
        ("anthropic.claude-3-5-sonnet-20240620-v1:0", "claude-3-5-sonnet", "claude-3-5-sonnet", date(2024, 6, 20)),
        ("anthropic/claude-3.5-sonnet:beta", "claude-3.5-sonnet", "claude-3-5-sonnet", None),
        ("claude-sonnet-4-5@20250929", "claude-sonnet-4-5", "claude-sonnet-4-5", date(2025, 9, 29)),
        ("accounts/fireworks/models/llama-v3p3-70b-instruct", "llama-v3p3-70b-instruct", "llama-3-3-70b", None),
        ("meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama-3.3-70b-instruct-turbo", "llama-3-3-70b", None),
        ("us.meta.llama3-3-70b-instruct-v1:0", "llama3-3-70b-instruct", "llama-3-3-70b", None),
        ("gpt-4o-2024-08-06", "gpt-4o", "gpt-4o", date(2024, 8, 6)),
        ("gpt-4-turbo", "gpt-4-turbo", "gpt-4-turbo", None),  # not gpt-4: -turbo names a model here
        ("gemini-2.0-flash-001", "gemini-2.0-flash", "gemini-2-0-flash", None),
        ("deepseek-ai/deepseek-v3.2-maas", "deepseek-v3.2", "deepseek-v3-2", None),
        ("openai.gpt-oss-120b-1:0", "gpt-oss-120b", "gpt-oss-120b", None),
        # issue 12: one model, whether a host spells the packaging word before the version or not
        ("qwen3-235b-a22b-instruct-2507", "qwen3-235b-a22b-instruct-2507", "qwen-3-235b-a22b-2507", None),
        ("qwen3-235b-a22b-thinking-2507", "qwen3-235b-a22b-thinking-2507", "qwen-3-235b-a22b-thinking-2507", None),
        ("us.anthropic.claude-opus-4-6-v1", "claude-opus-4-6", "claude-opus-4-6", None),  # -v1 without :0
        ("xai.grok-4.3", "grok-4.3", "grok-4-3", None),  # Bedrock's xai. vendor dot
        ("llama-3.3-70b-versatile", "llama-3.3-70b-versatile", "llama-3-3-70b", None),  # Groq
        ("@cf/meta/llama-3.3-70b-instruct-fp8-fast", "llama-3.3-70b-instruct-fp8-fast", "llama-3-3-70b", None),
        ("grok-4-fast", "grok-4-fast", "grok-4-fast", None),  # -fast alone names a model
        ("mistral/zai-glm-5", "glm-5", "glm-5", None),  # a maker's name some hosts put in front
        ("Qwen/Qwen2.5-72B-Instruct-Turbo", "qwen2.5-72b-instruct-turbo", "qwen-2-5-72b", None),
        ("deepseek-ai/DeepSeek-V3", "deepseek-v3", "deepseek-v3", None),  # -v3 names the model, not a version
        ("deepseek.r1-v1:0", "deepseek-r1", "deepseek-r1", None),
        ("anthropic.claude-v2:1", "claude-v2", "claude-v2", None),  # never a bare family word
    ],
)
def test_id_mapping(raw, base, key, when) -> None:
    p = parse(raw)
    assert (p.base, p.key, p.date) == (base, key, when)


def _run(records, curated_offers=()):
    models = [SimpleNamespace(id="claude-fable-9", aliases=())]
    return merge.run(list(records), models, list(curated_offers), TODAY)


def test_merge_genai_prices_first_litellm_fills_batch_and_tiers_and_bedrock_geo_wins() -> None:
    recs = [*genai_prices.records(_load("genai-prices-sample.json")), *litellm.records(_load("litellm-sample.json"))]
    res = _run(r for r in recs if "fable" in r.raw_id)
    offers = {(o["channel"], o["variant"]): o for o in res.offers if o["model"] == "claude-fable-9"}
    glob = offers[("aws-bedrock", "global")]
    assert glob["variant_kind"] == "standard" and offers[("aws-bedrock", "regional")]["variant_kind"] == "location"
    assert glob["batch_multiplier"] == "0.5"  # GP lacks Bedrock batch: litellm fills it
    assert [t["above_input_tokens"] for t in glob["tiers"]] == [0, 200000]  # and the tier
    assert offers[("aws-bedrock", "regional")]["tiers"][0]["input_per_mtok"] == "1.1"
    rules = {(d["channel"], d["variant"]): d["rule"] for d in res.disagreements}
    assert rules[("aws-bedrock", "global")] == "fill-tiers+fill-batch"
    # litellm's bare id at the global price loses to its geo-prefixed regional id (AWS bills bare ids in-region)
    first = [d for d in res.disagreements if d["rule"] == "first-id"]
    assert first and first[0]["chosen"].startswith("litellm:us.") and first[0]["other"].startswith("litellm:anthropic.")
    # OpenRouter keeps genai-prices' dated history: two blocks
    orr = sorted((o for o in res.offers if o["channel"] == "openrouter"), key=lambda o: o["effective_from"])
    assert [o["effective_from"] for o in orr] == ["0001-01-01", "2026-10-19"]


def test_merge_curated_wins_and_is_reported() -> None:
    curated = [
        {
            "model": "claude-fable-9",
            "channel": "anthropic",
            "variant": "standard",
            "ids": ["claude-fable-9"],
            "effective_from": "2027-01-01",
            "effective_to": None,
            "tiers": [
                {
                    "above_input_tokens": 0,
                    "input_per_mtok": "1.2",
                    "output_per_mtok": "5",
                    "cache_read_per_mtok": None,
                    "cache_write_5m_per_mtok": None,
                }
            ],
            "batch_multiplier": None,
        }
    ]
    recs = [r for r in genai_prices.records(_load("genai-prices-sample.json")) if r.raw_id == "claude-fable-9"]
    res = merge.run(recs, [SimpleNamespace(id="claude-fable-9", aliases=())], curated, date(2027, 2, 1))
    assert not [o for o in res.offers if o["channel"] == "anthropic"]
    (d,) = [d for d in res.disagreements if d["variant"] == "standard"]
    assert (d["chosen"], d["other"], d["rule"]) == ("curated", "genai-prices", "curated")
    assert d["differences"][0] == {
        "field": "input_per_mtok",
        "chosen": "1.2",
        "other": "1",
        "relative_difference": "16.67",
    }


def test_new_model_gets_maker_name_and_release_date_only_from_a_dated_id() -> None:
    recs = list(openrouter.records(_load("openrouter-models.json"), "2026-11-26"))
    res = merge.run(recs, [], [], TODAY)
    models = {m["id"]: m for m in res.models}
    new = models["brand-new-model-7b"]
    assert (new["maker"], new["name"], new.get("released")) == ("acme", "Brand New 7B", None)
    assert (
        models["claude-sonnet-4.6"].get("released") is None
    )  # its canonical_slug's date is OpenRouter's, kept as an id


def test_vendored_genai_prices_extract_matches_the_pinned_package() -> None:
    pytest.importorskip("genai_prices")
    from importlib.metadata import version

    from billpath.catalog.importers.vendor import GP_FILE, extract_genai_prices

    vendored = json.loads(GP_FILE.read_text(encoding="utf-8"))
    if version("genai-prices") != vendored["source"]["version"]:
        pytest.skip("a different genai-prices is installed than the vendored extract")
    fresh = extract_genai_prices()
    fresh["source"]["checked"] = vendored["source"]["checked"]
    assert fresh == vendored, "re-run `python -m billpath.catalog.importers.vendor genai-prices`"


def test_vendored_litellm_extract_keeps_only_chat_token_prices() -> None:
    from billpath.catalog.importers.vendor import LL_FILE

    data = json.loads(LL_FILE.read_text(encoding="utf-8"))
    assert data["source"]["version"] == "1.110.2" and data["source"]["license"] == "MIT"
    assert {e["mode"] for e in data["models"].values()} <= {"chat", "responses"}
    assert len(data["models"]) > 3000


def _gp(models: list[dict]) -> dict:
    src = {"package": "genai-prices", "version": "t", "url": "https://example.test/gp", "checked": "2026-11-26"}
    providers = [{"id": "openai", "name": "OpenAI", "pricing_urls": ["https://example.test/openai"]}]
    return {"source": src, "providers": providers, "models": [{"provider": "openai", **m} for m in models]}


def test_differently_priced_names_are_split_not_merged_or_lost() -> None:
    data = _gp(
        [
            {
                "id": "gpt-9",
                "ids": ["gpt-9", "gpt-9-codex"],
                "name": "GPT-9",
                "prices": [{"prices": {"input_mtok": "1", "output_mtok": "8"}}],
            },
            {
                "id": "gpt-9-codex",
                "ids": ["gpt-9-codex"],
                "name": None,
                "prices": [{"prices": {"input_mtok": "2", "output_mtok": "9"}}],
            },
            {
                "id": "gpt-9-instruct",
                "ids": ["gpt-9-instruct"],
                "name": None,
                "prices": [{"prices": {"input_mtok": "3", "output_mtok": "4"}}],
            },
            {
                "id": "gpt-9-2027-01-05",
                "ids": ["gpt-9-2027-01-05"],
                "name": None,
                "prices": [{"prices": {"input_mtok": "5", "output_mtok": "6"}}],
            },
            {
                "id": "gpt-9:extended",
                "ids": ["gpt-9:extended"],
                "name": None,
                "prices": [{"prices": {"input_mtok": "7", "output_mtok": "7"}}],
            },
        ]
    )
    res = merge.run(list(genai_prices.records(data)), [], [], TODAY)
    prices = {o["model"]: o["tiers"][0]["input_per_mtok"] for o in res.offers}
    assert prices == {"gpt-9": "1", "gpt-9-codex": "2", "gpt-9-instruct": "3", "gpt-9-2027-01-05": "5"}
    names = {m["id"]: (m["name"], m.get("released")) for m in res.models}
    assert names["gpt-9-2027-01-05"] == ("GPT-9 (2027-01-05)", "2027-01-05")
    (dropped,) = [d for d in res.disagreements if d["rule"] == "first-id"]  # :extended names no model of its own
    assert dropped["other"].endswith("gpt-9:extended")


def test_litellm_retirement_ends_an_offer_genai_prices_still_lists() -> None:
    gp = _gp(
        [
            {
                "id": "gpt-8",
                "ids": ["gpt-8"],
                "name": "GPT-8",
                "prices": [{"prices": {"input_mtok": "1", "output_mtok": "2"}}],
            }
        ]
    )
    ll = {
        "source": {"package": "litellm", "version": "t", "url": "https://example.test/ll", "checked": "2026-11-26"},
        "models": {
            "gpt-8": {
                "litellm_provider": "openai",
                "mode": "chat",
                "input_cost_per_token": 1e-06,
                "output_cost_per_token": 2e-06,
                "deprecation_date": "2026-10-22",
            },
        },
    }
    res = merge.run([*genai_prices.records(gp), *litellm.records(ll)], [], [], TODAY)
    (offer,) = res.offers
    assert offer["effective_to"] == "2026-10-22" and any("retired 2026-10-22" in n for n in offer["notes"])
    (d,) = res.disagreements
    assert d["rule"] == "fill-retired" and d["differences"][0]["field"] == "retired"
