"""The built catalog: breadth, cross-source check kept in the docs, validation, schema, price history, browsing."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from billpath.catalog.crosscheck import DOCS, docs_block, run_check
from billpath.catalog.schema_files import stale_schemas
from billpath.catalog.validate import validate_snapshot

BIN = Path(sys.executable).parent / "billpath"


@pytest.fixture(scope="module")
def check() -> dict:
    return run_check()


def test_check_count_in_docs_is_current(check) -> None:
    assert docs_block(check) in DOCS.read_text(encoding="utf-8"), "run `python -m billpath.catalog.crosscheck --docs`"


def test_every_disagreement_has_both_values_and_a_stated_rule(check) -> None:
    assert check["count"] == len(check["disagreements"]) > 0
    for d in check["disagreements"]:
        assert d["chosen"] != d["other"] and d["differences"]
        assert all(rule in check["rules"] for rule in d["rule"].split("+"))
        for diff in d["differences"]:
            assert diff["chosen"] != diff["other"]


def test_known_gaps_are_resolved_as_documented(check) -> None:
    by = {(d["model"], d["channel"], d["variant"], d["other"]): d for d in check["disagreements"]}
    # GPT-5.5 on Bedrock: GP untiered, the curated offer keeps the 272k tier
    d = by[("gpt-5.5", "aws-bedrock", "regional", "genai-prices")]
    assert d["rule"] == "curated" and {"field": "tiers_above_input_tokens", "chosen": [272000], "other": []} in [
        {k: v for k, v in x.items() if k != "relative_difference"} for x in d["differences"]
    ]
    # Bedrock batch: GP has none; litellm fills it where base prices agree
    assert any(x["channel"] == "aws-bedrock" and x["rule"].endswith("fill-batch") for x in check["disagreements"])


def test_snapshot_validates_and_no_offer_is_silently_free(snapshot) -> None:
    assert validate_snapshot(snapshot) == []
    for o in snapshot["offers"]:
        base = o["tiers"][0]
        assert D(base["input_per_mtok"]) + D(base["output_per_mtok"]) > 0, o


def test_validation_messages_say_how_to_fix(snapshot) -> None:
    bad = json.loads(json.dumps(snapshot))
    o = next(o for o in bad["offers"] if o["channel"] == "novita")
    o["tiers"][0]["input_per_mtok"] = "-1"
    o["source"]["checked"] = ""
    bad["offers"].append({**o, "effective_from": o["effective_from"]})
    problems = validate_snapshot(bad)
    assert any("negative" in p and "catalog/sources" in p for p in problems)
    assert any("checked date" in p and "YYYY-MM-DD" in p for p in problems)
    assert any("overlap" in p and "effective_to" in p for p in problems)


def test_json_schema_is_published_and_current() -> None:
    assert stale_schemas() == [], "run `billpath catalog schema`"


def test_sonnet_46_long_context_tier_until_2026_03_13(catalog) -> None:
    from billpath.api import compare

    before = compare("claude-sonnet-4-6", input_tokens=300_000, output_tokens=1000, at=_d("2026-03-01"))
    after = compare("claude-sonnet-4-6", input_tokens=300_000, output_tokens=1000, at=_d("2026-03-20"))
    direct = {q.offer.channel: q for q in before.quotes if q.offer.variant == "standard"}
    assert direct["anthropic"].total == D("1.8225")  # 300k x 6 + 1k x 22.50 per million: the whole request
    assert {q.offer.channel: q for q in after.quotes if q.offer.variant == "standard"}["anthropic"].total == D("0.915")


def test_cli_sonnet_46_at_date_json() -> None:
    out = subprocess.run(
        [
            str(BIN),
            "compare",
            "claude-sonnet-4-6",
            "--at",
            "2026-03-01",
            "--input-tokens",
            "300000",
            "--output-tokens",
            "1000",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    quotes = {(q["channel"], q["variant"]): q for q in json.loads(out.stdout)["quotes"]}
    assert quotes[("anthropic", "standard")]["cost"]["total"] == "1.8225"


def test_imported_dated_price_blocks_price_by_date(catalog) -> None:
    # genai-prices' OpenRouter history for an imported model: each block in force in its own period
    from datetime import date

    periods = [
        (o.model, o.effective_from, o.effective_to)
        for o in catalog.offers
        if o.channel == "openrouter" and o.effective_to is not None and (o.source.note or "").startswith("genai-prices")
    ]
    assert periods, "no dated imported blocks"
    model, _start, end = periods[0]
    offers = [o for o in catalog.offers_for(model) if o.channel == "openrouter" and o.variant == "standard"]
    at_old = [o for o in offers if o.valid_at(date.fromordinal(end.toordinal() - 1))]
    at_new = [o for o in offers if o.valid_at(end)]
    assert len(at_old) == len(at_new) == 1 and at_old[0] is not at_new[0]


def test_models_json_lists_over_1000_chat_models_with_channels_and_cheapest() -> None:
    out = subprocess.run([str(BIN), "models", "--format", "json"], capture_output=True, text=True, check=True)
    models = json.loads(out.stdout)["models"]
    assert len(models) >= 1000
    for m in models:
        assert m["channels"], m["id"]
    assert sum(1 for m in models if m["cheapest"]) >= 1000


def test_models_search_maker_channel_filters() -> None:
    from billpath.report.listing import models_listing

    payload, _ = models_listing(search="llama", maker="meta", channel="groq")
    ids = [m["id"] for m in payload["models"]]
    assert ids and all("llama" in (m["id"] + m["name"]).lower() and "groq" in m["channels"] for m in payload["models"])
    assert all(m["maker"] == "meta" for m in payload["models"])


def _d(text: str):
    from datetime import date

    return date.fromisoformat(text)
