"""Application exports and cloud bills: each sample in examples/ priced exactly, with totals worked out by hand.

Prices used (catalog, October 2026, USD per 1M tokens: input / output / cache read / 5-minute write / 1-hour write):
  Claude Sonnet 4.6, Anthropic and Bedrock/Vertex global: 3 / 15 / 0.30 / 3.75 / 6; Bedrock/Vertex regional +10%
  Claude Opus 4.8, Anthropic and Bedrock global: 5 / 25 / 0.50 / 6.25 / 10; Bedrock regional 5.5 / 27.5
  Claude Haiku 4.5, Anthropic: 1 / 5 / 0.10
  GPT-5.5, OpenAI and Azure Global: 5 / 30 / 0.50; GPT-5.4 mini, Azure Data Zone: 0.825 / 4.95
  Gemini 2.5 Pro, Vertex regional: 1.375 / 11
  Cursor Token Rate (Teams): 0.25 on every token of a non-Auto request.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from billpath.analysis.price_log import price_log
from billpath.usage.readers import detect

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
D = Decimal


def priced(name: str, **kw):
    r = price_log([str(EXAMPLES / name)], **kw)
    assert r.rows_priced + r.rows_unpriced + r.rows_rejected == r.rows_total
    return r


def reconcile(r) -> dict[str, dict]:
    return {e["model"]: e for e in r.reconcile}


# (sample, format, rows total/priced/unpriced/rejected, total_usd)
GOLDEN = [
    # Cursor team CSV. API cost: Sonnet 12000*3.75 + 3000*3 + 150000*0.3 + 4000*15 = 159000 -> 0.159;
    # GPT-5.5 20000*5 + 80000*0.5 + 6000*30 = 320000 -> 0.32; Opus (errored) 800*5 -> 0.004;
    # Opus 30000*6.25 + 6000*5 + 220000*0.5 + 9000*25 = 552500 -> 0.5525; `auto` unpriced.
    # Token Rate: (169000 + 106000 + 800 + 265000) * 0.25 / 1e6 = 0.1352. Total 1.0355 + 0.1352.
    ("cursor-usage.csv", "cursor-csv", (5, 4, 1, 0), "1.1707"),
    # Cursor Admin API: the same Sonnet, GPT-5.5 and Opus events as above (no errored one):
    # 0.159 + 0.32 + 0.5525 + Token Rate (169000 + 106000 + 265000) * 0.25e-6 = 0.135 -> 1.1665.
    ("cursor-admin-events.json", "cursor-api", (4, 3, 1, 0), "1.1665"),
    # Copilot AI credits at list: Sonnet 100000*3 + 10000*15 + 300000*0.3 + 20000*3.75 = 615000 -> 0.615;
    # GPT-5.5 50000*5 + 8000*30 + 200000*0.5 = 590000 -> 0.59; Haiku 40000*1 + 4000*5 + 100000*0.1 = 70000
    # -> 0.07. Premium-request and code-review rows carry no tokens: unpriced.
    ("copilot-usage-report.csv", "copilot-usage", (5, 3, 2, 0), "1.275"),
    # CUR: Sonnet global 2M*3 + 150k*15 + 10M*0.3 + 400k*3.75 + 100k*6 = 6 + 2.25 + 3 + 1.5 + 0.6 = 13.35,
    # day 2 output 200k*15 = 3; Opus regional 1M*5.5 + 100k*27.5 = 8.25. Llama line: the id grammar reads
    # `Llama4-Maverick-17B` as llama-4-maverick (issue 12), batch 5,000 x 1K tokens * 0.24 * 0.5 = 0.60, as
    # billed; tax and S3 lines skipped. 13.35 + 3 + 8.25 + 0.6 = 25.2.
    ("aws-cur-bedrock.csv", "aws-cur", (9, 9, 0, 0), "25.2"),
    # FOCUS (AWS): Opus global 3M*5 + 200k*25 + 20,000 x 1K cache read *0.5 = 15 + 5 + 10; Sonnet batch
    # 4M*3*0.5 = 6. Tax row skipped. 36.
    ("focus-aws.csv", "focus", (4, 4, 0, 0), "36"),
    # Azure: GPT-5.5 Global 2000K*5 + 6000K*0.5 + 300K*30 = 10 + 3 + 9; GPT-5.4 mini Data Zone
    # 10000K*0.825 + 1000K*4.95 = 8.25 + 4.95. Provisioned units and storage skipped. 35.2.
    ("azure-cost-details.csv", "azure-cost", (5, 5, 0, 0), "35.2"),
    # GCP: Sonnet (Vertex global) 1M*3 + 100k*15 + 200k*3.75 + 5M*0.3 = 3 + 1.5 + 0.75 + 1.5;
    # Gemini 2.5 Pro us-central1 (regional) 2M*1.375 + 100k*11 = 2.75 + 1.1. BigQuery skipped. 10.6.
    ("gcp-billing-export.jsonl", "gcp-billing", (6, 6, 0, 0), "10.6"),
]


@pytest.mark.parametrize(("name", "fmt", "counts", "total"), GOLDEN)
def test_sample_prices_exactly(name, fmt, counts, total):
    assert detect(EXAMPLES / name) == fmt
    r = priced(name)
    assert (r.rows_total, r.rows_priced, r.rows_unpriced, r.rows_rejected) == counts
    assert r.total == D(total)
    assert sum((t.cost.total for t in r.by_day.values()), D(0)) == r.total
    assert sum((t.cost.total for t in r.by_channel.values()), D(0)) == r.total
    assert sum((t.cost.total for t in r.by_model.values()), D(0)) == r.total


def test_cursor_per_user_totals_and_reconcile():
    r = priced("cursor-usage.csv")
    # ana: 0.159 + 0.32 + Token Rate (169000 + 106000) * 0.25e-6 = 0.54775; bob: 0.004 + 0.5525 + 0.06645
    assert {u: D(v["total_usd"]) for u, v in r.by_user.items()} == {
        "ana@example.com": D("0.54775"),
        "bob@example.com": D("0.62295"),
    }
    rec = reconcile(r)
    # Cursor's Cost column (cents) against API price + Token Rate: 0.20 vs 0.20125; the included GPT-5.5
    # row states no cost, so it is not in the reconciliation.
    assert (rec["claude-sonnet-4-6"]["logged_usd"], rec["claude-sonnet-4-6"]["computed_usd"]) == ("0.2", "0.20125")
    assert "gpt-5.5" not in rec
    assert r.application_fees[0]["total_usd"] == "0.1352"


def test_cursor_admin_api_reconciles_to_the_cent():
    rec = reconcile(priced("cursor-admin-events.json"))
    # totalCents includes the Token Rate: 20.125 cents = 0.159 + 0.04225
    assert all(e["difference_usd"] == "0" for e in rec.values()), rec


def test_copilot_pool_and_overage_per_user():
    r = priced("copilot-usage-report.csv")
    totals = {t["group"]: t for t in r.to_dict()["export_totals"]}
    # bob: GPT-5.5 gross 0.59 = 0.20 included + 0.39 overage; code review 0.12 all overage
    assert totals["copilot user bob-ops"] == {
        "file": str(EXAMPLES / "copilot-usage-report.csv"),
        "group": "copilot user bob-ops",
        "gross_usd": "0.78",
        "included_usd": "0.27",
        "overage_usd": "0.51",
    }
    assert totals["copilot user ana-dev"]["overage_usd"] == "0"
    # AI credits at the makers' list prices: the computed cost equals gross_amount on every token row
    assert all(e["difference_usd"] == "0" for e in r.reconcile)
    assert {u: v["total_usd"] for u, v in r.by_user.items()} == {"ana-dev": "0.615", "bob-ops": "0.66"}
    assert all(u["models"] in (["Coding Agent model"], ["Copilot Code Review"]) for u in r.unpriced)


def test_cur_reconcile_names_causes_per_model_day_and_line_type():
    rec = reconcile(priced("aws-cur-bedrock.csv"))
    sonnet = {(e["day"], e["line_type"]): e for e in rec["claude-sonnet-4-6"]["lines"]}
    assert len(sonnet) == 6
    # day 2: 200k output tokens on a global usage type billed 3.30 = 200k * 16.5 (the regional rate)
    day2 = sonnet[("2026-10-06", "output")]
    assert (day2["logged_usd"], day2["computed_usd"], day2["difference_usd"]) == ("3.3", "3", "0.3")
    assert "in-region (+10%) rate for a global usage type" in day2["cause"]
    assert all("cause" not in e for k, e in sonnet.items() if k != ("2026-10-06", "output"))
    assert sonnet[("2026-10-05", "cache_write_1h")]["computed_usd"] == "0.6"  # 100k * 6, not the 5-minute 3.75
    opus = {e["line_type"]: e for e in rec["claude-opus-4-8"]["lines"]}
    assert opus["output"]["effective_usd"] == "2.475"
    assert "discount visible in the effective cost" in opus["output"]["cause"]
    assert "a discount visible in the effective cost" in rec["claude-opus-4-8"]["causes"]


def test_focus_aws_discounts_and_units():
    r = priced("focus-aws.csv")
    opus = {e["line_type"]: e for e in reconcile(r)["claude-opus-4-8"]["lines"]}
    # 20,000 "1K Tokens" of cache read = 20M tokens * 0.5 = 10.00 (as billed)
    assert opus["cache_read"]["computed_usd"] == "10" and opus["cache_read"]["logged_usd"] == "10"
    assert {e["line_type"] for e in reconcile(r)["claude-sonnet-4-6"]["lines"]} == {"input (batch)"}
    totals = r.to_dict()["export_totals"]
    assert totals[0]["tax rows"] == "3.6"


def test_cursor_states_what_it_charged_per_user():
    totals = {t["group"]: t for t in priced("cursor-usage.csv").to_dict()["export_totals"]}
    assert totals["cursor user bob@example.com"]["on_demand_usd"] == "0.62"
    assert totals["cursor user bob@example.com"]["errored_no_charge_usd"] == "0"
    api = {t["group"]: t for t in priced("cursor-admin-events.json").to_dict()["export_totals"]}
    # ana's GPT-5.5 event was included (chargedCents 0): 20.125 cents charged of 54.775 at Cursor's rates
    assert (
        api["cursor user ana@example.com"]["charged_usd"],
        api["cursor user ana@example.com"]["at_cursor_rates_usd"],
    ) == (
        "0.20125",
        "0.54775",
    )
