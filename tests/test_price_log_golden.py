"""Golden tests: one realistic sample per format (examples/), totals worked out by hand.

Prices used (USD per million tokens, from the catalog):
  claude-sonnet-4-6 anthropic: 3 in / 15 out / 0.3 cache read / 3.75 5m write / 6 1h write;
    above 200k input until 2026-03-13: 6 / 22.5; us-only (inference_geo us) x1.1: 3.3 / 16.5;
    Bedrock regional (`us.` ids) 3.3 / 16.5 / 4.125 5m write; batch x0.5.
  claude-opus-4-8 anthropic: 5 / 25; Bedrock regional 5.5 / 27.5; batch x0.5.
  gpt-5.5 openai (and OpenRouter, Azure global): 5 / 30 / 0.5 cache read; above 272k: 10 / 45 / 1.
  gpt-5.4-mini openai: 0.75 / 4.5; batch x0.5.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from billpath.analysis.price_log import price_log

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def priced(name: str, **kw):
    return price_log([str(EXAMPLES / name)], **kw)


def models(result) -> dict[str, D]:
    return {m: t.cost.total for m, t in result.by_model.items()}


def test_openai_usage_buckets():
    r = priced("openai-usage.json")
    # bucket 1, gpt-5.5 (dated snapshot id): input 1,200,000 INCLUDES 400,000 cached ->
    #   800,000 x 5 = 4.00; 400,000 x 0.5 = 0.20; output 150,000 x 30 = 4.50 -> 8.70
    # bucket 1, gpt-5.4-mini batch: 2,000,000 x 0.75 x 0.5 = 0.75; 500,000 x 4.5 x 0.5 = 1.125 -> 1.875
    # bucket 2, gpt-5.5: 600,000 prompt over 2 requests = 300,000 each > 272k -> long-context tier:
    #   500,000 x 10 = 5.00; 100,000 x 1 = 0.10; 50,000 x 45 = 2.25 -> 7.35
    # bucket 2, model null (not grouped by model) -> rejected
    assert models(r) == {"gpt-5.5": D("16.05"), "gpt-5.4-mini": D("1.875")}
    assert r.total == D("17.925")
    assert (r.rows_total, r.rows_priced, r.rows_unpriced, r.rows_rejected) == (4, 3, 0, 1)
    assert "group_by=model" in r.rejected[0]["error"]


def test_anthropic_usage_report():
    r = priced("anthropic-usage.json")
    # sonnet standard: 1,000,000 x 3 = 3.00; read 4,000,000 x 0.3 = 1.20; 5m 200,000 x 3.75 = 0.75;
    #   1h 100,000 x 6 = 0.60; output 300,000 x 15 = 4.50 -> 10.05
    # sonnet inference_geo us -> us-only: 100,000 x 3.3 = 0.33; 10,000 x 16.5 = 0.165 -> 0.495
    # opus (dated id) service_tier batch: 2,000,000 x 5 x 0.5 = 5.00; 400,000 x 25 x 0.5 = 5.00 -> 10.00
    assert models(r) == {"claude-sonnet-4-6": D("10.545"), "claude-opus-4-8": D("10")}
    assert r.total == D("20.545")
    assert r.by_channel[("anthropic", "us-only")].cost.total == D("0.495")
    assert any("web search" in n for n in r.notes)


def test_otel_spans():
    r = priced("otel-spans.json")
    # anthropic span: input 12,000 includes 8,000 read + 2,000 written -> 2,000 x 3 = 0.006;
    #   8,000 x 0.3 = 0.0024; 2,000 x 3.75 = 0.0075; 800 x 15 = 0.012 -> 0.0279
    # aws.bedrock span, us. id -> regional: 5,000 x 5.5 = 0.0275; 1,000 x 27.5 = 0.0275 -> 0.055
    # provider "openai" but server.address openrouter.ai: 6,000 x 5 = 0.03; 4,000 x 0.5 = 0.002;
    #   2,000 output (1,500 reasoning inside) x 30 = 0.06 -> 0.092
    # the HTTP span carries no GenAI usage: not a row
    assert models(r) == {"claude-sonnet-4-6": D("0.0279"), "claude-opus-4-8": D("0.055"), "gpt-5.5": D("0.092")}
    # the OpenRouter row's 0.092 carries OpenRouter's 5.5% card fee on credit purchases: 0.00506
    assert r.total == D("0.1749") + D("0.00506")
    assert r.cost.fees == D("0.00506")
    assert r.rows_total == 3 and r.inputs[0].skipped == 1
    assert ("aws-bedrock", "regional") in r.by_channel and ("openrouter", "standard") in r.by_channel


def test_litellm_spendlogs_reconciled():
    r = priced("litellm-spendlogs.csv")
    # gpt-5.5 openai: prompt 20,000 includes 10,000 cached -> 10,000 x 5 = 0.05; 10,000 x 0.5 = 0.005;
    #   1,000 x 30 = 0.03 -> 0.085 (= its logged spend)
    # bedrock us. sonnet: 3,000 x 3.3 = 0.0099; 500 x 16.5 = 0.00825 -> 0.01815
    # azure gpt-5.5 (global): 1,000 x 5 = 0.005; 100 x 30 = 0.003 -> 0.008, logged spend 0.0 -> flagged
    # acme-finetune-7: unknown model -> unpriced
    assert models(r) == {"gpt-5.5": D("0.093"), "claude-sonnet-4-6": D("0.01815")}
    assert r.total == D("0.11115")
    assert (r.rows_priced, r.rows_unpriced) == (3, 1)
    assert r.unpriced[0]["reason"] == "unknown model 'acme-finetune-7'"
    gpt = next(x for x in r.reconcile if x["model"] == "gpt-5.5")
    assert (gpt["logged_usd"], gpt["computed_usd"]) == ("0.085", "0.093")
    assert "logged $0" in gpt["flag"]


def test_openrouter_generations_byok():
    r = priced("openrouter-generations.json")
    # sonnet on OpenRouter: 50,000 prompt incl. 30,000 cached -> 20,000 x 3 = 0.06; 30,000 x 0.3 = 0.009;
    #   2,000 x 15 = 0.03 -> 0.099 (= total_cost)
    # gpt-5.4-mini: 10,000 x 0.75 = 0.0075; 5,000 (3,000 reasoning inside) x 4.5 = 0.0225 -> 0.03
    # BYOK opus via Anthropic: priced on anthropic: 4,000 x 5 = 0.02; 1,000 x 25 = 0.025 -> 0.045,
    #   reconciled against upstream_inference_cost 0.045 (total_cost is only OpenRouter's fee)
    # (a model's total includes the fees its rows logged: opus 0.045 + OpenRouter's BYOK fee 0.00225)
    assert models(r) == {"claude-sonnet-4-6": D("0.099"), "gpt-5.4-mini": D("0.03"), "claude-opus-4-8": D("0.04725")}
    # OpenRouter's 5.5% card fee on the 0.129 it billed in tokens (0.099 + 0.03): 0.007095;
    # the BYOK request's total_cost 0.00225 is OpenRouter's BYOK fee (5% of 0.045): in the total once, as a fee line
    assert r.total == D("0.174") + D("0.007095") + D("0.00225")
    assert r.by_channel[("anthropic", "standard")].cost.total == D("0.045")
    assert r.by_channel[("openrouter", "logged-fee")].cost.fees == D("0.00225")
    assert all(x["difference_usd"] == "0" for x in r.reconcile)
    opus = next(x for x in r.reconcile if x["model"] == "claude-opus-4-8")
    assert (opus["logged_usd"], opus["computed_usd"], opus["fees_logged_usd"]) == ("0.04725", "0.04725", "0.00225")


def test_langfuse_observations():
    r = priced("langfuse-observations.json")
    # gpt-5.5 (disjoint parts: total 11,400 = 8,000 + 2,000 + 1,000 + 400): 8,000 x 5 = 0.04;
    #   2,000 x 0.5 = 0.001; output 1,000 + 400 reasoning = 1,400 x 30 = 0.042 -> 0.083 (= costDetails)
    # sonnet: 1,500 x 3 = 0.0045; 10,000 x 0.3 = 0.003; 500 x 3.75 = 0.001875; 300 x 15 = 0.0045
    #   -> 0.013875, logged $0 -> flagged. No channel in the export: the makers' own channels.
    assert models(r) == {"gpt-5.5": D("0.083"), "claude-sonnet-4-6": D("0.013875")}
    assert r.total == D("0.096875")
    assert any("no channel in the log" in n for n in r.notes)
    sonnet = next(x for x in r.reconcile if x["model"] == "claude-sonnet-4-6")
    assert "flag" in sonnet


def test_canonical_csv():
    r = priced("usage.csv")
    # sonnet 2026-03-12, 250,000 > 200k: 250,000 x 6 = 1.5; 2,000 x 22.5 = 0.045 -> 1.545
    # sonnet 2026-03-13 (the tier ended): 250,000 x 3 = 0.75; 2,000 x 15 = 0.03 -> 0.78
    # gpt-5.5: 100,000 x 5 = 0.5; 50,000 x 0.5 = 0.025; 20,000 x 30 = 0.6 -> 1.125
    # bedrock us. sonnet batch: 40,000 x 3.3 x 0.5 = 0.066; 10,000 x 4.125 x 0.5 = 0.020625;
    #   4,000 x 16.5 x 0.5 = 0.033 -> 0.119625
    # gpt-5.4-mini, no channel -> openai: 1,000,000 x 0.75 = 0.75; 100,000 x 4.5 = 0.45 -> 1.2
    assert models(r) == {"claude-sonnet-4-6": D("2.444625"), "gpt-5.5": D("1.125"), "gpt-5.4-mini": D("1.2")}
    assert r.total == D("4.769625")
    assert {d.isoformat(): t.cost.total for d, t in r.by_day.items()}["2026-03-12"] == D("1.545")
    assert (r.rows_total, r.rows_priced, r.rows_unpriced, r.rows_rejected) == (6, 5, 1, 0)


def test_cli_json_contract():
    billpath = Path(sys.executable).parent / "billpath"
    out = subprocess.run(
        [str(billpath), "price-log", str(EXAMPLES / "usage.csv"), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stderr == ""  # no progress bar with --format json
    data = json.loads(out.stdout)
    assert data["total_usd"] == "4.769625"
    assert data["rows_priced"] + data["rows_unpriced"] + data["rows_rejected"] == data["rows_total"]
    for key in ("by_model", "by_channel", "by_day", "reprice", "unpriced", "rejected"):
        assert key in data
    assert "anthropic" not in data["reprice"]  # the log's own channels are not "other" channels
    for value in data["reprice"].values():
        assert D(value) > 0


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_other_output_formats(fmt, capsys):
    from billpath.cli import app

    with pytest.raises(SystemExit) as exc:
        app(["price-log", str(EXAMPLES / "usage.csv"), "--format", fmt], standalone_mode=True)
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "claude-sonnet-4-6" in out
