from __future__ import annotations

import json
import shutil

from billpath.catalog.build import OFFERS_FILE, SNAPSHOT, build, render, stale_files
from billpath.catalog.store import Catalog, load_catalog


def test_snapshot_is_current_and_deterministic(snapshot) -> None:
    first = render(snapshot)
    assert first == render(build())
    assert not stale_files(snapshot), "run `billpath catalog build`"


def test_every_offer_has_source_and_dates(snapshot) -> None:
    for o in snapshot["offers"]:
        assert o["source"]["url"].startswith("https://") and o["source"]["checked"]
        assert o["effective_from"]
        for t in o["tiers"]:
            assert all(v is None or not v.startswith("-") for k, v in t.items() if k != "above_input_tokens")


def test_required_channels_and_models(snapshot) -> None:
    channels = {c["id"]: c["kind"] for c in snapshot["channels"]}
    article = {
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
    assert article.items() <= channels.items()
    models = {m["id"] for m in snapshot["models"]}
    assert {"claude-opus-4-8", "claude-sonnet-4-6", "gpt-5.5", "gpt-5.4-mini", "gpt-oss-120b"} <= models
    assert any(m.startswith("gemini") for m in models)
    assert any(m.startswith("deepseek") for m in models)
    assert any(m.startswith("llama") for m in models)
    sold = {o["channel"] for o in snapshot["offers"]}
    assert {c for c, kind in article.items() if kind != "application"} <= sold


def test_breadth_at_least_1000_chat_models(snapshot) -> None:
    priced = {o["model"] for o in snapshot["offers"]}
    assert len(priced) >= 1000
    assert len(snapshot["models"]) >= 1000


def test_split_snapshot_reads_one_model_without_parsing_the_rest(tmp_path) -> None:
    index = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert index["offers_file"] == OFFERS_FILE.name and "offers" not in index
    assert "offers_index" not in index  # no byte offsets: a one-price change is a one-line diff
    lines = OFFERS_FILE.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(index["offers_models"])
    line = json.loads(lines[index["offers_models"].index("claude-opus-4-8")])
    assert {o["model"] for o in line} == {"claude-opus-4-8"}
    for path in (SNAPSHOT, OFFERS_FILE):
        shutil.copy(path, tmp_path / path.name)
    cat = load_catalog(tmp_path / SNAPSHOT.name)  # a fresh load: nothing parsed yet
    assert [o.channel for o in cat.offers_for("claude-opus-4-8")]
    assert cat._all is None  # only that model's line was parsed


def test_build_reads_only_the_repository_no_package_data_and_no_network(tmp_path) -> None:
    """A clean clone rebuilds the same snapshot: genai-prices and litellm blocked, sockets refused."""
    import subprocess
    import sys

    code = (
        "import socket, sys\n"
        "sys.modules['genai_prices'] = None; sys.modules['litellm'] = None\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "from billpath.catalog.build import build, stale_files\n"
        "assert stale_files(build()) == [], 'stale'\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr


def test_a_one_price_change_is_a_one_line_diff_of_the_snapshot() -> None:
    """Changing one offer's price rewrites that model's line of the offers file and nothing else."""
    from billpath.catalog.build import build, render

    snapshot = build()
    before = render(snapshot)
    offer = next(o for o in snapshot["offers"] if o["model"] == "claude-opus-4-8")
    offer["tiers"][0]["input_per_mtok"] = "123.456"
    after = render(snapshot)
    assert after[SNAPSHOT.name] == before[SNAPSHOT.name]
    changed = [
        (a, b)
        for a, b in zip(before[OFFERS_FILE.name].splitlines(), after[OFFERS_FILE.name].splitlines(), strict=True)
        if a != b
    ]
    assert len(changed) == 1 and "123.456" in changed[0][1]


def test_tier_thresholds_read_off_the_snapshot_text_equal_those_of_the_parsed_offers() -> None:
    from billpath.catalog.store import thresholds

    bundled = load_catalog(SNAPSHOT)
    fast = Catalog(
        models=bundled.models, channels=bundled.channels, aliases=bundled.aliases, offer_lines=bundled._lines
    )
    assert fast.tier_thresholds() == thresholds(bundled.offers)
    assert fast._all is None  # read off the text: no offer parsed
    assert fast.tier_thresholds()  # the catalog has long-context tiers (GPT-5.5, Gemini, ...)


def test_the_stored_key_index_is_the_one_the_names_give(tmp_path, monkeypatch) -> None:
    """`catalog build` stores every name's match key (`ids.lookup`'s index); loaded, it equals the index parsed
    from the catalog's names, for the bundled snapshot and with a local update's models and aliases added."""
    import subprocess
    import sys
    from pathlib import Path

    from billpath.catalog import ids, store
    from billpath.catalog.build import KEYS_FILE

    assert json.loads(SNAPSHOT.read_text(encoding="utf-8"))["keys_file"] == KEYS_FILE.name
    bundled = load_catalog(SNAPSHOT)
    assert bundled._keys == ids.key_index(bundled)
    in_memory = Catalog(models=bundled.models, channels=bundled.channels, aliases=bundled.aliases)
    assert in_memory._keys == bundled._keys  # parsed at run time when there is no stored index

    data = Path(__file__).parent / "data" / "catalog"
    home = tmp_path / "home"
    update = ["catalog", "update", "openrouter", "--from", str(data / "openrouter-models.json")]
    bin_ = Path(sys.executable).parent / "billpath"
    out = subprocess.run([str(bin_), *update], capture_output=True, text=True, env={"BILLPATH_HOME": str(home)})
    assert out.returncode == 0, out.stderr
    monkeypatch.setenv("BILLPATH_HOME", str(home))
    monkeypatch.setattr(store, "_CACHE", {})
    updated = load_catalog()
    assert set(updated.models) - set(bundled.models), "the update adds models"
    assert updated._keys == ids.key_index(updated) != bundled._keys
