"""Issue 12, class 8 (provenance decides weight) and `billpath catalog audit`."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from billpath.api import compare, recommend
from billpath.catalog import audit
from billpath.catalog.store import Catalog, load_catalog
from billpath.cli import app


@pytest.fixture(scope="module")
def payload() -> dict:
    return audit.run_audit(audit.AUDIT_DATE)


def test_audit_is_clean_on_the_bundled_catalog(payload) -> None:
    assert payload["unexplained"] == 0, payload["findings"][:5]
    assert payload["ids_checked"] > 4000


def test_audit_count_in_docs_is_current(payload) -> None:
    assert audit.docs_block(payload) in audit.DOCS.read_text(encoding="utf-8"), (
        "run python -m billpath.catalog.audit --docs"
    )


def test_every_offer_says_how_it_is_known() -> None:
    catalog = load_catalog()
    kinds = {o.provenance for o in catalog.offers}
    assert kinds == {"curated", "corroborated", "single-source"}
    (dbx,) = [o for o in catalog.offers_for("claude-haiku-4-5") if o.channel == "databricks"]
    assert dbx.provenance == "single-source"  # litellm only
    curated = [o for o in catalog.offers_for("claude-opus-4-8") if o.channel == "anthropic"]
    assert curated and all(o.provenance == "curated" for o in curated)


def test_a_single_source_lead_is_flagged() -> None:
    quotes = compare("mixtral-8x7b", input_tokens=1_000_000, output_tokens=1_000_000).to_dict()["quotes"]
    first = quotes[0]
    assert first["provenance"] == "single-source"
    assert any("imported from one source only" in n for n in first["notes"])
    assert not any("imported from one source only" in n for q in quotes[1:] for n in q["notes"])
    rec = recommend("mixtral-8x7b", input_tokens=1_000_000, output_tokens=1_000_000).to_dict()
    if load_catalog().offers_for("mixtral-8x7b"):
        top = rec["ranking"][0]
        lead = next(q for q in quotes if q["channel"] == top["channel"])
        assert (lead["provenance"] == "single-source") == any("one source only" in r for r in top["reasons"])


def _mutated(changes) -> Catalog:
    base = load_catalog()
    offers = [o for o in base.offers]
    return Catalog(models=base.models, channels=base.channels, offers=changes(offers), aliases=base.aliases)


def test_audit_finds_a_reseller_outliving_the_maker() -> None:
    """The check itself, on a catalog where a reseller's Gemini 2.5 Pro never ends."""
    from dataclasses import replace

    def reopen(offers):
        return [
            replace(o, effective_to=None) if (o.model, o.channel) == ("gemini-2.5-pro", "deepinfra") else o
            for o in offers
        ]

    found = audit._outliving(_mutated(reopen))
    assert [(f["model"], f["channel"]) for f in found] == [("gemini-2.5-pro", "deepinfra")]


def test_audit_finds_an_offer_past_its_retirement() -> None:
    from dataclasses import replace

    def reopen(offers):
        return [
            replace(o, effective_to=None) if (o.model, o.channel) == ("mixtral-8x7b", "perplexity") else o
            for o in offers
        ]

    rules = [{"channel": "perplexity", "models": ["mixtral-8x7b"], "on": date(2024, 8, 12)}]
    found = audit._retired(_mutated(reopen), rules)
    assert [(f["model"], f["channel"]) for f in found] == [("mixtral-8x7b", "perplexity")]


def test_audit_finds_a_direct_channel_of_no_maker() -> None:
    from dataclasses import replace

    base = load_catalog()
    channels = dict(base.channels)
    channels["perplexity"] = replace(channels["perplexity"], maker="nobody")  # a maker that makes nothing
    cat = Catalog(models=base.models, channels=channels, offers=list(base.offers), aliases=base.aliases)
    assert [f["channel"] for f in audit._kinds(cat)] == ["perplexity"]
    assert audit._kinds(base) == []


def test_cli_audit_json_and_exit_code() -> None:
    result = CliRunner().invoke(app, ["catalog", "audit", "--at", "2026-11-26", "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["unexplained"] == 0 and set(out["by_kind"]) == set(audit.KINDS)
    bad = CliRunner().invoke(app, ["catalog", "audit", "--at", "yesterday"])
    assert bad.exit_code == 1 and "YYYY-MM-DD" in str(bad.exception)
