from __future__ import annotations

import json

from billpath.catalog.build import SNAPSHOT, build, render


def test_snapshot_is_current_and_deterministic() -> None:
    first = render(build())
    assert first == render(build())
    assert json.loads(first) == json.loads(SNAPSHOT.read_text(encoding="utf-8")), "run `billpath catalog build`"


def test_every_offer_has_source_and_dates() -> None:
    snap = build()
    for o in snap["offers"]:
        assert o["source"]["url"].startswith("https://") and o["source"]["checked"]
        assert o["effective_from"]
        for t in o["tiers"]:
            assert all(v is None or not v.startswith("-") for k, v in t.items() if k != "above_input_tokens")


def test_required_channels_and_models() -> None:
    snap = build()
    channels = {c["id"]: c["kind"] for c in snap["channels"]}
    assert channels == {
        "anthropic": "direct",
        "openai": "direct",
        "google": "direct",
        "deepseek": "direct",
        "aws-bedrock": "cloud",
        "azure": "cloud",
        "google-vertex": "cloud",
        "openrouter": "aggregator",
        "together": "aggregator",
        "fireworks": "aggregator",
        "cursor": "application",
        "github-copilot": "application",
        "replit": "application",
    }
    models = {m["id"] for m in snap["models"]}
    assert {"claude-opus-4-8", "claude-sonnet-4-6", "gpt-5.5", "gpt-5.4-mini", "gpt-oss-120b"} <= models
    assert any(m.startswith("gemini") for m in models)
    assert any(m.startswith("deepseek") for m in models)
    assert any(m.startswith("llama") for m in models)
