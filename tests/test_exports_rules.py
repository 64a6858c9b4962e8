"""The rules of the export and bill readers, each tested so that dropping it fails a test."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billpath.analysis.price_log import price_log
from billpath.catalog.store import load_catalog
from billpath.errors import BillpathError
from billpath.report.focus import focus_csv
from billpath.usage.readers import READERS, detect
from billpath.usage.readers.aws_cur import parse_usage_type
from billpath.usage.readers.azure_cost import parse_meter
from billpath.usage.readers.base import ListSink
from billpath.usage.readers.exports import CSV_DETECT, EXPORT_READERS
from billpath.usage.readers.gcp_billing import parse_sku

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BIN = Path(sys.executable).parent / "billpath"
D = Decimal

CURSOR_TOKENS = ["Input (w/ Cache Write)", "Input (w/o Cache Write)", "Cache Read", "Output Tokens", "Total Tokens"]
# One Sonnet 4.6 request: 12000 cache-write, 3000 plain input, 150000 cache read, 4000 output.
TOKENS = ["12000", "3000", "150000", "4000", "169000"]
CURSOR_GENERATIONS = {
    "1": (
        ["Date", "Model", *CURSOR_TOKENS, "Cost", "Cost to you"],
        ["2026-10-05", "claude-4.6-sonnet", *TOKENS, "0.16", "0"],
    ),
    "2": (
        ["Date", "Kind", "Model", "Max Mode", *CURSOR_TOKENS, "Cost"],
        ["2026-10-05T09:12:44.120Z", "On-Demand", "claude-4.6-sonnet-thinking", "No", *TOKENS, "$0.16"],
    ),
    "3-no-user-requests": (
        ["Date", "Cloud Agent ID", "Automation ID", "Kind", "Model", "Max Mode", *CURSOR_TOKENS, "Requests"],
        ["2026-10-05T09:12:44.120Z", "", "", "Included", "claude-4.6-sonnet-high", "No", *TOKENS, "1"],
    ),
    "3-team": (
        ["Date", "User", "Cloud Agent ID", "Automation ID", "Kind", "Model", "Max Mode", *CURSOR_TOKENS, "Cost"],
        [
            "2026-10-05T09:12:44.120Z",
            "ana@example.com",
            "",
            "",
            "On-Demand",
            "claude-4.6-sonnet",
            "No",
            *TOKENS,
            "0.20",
        ],
    ),
}


def write_csv(path: Path, header: list[str], *rows: list[str]) -> Path:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(out.getvalue())
    return path


def read_rows(fmt: str, path: Path) -> ListSink:
    sink = ListSink()
    READERS[fmt].read(path, sink)
    return sink


# ---- Cursor


@pytest.mark.parametrize("generation", sorted(CURSOR_GENERATIONS))
def test_cursor_every_header_generation_reads_disjoint_buckets(tmp_path, generation):
    header, row = CURSOR_GENERATIONS[generation]
    path = write_csv(tmp_path / "usage.csv", header, row)
    assert detect(path) == "cursor-csv"
    (got,) = read_rows("cursor-csv", path).rows
    # `Input (w/ Cache Write)` IS the cache write (not w/ minus w/o), `Input (w/o Cache Write)` the plain input.
    assert (got["cache_write_tokens"], got["input_tokens"], got["cache_read_tokens"], got["output_tokens"]) == (
        "12000",
        "3000",
        "150000",
        "4000",
    )
    assert got["model"] == "claude-sonnet-4-6"
    r = price_log([str(path)])
    api = D("0.159")  # 12000*3.75 + 3000*3 + 150000*0.3 + 4000*15, per 1M
    team = generation == "3-team"
    assert r.total == api + (D("0.04225") if team else 0)  # Token Rate 169000 * 0.25 / 1M on team exports only
    assert bool(r.application_fees) == team


def test_cursor_buckets_that_do_not_sum_to_total_are_rejected(tmp_path):
    header, row = CURSOR_GENERATIONS["2"]
    bad = [*row[:4], "12000", "3000", "150000", "4000", "157000", "$0.16"]  # total = the old overlapping reading
    path = write_csv(tmp_path / "usage.csv", header, row, bad)
    r = price_log([str(path)])
    assert (r.rows_priced, r.rows_rejected) == (1, 1)
    assert r.rejected[0]["line"] == 3 and "not Total Tokens 157,000" in r.rejected[0]["error"]


def test_cursor_placeholders_are_not_zero_and_auto_is_unpriced(tmp_path):
    header, row = CURSOR_GENERATIONS["2"]
    included = [*row[:9], "Included"]
    auto = [row[0], "Included", "auto", "No", *TOKENS, "-"]
    path = write_csv(tmp_path / "usage.csv", header, included, auto)
    r = price_log([str(path)])
    assert r.rows_unpriced == 1 and r.unpriced[0]["models"] == ["auto"]
    assert r.reconcile == []  # "Included" and "-" state no cost: nothing to reconcile, never a $0 bill


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("claude-4.5-opus-high-thinking", "claude-opus-4-5"),
        ("claude-4.6-sonnet-medium-thinking", "claude-sonnet-4-6"),
        ("claude-4-sonnet", "claude-sonnet-4"),
        ("gpt-5-codex-high", "gpt-5-codex"),
        ("claude-4.8-opus-fast", "claude-opus-4-8-fast"),  # fast mode is priced apart: kept, not stripped
    ],
)
def test_cursor_model_labels(label, name):
    from billpath.usage.readers.cursor_csv import model_name

    assert model_name(label) == name


def test_cursor_api_events_without_tokens_are_unpriced_not_zero(tmp_path):
    path = tmp_path / "events.json"
    path.write_text(
        json.dumps(
            {
                "totalUsageEventsCount": 2,
                "usageEventsDisplay": [
                    {"timestamp": "1791112364120", "model": "claude-4.6-sonnet", "requestsCosts": 1, "userEmail": "a"},
                    {
                        "timestamp": 1791112364120,
                        "model": "claude-4.6-sonnet",
                        "tokenUsage": {"inputTokens": "1000000", "outputTokens": 0, "totalCents": 325},
                        "userEmail": "a",
                    },
                ],
            }
        )
    )
    r = price_log([str(path)])
    assert (r.rows_priced, r.rows_unpriced) == (1, 1)
    assert "application channel" in r.unpriced[0]["reason"]
    assert r.total == D("3.25")  # 1M * 3 + Token Rate 1M * 0.25
    assert r.reconcile[0]["difference_usd"] == "0"


def test_cursor_api_error_envelope_is_an_error(tmp_path):
    path = tmp_path / "events.json"
    path.write_text(json.dumps({"error": "Unauthorized"}))
    with pytest.raises(BillpathError, match="error response"):
        price_log([str(path)], input_format="cursor-api")


# ---- GitHub Copilot

COPILOT = {
    "1": (
        ["Timestamp", "User", "Model", "Requests Used", "Exceeds Monthly Quota", "Total Monthly Quota"],
        ["2025-09-02T10:00:00Z", "ana", "Claude Sonnet 4", "1", "False", "300"],
    ),
    "2": (
        ["date", "username", "model", "quantity", "exceeds_quota", "total_monthly_quota"],
        ["2025-11-02", "ana", "Claude Sonnet 4.5", "2", "false", "300"],
    ),
    "3": (
        [
            "date",
            "username",
            "product",
            "sku",
            "model",
            "quantity",
            "unit_type",
            "applied_cost_per_quantity",
            "gross_amount",
            "discount_amount",
            "net_amount",
            "exceeds_quota",
            "total_monthly_quota",
            "organization",
            "cost_center_name",
            "aic_quantity",
            "aic_gross_amount",
        ],
        [
            "2026-06-03",
            "ana",
            "copilot",
            "copilot_ai_credit",
            "Claude Sonnet 4.6",
            "61.5",
            "ai-credits",
            "0.01",
            "0.615",
            "0.5",
            "0.115",
            "true",
            "1000",
            "acme",
            "eng",
            "61.5",
            "0.615",
        ],
    ),
}


@pytest.mark.parametrize("generation", sorted(COPILOT))
def test_copilot_generations_without_tokens_stay_unpriced(tmp_path, generation):
    header, row = COPILOT[generation]
    path = write_csv(tmp_path / "report.csv", header, row)
    assert detect(path) == "copilot-usage"
    r = price_log([str(path)])
    assert (r.rows_total, r.rows_unpriced, r.total) == (1, 1, 0)
    assert "application channel" in r.unpriced[0]["reason"]


def test_copilot_documented_generation_prices_tokens_and_splits_pool_and_overage():
    r = price_log([str(EXAMPLES / "copilot-usage-report.csv")])
    totals = {t["group"]: t for t in r.to_dict()["export_totals"]}
    assert D(totals["copilot user bob-ops"]["included_usd"]) + D(totals["copilot user bob-ops"]["overage_usd"]) == D(
        totals["copilot user bob-ops"]["gross_usd"]
    )
    assert r.rows_priced == 3


# ---- AWS CUR usage types (general property over keys, token types and suffixes)

KEYS = {
    "Claude4.6Opus": "claude-opus-4-6",
    "Claude4Sonnet": "claude-sonnet-4",
    "anthropic.claude-opus-4-8": "anthropic.claude-opus-4-8",
    "xai.grok-4.3": "xai.grok-4.3",
    "qwen.qwen3-next-80b-a3b-instruct": "qwen.qwen3-next-80b-a3b-instruct",
    "Llama4-Maverick-17B": "llama-4-maverick-17b",
    "NovaLite": "nova-lite",
}
TYPES = {
    "input-tokens": "input",
    "output-tokens": "output",
    "cache-read-input-token-count": "cache_read",
    "cache-write-input-token-count": "cache_write_5m",
    "mantle-input-tokens": "input",
    "mantle-cache-write-tokens": "cache_write_5m",
}


@given(
    region=st.sampled_from(["USE1", "USW2", "EUW1", "APN1", "EU"]),
    key=st.sampled_from(sorted(KEYS)),
    token=st.sampled_from(sorted(TYPES)),
    one_hour=st.booleans(),
    batch=st.booleans(),
    tier=st.sampled_from(["", "-flex", "-priority"]),
    route=st.sampled_from(["", "-cross-region-global", "-global-standard"]),
)
def test_cur_usage_type_grammar(region, key, token, one_hour, batch, tier, route):
    one_hour = one_hour and TYPES[token] == "cache_write_5m"
    usage_type = f"{region}-{key}-{token}{'-1-hour' if one_hour else ''}{'-batch' if batch else ''}{tier}{route}"
    p = parse_usage_type(usage_type)
    assert p is not None, usage_type
    assert p["region"] == region and p["model"] == KEYS[key]
    assert p["line_type"] == ("cache_write_1h" if one_hour else TYPES[token])
    assert p["batch"] is batch
    where = "global" if route else "regional"  # a tier is that location's tier (routes.tier_variant)
    expected = f"~{where}{tier}" if tier else ("global" if route else "~regional")
    assert p["variant"] == expected


@pytest.mark.parametrize(
    "usage_type", ["USE1-BoxUsage:t3.micro", "USW2-MP:USW2_InputTokenCount-Units", "USE1-X-input-tokens-weird"]
)
def test_cur_non_token_usage_types_are_not_guessed(usage_type):
    assert parse_usage_type(usage_type) is None


CUR_HEADER = [
    "line_item_line_item_type",
    "line_item_product_code",
    "line_item_usage_type",
    "line_item_usage_start_date",
    "line_item_usage_amount",
    "pricing_unit",
    "line_item_unblended_cost",
]


def test_bill_lines_are_priced_at_the_base_tier(tmp_path):
    # 5M input tokens of GPT-5.5 in one daily line: thousands of requests, none known to exceed 272k tokens.
    path = write_csv(
        tmp_path / "cur.csv",
        CUR_HEADER,
        [
            "Usage",
            "AmazonBedrockFoundationModels",
            "USE1-openai.gpt-5.5-input-tokens-cross-region-global",
            "2026-10-05",
            "5000000",
            "",
            "25",
        ],
    )
    r = price_log([str(path)])
    assert r.rows_priced == 1 and r.total == D(25)  # 5M * 5 per 1M, not the long-context rate


def test_cur_units_in_thousands_are_named(tmp_path):
    # 2000 "units" that are really 1K-token blocks (no pricing_unit says so): billed 6.00 = 2M * 3.
    path = write_csv(
        tmp_path / "cur.csv",
        CUR_HEADER,
        [
            "Usage",
            "AmazonBedrockFoundationModels",
            "USE1-Claude4.6Sonnet-input-tokens-cross-region-global",
            "2026-10-05",
            "2000",
            "",
            "6.00",
        ],
        [
            "Usage",
            "AmazonBedrockFoundationModels",
            "USE1-Claude4.6Sonnet-output-tokens",
            "2026-10-05",
            "100000",
            "",
            "1.50",
        ],
    )
    lines = {e["line_type"]: e for e in price_log([str(path)]).reconcile[0]["lines"]}
    assert "units in thousands" in lines["input"]["cause"]
    # a regional usage type billed at the global rate: 100k * 15 = 1.50, the catalog's regional price is 1.65
    assert lines["output"]["variant"] == "regional"
    assert "billed at the global rate" in lines["output"]["cause"]


def test_weak_variant_hint_falls_back_to_the_channel_default(tmp_path):
    path = tmp_path / "log.jsonl"
    rows = [
        {
            "timestamp": "2026-10-05",
            "model": "llama-4-maverick",
            "channel": "aws-bedrock",
            "variant": v,
            "input_tokens": 1_000_000,
            "output_tokens": 0,
        }
        for v in ("~regional", "regional")
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    r = price_log([str(path)])
    assert r.rows_priced == 1 and r.total == D("0.24")  # the hint: Bedrock's only Maverick offer
    assert r.rows_unpriced == 1 and "no 'regional' price" in r.unpriced[0]["reason"]


# ---- Azure meters and GCP SKUs


@pytest.mark.parametrize(
    ("meter", "line_type", "route", "batch"),
    [
        ("gpt 4.1 Inp glbl Tokens", "input", "global", False),
        ("gpt 4.1 Outp glbl Tokens", "output", "global", False),
        ("gpt 4.1 cached Inp glbl Tokens", "cache_read", "global", False),
        ("gpt 4.1 Inp Data Zone Tokens", "input", "data-zone", False),
        ("gpt 4.1 Inp regnl Tokens", "input", "regional", False),
        ("5.4 pp inp Gl 1M Tokens", "input", "global", False),
        ("5.1 pp cd inp Dz 1M Tokens", "cache_read", "data-zone", False),
        ("6-sol ShortCo Cd Wr Std Gl", "cache_write_5m", "global", False),
        ("gpt 4o 0513 Batch Inp glbl Tokens", "input", "global", True),
    ],
)
def test_azure_meter_names(meter, line_type, route, batch):
    p = parse_meter(meter)
    assert (p["line_type"], p["route"], p["batch"]) == (line_type, route, batch)


@pytest.mark.parametrize(
    "meter", ["Provisioned Managed Global Unit", "gpt 4o hosting global Unit", "Hot LRS Data Stored"]
)
def test_azure_non_token_meters_are_not_guessed(meter):
    assert parse_meter(meter) is None


@pytest.mark.parametrize(
    ("sku", "model", "line_type"),
    [
        ("Claude Sonnet 4.5 \u2014 Input Cache Write", "Claude Sonnet 4.5", "cache_write_5m"),
        ("Claude Opus 5 \u2014 Output Tokens", "Claude Opus 5", "output"),
        ("Gemini 2.5 Pro Online Prediction Input (text, image, video \u2264 200k tokens)", "Gemini 2.5 Pro", "input"),
        ("Claude Sonnet 4.6 - Input Cache Read", "Claude Sonnet 4.6", "cache_read"),
    ],
)
def test_gcp_sku_descriptions(sku, model, line_type):
    p = parse_sku(sku)
    assert (p["model"], p["line_type"]) == (model, line_type)


# ---- FOCUS out, and back in


def _roundtrip(tmp_path: Path, files: list[str], reprice: str | None = None):
    catalog = load_catalog()
    r = price_log(files, catalog=catalog, focus_reprice=reprice)
    out = tmp_path / "focus.csv"
    out.write_text(focus_csv(r))
    assert detect(out) == "focus"
    back = price_log([str(out)], catalog=catalog)
    return r, back, out


@pytest.mark.parametrize(
    "name",
    [
        "usage.csv",
        "cursor-usage.csv",
        "cursor-admin-events.json",
        "copilot-usage-report.csv",
        "aws-cur-bedrock.csv",
        "focus-aws.csv",
        "azure-cost-details.csv",
        "gcp-billing-export.jsonl",
        "openrouter-generations.json",
        "litellm-spendlogs.csv",
    ],
)
def test_focus_export_reads_back_to_the_same_total(tmp_path, name):
    r, back, out = _roundtrip(tmp_path, [str(EXAMPLES / name)])
    assert back.total == r.total
    assert {m: t.cost.total for m, t in back.by_model.items()} == {m: t.cost.total for m, t in r.by_model.items()}
    with out.open() as f:
        billed = sum((D(row["BilledCost"]) for row in csv.DictReader(f)), D(0))
    assert billed == r.total  # the file itself sums to price-log's total (fees included)


def test_focus_roundtrip_keeps_long_context_tiers(tmp_path):
    from billpath.usage.genlog import write_log

    path = tmp_path / "gen.parquet"
    write_log(path, rows=3000, seed=11)
    r, back, _ = _roundtrip(tmp_path, [str(path)])
    assert any(t for t in r.notes if "long-context rate" in t)  # the log has requests above a tier
    assert back.total == r.total


def test_focus_reprice_rows_are_a_separate_scenario(tmp_path):
    r, back, out = _roundtrip(tmp_path, [str(EXAMPLES / "focus-aws.csv")], reprice="anthropic")
    with out.open() as f:
        rows = list(csv.DictReader(f))
    actual = sum((D(x["BilledCost"]) for x in rows if x["x_Scenario"] == "actual"), D(0))
    again = sum((D(x["BilledCost"]) for x in rows if x["x_Scenario"] == "reprice:anthropic"), D(0))
    assert actual == r.total and again == r.reprice["anthropic"]
    assert back.total == r.total  # re-pricings are not read back as usage
    assert {x["ConsumedUnit"] for x in rows} <= {"Tokens", "Requests", ""}


def test_cli_focus_format_and_input_formats(tmp_path):
    out = subprocess.run(
        [str(BIN), "price-log", str(EXAMPLES / "aws-cur-bedrock.csv"), "--format", "focus"],
        capture_output=True,
        text=True,
        check=True,
    )
    header = out.stdout.splitlines()[0].split(",")
    for col in ("BilledCost", "EffectiveCost", "ListCost", "ConsumedQuantity", "ConsumedUnit", "SkuId", "SkuMeter"):
        assert col in header
    assert {
        "ServiceName",
        "ProviderName",
        "PublisherName",
        "ChargePeriodStart",
        "ChargePeriodEnd",
        "BillingCurrency",
    } <= set(header)
    assert {"x_Model", "x_Channel", "x_Variant", "x_TokenType"} <= set(header)
    samples = {
        "cursor-csv": "cursor-usage.csv",
        "cursor-api": "cursor-admin-events.json",
        "copilot-usage": "copilot-usage-report.csv",
        "aws-cur": "aws-cur-bedrock.csv",
        "focus": "focus-aws.csv",
        "azure-cost": "azure-cost-details.csv",
        "gcp-billing": "gcp-billing-export.jsonl",
    }
    assert set(samples) == set(EXPORT_READERS)
    for fmt, name in samples.items():
        got = subprocess.run(
            [str(BIN), "price-log", str(EXAMPLES / name), "--input-format", fmt, "--format", "json"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(got.stdout)["inputs"][0]["format"] == fmt
    bad = subprocess.run(
        [str(BIN), "price-log", str(EXAMPLES / "usage.csv"), "--format", "focus", "--reprice", "nowhere"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "unknown channel" in bad.stderr


# ---- reliability corpus: any bytes after each new CSV header, any JSON for the JSON readers

HEADERS = {
    "focus": "BilledCost,EffectiveCost,ListCost,ChargePeriodStart,ConsumedQuantity,ConsumedUnit,ProviderName,"
    "SkuMeter,ChargeCategory,x_UsageGroup,x_TokenType",
    "aws-cur": ",".join(CUR_HEADER),
    "cursor-csv": "Date,User,Model," + ",".join(CURSOR_TOKENS) + ",Cost",
    "copilot-usage": "date,product,sku,quantity,unit_type,gross_amount,discount_amount,net_amount,username,model,"
    "input,output,cache_read,cache_write",
    "azure-cost": "date,consumedService,meterSubCategory,meterName,quantity,unitOfMeasure,costInUSD",
}


def _check_any(path: Path, fmt: str) -> None:
    try:
        r = price_log([str(path)], input_format=fmt)
    except BillpathError:
        return
    assert r.rows_priced + r.rows_unpriced + r.rows_rejected == r.rows_total


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), fmt=st.sampled_from(sorted(HEADERS)))
def test_fuzz_export_csv_bytes(tmp_path, data, fmt):
    path = tmp_path / "f.csv"
    path.write_bytes(HEADERS[fmt].encode() + b"\n" + data)
    _check_any(path, fmt)


cells = st.sampled_from(
    [
        "",
        "0",
        "12",
        "-3",
        "1e3",
        "$1,200.50",
        "Included",
        "x",
        "1.5",
        "2026-10-05",
        "Microsoft.CognitiveServices",
        "USE1-Claude4.6Sonnet-input-tokens",
        "gpt 4.1 Inp glbl Tokens",
        "Usage",
        "AWS",
        "Microsoft",
        "Google Cloud",
        "1K Tokens",
        "1",
        "ai-credits",
        "requests",
        "AmazonBedrockFoundationModels",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fmt=st.sampled_from(sorted(HEADERS)),
    rows=st.lists(st.lists(cells, min_size=1, max_size=16), min_size=1, max_size=5),
)
def test_fuzz_export_csv_cells(tmp_path, fmt, rows):
    header = HEADERS[fmt].split(",")
    path = write_csv(tmp_path / "f.csv", header, *[(r * 16)[: len(header)] for r in rows])
    _check_any(path, fmt)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=15,
)
JSON_FIELDS = [
    "usageEventsDisplay",
    "tokenUsage",
    "timestamp",
    "model",
    "inputTokens",
    "totalCents",
    "service",
    "sku",
    "cost",
    "usage",
    "credits",
    "usage_start_time",
    "description",
    "amount",
    "unit",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    docs=st.lists(st.dictionaries(st.sampled_from(JSON_FIELDS), json_values, max_size=6), min_size=1, max_size=3),
    fmt=st.sampled_from(["cursor-api", "gcp-billing"]),
    jsonl=st.booleans(),
)
def test_fuzz_export_json(tmp_path, docs, fmt, jsonl):
    path = tmp_path / ("f.jsonl" if jsonl else "f.json")
    path.write_text("\n".join(json.dumps(d) for d in docs) if jsonl else json.dumps(docs))
    _check_any(path, fmt)


def test_every_csv_reader_is_detected():
    assert set(CSV_DETECT) | {"cursor-api", "gcp-billing"} == set(EXPORT_READERS)


def test_web_price_log_accepts_every_input_format():
    import typing

    from billpath.usage.readers import FORMATS
    from billpath.web.app import LOG_FORMATS

    assert set(typing.get_args(LOG_FORMATS)) == set(FORMATS)


def test_focus_reader_reads_azure_and_gcp_rows(tmp_path):
    header = [
        "BillingCurrency",
        "ChargeCategory",
        "ChargePeriodStart",
        "ConsumedQuantity",
        "ConsumedUnit",
        "BilledCost",
        "EffectiveCost",
        "ListCost",
        "ProviderName",
        "ServiceName",
        "RegionId",
        "SkuMeter",
        "x_SkuMeterSubcategory",
    ]
    day = "2026-10-05T00:00:00Z"
    path = write_csv(
        tmp_path / "focus.csv",
        header,
        # Azure Global GPT-5.5: 2,000 x 1K input = 2M * 5 = 10; Data Zone output 100K * 33 = 3.30
        [
            "USD",
            "Usage",
            day,
            "2000",
            "1K Tokens",
            "10",
            "9",
            "10",
            "Microsoft",
            "Azure OpenAI",
            "eastus",
            "gpt 5.5 Inp glbl Tokens",
            "gpt-5.5",
        ],
        [
            "USD",
            "Usage",
            day,
            "100000",
            "Tokens",
            "3.30",
            "3.30",
            "3.30",
            "Microsoft",
            "Foundry Models",
            "eastus",
            "gpt 5.5 Outp DZ Tokens",
            "gpt-5.5",
        ],
        # Vertex global Sonnet 4.6: 1M cache read * 0.3 = 0.30; regional (us-east5) output 100k * 16.5 = 1.65
        [
            "USD",
            "Usage",
            day,
            "1000000",
            "Tokens",
            "0.30",
            "0.30",
            "0.30",
            "Google Cloud",
            "Vertex AI",
            "global",
            "Claude Sonnet 4.6 - Input Cache Read",
            "",
        ],
        [
            "USD",
            "Usage",
            day,
            "100000",
            "Tokens",
            "1.65",
            "1.65",
            "1.65",
            "Google Cloud",
            "Vertex AI",
            "us-east5",
            "Claude Sonnet 4.6 - Output Tokens",
            "",
        ],
        # not model tokens: skipped with its amount; a non-USD bill row is rejected, not converted
        [
            "USD",
            "Usage",
            day,
            "24",
            "Hours",
            "24",
            "24",
            "24",
            "Microsoft",
            "Azure OpenAI",
            "eastus",
            "Provisioned Managed Global Unit",
            "gpt-5.5",
        ],
        [
            "EUR",
            "Usage",
            day,
            "10",
            "Tokens",
            "1",
            "1",
            "1",
            "Microsoft",
            "Azure OpenAI",
            "eastus",
            "gpt 5.5 Inp glbl Tokens",
            "gpt-5.5",
        ],
    )
    r = price_log([str(path)])
    assert (r.rows_total, r.rows_priced, r.rows_rejected) == (5, 4, 1)
    assert "BillingCurrency EUR" in r.rejected[0]["error"]
    assert {(c, v): t.cost.total for (c, v), t in r.by_channel.items()} == {
        ("azure", "global"): D(10),
        ("azure", "data-zone"): D("3.3"),
        ("google-vertex", "global"): D("0.3"),
        ("google-vertex", "regional"): D("1.65"),
    }
    gpt = {e["line_type"]: e for e in reconcile_lines(r, "gpt-5.5")}
    assert gpt["input"]["effective_usd"] == "9" and "discount" in gpt["input"]["cause"]
    assert all(e["difference_usd"] == "0" for e in r.reconcile)


def reconcile_lines(r, model):
    return next(e for e in r.reconcile if e["model"] == model)["lines"]


def test_bill_lines_keep_global_and_regional_apart(tmp_path):
    # the same model, day and token type on the global and the regional offer: two lines, each with its cause
    path = write_csv(
        tmp_path / "cur.csv",
        CUR_HEADER,
        # 1M global input billed at 3.30 (the regional rate); 1M in-region input billed 3.30 (as priced)
        [
            "Usage",
            "AmazonBedrockFoundationModels",
            "USE1-Claude4.6Sonnet-input-tokens-cross-region-global",
            "2026-10-05",
            "1000000",
            "",
            "3.30",
        ],
        [
            "Usage",
            "AmazonBedrockFoundationModels",
            "USE1-Claude4.6Sonnet-input-tokens",
            "2026-10-05",
            "1000000",
            "",
            "3.30",
        ],
    )
    r = price_log([str(path)])
    lines = {e["variant"]: e for e in r.reconcile[0]["lines"]}
    assert (lines["global"]["computed_usd"], lines["regional"]["computed_usd"]) == ("3", "3.3")
    assert "in-region (+10%) rate for a global usage type" in lines["global"]["cause"]
    assert "cause" not in lines["regional"]


def test_cur_marketplace_lines_take_the_model_from_the_product_name(tmp_path):
    header = [*CUR_HEADER, "product_product_name"]
    edition = "Claude Haiku 4.5 (Amazon Bedrock Edition)"
    path = write_csv(
        tmp_path / "cur.csv",
        header,
        # 1M in-region input at Bedrock's regional Haiku 4.5 price (1.1) and 200k global output at 5
        [
            "Usage",
            "AmazonBedrockFoundationModels",
            "USW2-MP:USW2_InputTokenCount-Units",
            "2026-10-05",
            "1000000",
            "",
            "1.10",
            edition,
        ],
        [
            "Usage",
            "AmazonBedrockFoundationModels",
            "USW2-MP:USW2_OutputTokenCount_Global-Units",
            "2026-10-05",
            "200000",
            "",
            "1.00",
            edition,
        ],
        [
            "Usage",
            "AmazonBedrockFoundationModels",
            "USW2-MP:USW2_InputTokenCount-Units",
            "2026-10-05",
            "5",
            "",
            "0.01",
            "",
        ],
    )
    r = price_log([str(path)])
    assert (r.rows_priced, r.rows_total) == (2, 2)  # the line without a product name is skipped, with its amount
    assert {(c, v): t.cost.total for (c, v), t in r.by_channel.items()} == {
        ("aws-bedrock", "regional"): D("1.1"),
        ("aws-bedrock", "global"): D(1),
    }
    assert r.to_dict()["export_totals"][0]["Bedrock non-token lines"] == "0.01"


@pytest.mark.parametrize(
    ("text", "value"), [("$1,234.50", "1234.50"), ("0", "0"), ("-3", "-3"), ("$-0.25", "-0.25"), (" 12 ", "12")]
)
def test_export_money_text(text, value):
    from billpath.usage.readers.tabular import money

    assert money(text) == value


@pytest.mark.parametrize("text", ["Included", "1e3", "12abc", "$"])
def test_export_money_text_refuses_non_numbers(text):
    from billpath.usage.readers.tabular import money

    with pytest.raises(ValueError):
        money(text)


def test_copilot_premium_request_rows_with_tokens_stay_unpriced(tmp_path):
    header = HEADERS["copilot-usage"]
    path = tmp_path / "report.csv"
    path.write_text(
        header + "\n"
        "2026-05-20,copilot,copilot_premium_request,2,requests,0.08,0,0.08,ana,Claude Sonnet 4.6,1000,100,0,0\n"
        "2026-06-20,copilot,copilot_ai_credit,0.45,ai-credits,0.0045,0,0.0045,ana,Claude Sonnet 4.6,1000,100,0,0\n"
    )
    r = price_log([str(path)])
    # the premium request is billed per request ($0.04 each), not per token; the AI-credit row is tokens at list:
    # 1000 * 3 + 100 * 15 = 4500 per 1M -> 0.0045
    assert (r.rows_priced, r.rows_unpriced, r.total) == (1, 1, D("0.0045"))
    assert r.reconcile[0]["difference_usd"] == "0"
