"""`billpath catalog update`: a local FILE in, a diff out, a user-level override the loader honours (no network)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from billpath.catalog.build import OFFERS_FILE, SNAPSHOT

BIN = Path(sys.executable).parent / "billpath"
DATA = Path(__file__).parent / "data" / "catalog"


def _run(args: list[str], home: Path, ok: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "BILLPATH_HOME": str(home)}
    out = subprocess.run([str(BIN), *args], capture_output=True, text=True, env=env)
    if ok:
        assert out.returncode == 0, out.stderr
    return out


def _digest() -> str:
    return hashlib.sha256(SNAPSHOT.read_bytes() + OFFERS_FILE.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def updated(tmp_path_factory) -> tuple[Path, dict]:
    home = tmp_path_factory.mktemp("home")
    before = _digest()
    out = _run(
        [
            "catalog",
            "update",
            "openrouter",
            "--from",
            str(DATA / "openrouter-models.json"),
            "--from",
            str(DATA / "openrouter-endpoints-llama.json"),
            "--format",
            "json",
        ],
        home,
    )
    assert _digest() == before, "catalog update must never edit the installed package"
    return home, json.loads(out.stdout)


def test_update_shows_the_diff_and_writes_a_user_override(updated) -> None:
    home, payload = updated
    assert payload["written"] == str(home / "overrides" / "openrouter.json")
    changed = {(c["model"], c["channel"], c["variant"]): c for c in payload["changed"]}
    sonnet = changed[("claude-sonnet-4-6", "openrouter", "standard")]
    assert {"field": "input_per_mtok", "old": "3", "new": "3.3"} in sonnet["differences"]
    added = {(a["model"], a["variant"]) for a in payload["added"]}
    assert ("brand-new-model-7b", "standard") in added
    assert ("llama-3.3-70b", "provider-deepinfra-fp8") in added  # a cheaper provider behind the same id
    assert ("llama-3.3-70b", "provider-groq") not in added  # priced as the default route: no separate row


def test_loader_honours_the_override_from_its_fetch_date(updated) -> None:
    home, payload = updated
    fetched = payload["fetched"]
    now = json.loads(_run(["compare", "llama-3.3-70b", "--input-tokens", "1000000", "--format", "json"], home).stdout)
    rows = {(q["channel"], q["variant"]): q for q in now["quotes"]}
    assert rows[("openrouter", "provider-deepinfra-fp8")]["cost"]["input"] == "0.23"
    assert rows[("openrouter", "standard")]["effective_from"] == fetched
    before = json.loads(
        _run(
            ["compare", "claude-sonnet-4-6", "--input-tokens", "1000000", "--at", "2026-06-01", "--format", "json"],
            home,
        ).stdout
    )
    old = {(q["channel"], q["variant"]): q for q in before["quotes"]}[("openrouter", "standard")]
    assert old["cost"]["input"] == "3"  # usage dated before the update keeps the bundled price
    listed = json.loads(_run(["models", "--search", "brand-new", "--format", "json"], home).stdout)["models"]
    assert [m["id"] for m in listed] == ["brand-new-model-7b"]


def test_validate_checks_the_override_too(updated) -> None:
    home, _ = updated
    assert "catalog ok" in _run(["catalog", "validate"], home).stdout


def test_dry_run_writes_nothing_and_bad_input_is_one_line(tmp_path) -> None:
    out = _run(
        ["catalog", "update", "openrouter", "--from", str(DATA / "openrouter-models.json"), "--dry-run"], tmp_path
    )
    assert "dry run" in out.stdout and not (tmp_path / "overrides").exists()
    bad = _run(["catalog", "update", "openrouter", "--from", str(tmp_path / "missing.json")], tmp_path, ok=False)
    assert (
        bad.returncode == 1
        and bad.stderr.startswith("billpath: error: could not read")
        and "Traceback" not in bad.stderr
    )
    unknown = _run(["catalog", "update", "nope", "--from", "x"], tmp_path, ok=False)
    assert unknown.returncode == 1 and "unknown source" in unknown.stderr


def test_a_local_file_never_touches_the_network(monkeypatch) -> None:
    import urllib.request

    from billpath.catalog import update

    def refuse(*a, **k):
        raise AssertionError("network used for a local file")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    assert update.fetch_json(str(DATA / "openrouter-models.json"))["data"]


def test_catalog_update_is_the_only_network_client_in_the_package() -> None:
    import re

    src = Path(__file__).parents[1] / "src" / "billpath"
    client = re.compile(r"\b(urllib\.request|http\.client|import httpx|import requests|import aiohttp|urlopen)\b")
    users = sorted(str(p.relative_to(src)) for p in src.rglob("*.py") if client.search(p.read_text(encoding="utf-8")))
    assert users == ["catalog/update.py"]


def test_endpoints_option_builds_openrouter_urls_from_catalog_ids(monkeypatch) -> None:
    from datetime import date

    from billpath.catalog import update

    asked = []

    def fake_fetch(location: str) -> dict:
        asked.append(location)
        return json.loads((DATA / "openrouter-endpoints-llama.json").read_text(encoding="utf-8"))

    monkeypatch.setattr(update, "fetch_json", fake_fetch)
    plan = update.plan_update("openrouter", [], today=date(2026, 11, 26), endpoints=["Llama 3.3 70B Instruct"])
    assert asked == ["https://openrouter.ai/api/v1/models/meta-llama/llama-3.3-70b-instruct/endpoints"]
    assert {a["variant"] for a in plan["added"]} == {"provider-deepinfra-fp8", "provider-cerebras", "provider-groq"}
    with pytest.raises(Exception, match="openrouter only"):
        update.plan_update("litellm", [], endpoints=["llama-3.3-70b"])
