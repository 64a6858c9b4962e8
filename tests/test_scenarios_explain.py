"""Scenarios over 12 months, `explain`'s four answers, `lag`, and the CLI formats of the advice commands."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from billpath.analysis.explain import QUESTIONS, explain_model
from billpath.analysis.scenarios import run_scenarios, with_cache_hits
from billpath.cli import app
from billpath.errors import BillpathError
from billpath.usage.record import Usage

from .conftest import TODAY

D = Decimal
EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(autouse=True, scope="module")
def _leave_the_catalog_cache_as_found():
    """Overlays and logs parse every offer of the process-wide catalog: drop it afterwards."""
    yield
    from billpath.catalog import store

    store._CACHE.clear()


def test_cache_hit_share_moves_input_to_cache_reads():
    u = with_cache_hits(Usage(input_tokens=10_000, output_tokens=5), D("0.6"))
    assert (u.input_tokens, u.cache_read_tokens, u.output_tokens) == (D(4000), D(6000), D(5))
    with pytest.raises(BillpathError):
        with_cache_hits(Usage(input_tokens=1), D("1.5"))


def test_example_scenarios_hand_worked(catalog):
    out = run_scenarios(EXAMPLES / "scenarios.toml", catalog=catalog)
    rows = {(r["scenario"], r["channel"]): r for r in out["rows"]}
    bot = rows[("support-bot", "anthropic")]
    # per request: 4,000 x 3 + 6,000 x 0.30 + 1,000 x 15 = $0.0288; x 3,000 = 86.40; +10% a month
    assert bot["monthly"][0] == "86.4" and bot["monthly"][1] == "95.04"
    assert len(bot["monthly"]) == 12 and D(bot["requests"][11]) == D(3000) * D("1.1") ** 11
    assert D(bot["total"]) == sum(D(m) for m in bot["monthly"])
    # nightly batch: 90% batch at half price on Anthropic; Foundry has no batch price, so it pays on demand
    batch = rows[("nightly-batch", "anthropic")]
    assert batch["monthly"][0] == "231"  # 20,000 x (4,000 x 3 + 600 x 15) / 1e6 = 420, x (0.1 + 0.9 x 0.5)
    assert rows[("nightly-batch", "azure")]["monthly"][0] == "420"
    # the mixed scenario needs GPT-5.5 and GPT-5.4 Mini: channels selling only one are skipped, with why
    assert ("mixed-agents", "openai") in rows and ("mixed-agents", "aws-bedrock") not in rows
    assert any(s["scenario"] == "mixed-agents" and s["channel"] == "aws-bedrock" for s in out["skipped"])


def test_scenarios_file_errors(tmp_path, catalog):
    bad = tmp_path / "s.toml"
    bad.write_text(
        '[[scenarios]]\nname = "a"\nrequests = 1\ninput_tokens = 1\noutput_tokens = 1\n'
        'models = { "gpt-5.5" = "0.5" }\n',
        encoding="utf-8",
    )
    with pytest.raises(BillpathError, match="sum to 1"):
        run_scenarios(bad, catalog=catalog)


def test_explain_answers_the_four_questions_with_citations(catalog):
    out = explain_model("claude-sonnet-4-6", at=TODAY, catalog=catalog)
    answers = {a["question"]: a for a in out["answers"]}
    assert list(answers) == list(QUESTIONS)
    cloud = answers[QUESTIONS[0]]
    assert "+0.00% to +10.00%" in cloud["answer"]
    assert any(e["channel"] == "aws-bedrock" and e["source"].startswith("https://") for e in cloud["evidence"])
    assert "openrouter: tokens +0.00%, +5.50% with the default payment's fee" in answers[QUESTIONS[1]]["answer"]
    assert "aws-bedrock 0 days behind" in answers[QUESTIONS[2]]["answer"]
    assert "unknown for" in answers[QUESTIONS[2]]["answer"]
    assert "no channel publishes a per-token volume discount" in answers[QUESTIONS[3]]["answer"]


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
@pytest.mark.parametrize(
    "args",
    [
        ["recommend", "claude-opus-4-8", "--input-tokens", "1000", "--requests", "10", "-r", "region:eu"],
        ["lag", "claude-opus-4-8"],
        ["explain", "gpt-5.5"],
        ["scenarios", str(EXAMPLES / "scenarios.toml")],
        ["compare", "claude-sonnet-4-6", "--input-tokens", "1000", "--cache-hit-share", "0.5"],
    ],
)
def test_every_advice_command_in_every_format(args, fmt):
    result = CliRunner().invoke(app, [*args, "--format", fmt, "--prices", str(EXAMPLES / "prices.toml")])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        json.loads(result.output)
    elif fmt == "csv":
        assert len(list(csv.reader(io.StringIO(result.output)))) > 1


def test_lag_json_contract():
    result = CliRunner().invoke(app, ["lag", "claude-sonnet-4-6", "--format", "json"])
    out = json.loads(result.output)
    assert out["released"] == "2026-02-17"
    row = next(r for r in out["channels"] if r["channel"] == "aws-bedrock")
    assert row["days_behind_direct"] == 0 and row["available_from"] == "2026-02-17"


def test_spend_discount_judged_on_the_channel_month(tmp_path, catalog):
    from billpath.catalog.price_overlay import apply_overlay

    (tmp_path / "s.toml").write_text(
        'months = 1\nstart = 2026-11-26\nchannels = ["anthropic"]\n[[scenarios]]\nname = "mix"\nrequests = 100000\n'
        "input_tokens = 10000\noutput_tokens = 1000\n"
        'models = { "claude-sonnet-4-6" = "0.5", "claude-opus-4-8" = "0.5" }\n',
        encoding="utf-8",
    )
    (tmp_path / "p.toml").write_text(
        '[[discounts]]\nchannel = "anthropic"\npercent_off = "10"\nmin_monthly_usd = "5000"\n', encoding="utf-8"
    )
    out = run_scenarios(tmp_path / "s.toml", catalog=apply_overlay(catalog, tmp_path / "p.toml"))
    # Sonnet 50,000 x $0.045 = 2,250 and Opus 50,000 x $0.075 = 3,750: neither reaches $5,000 alone,
    # the channel's month (6,000) does, so 10% comes off the whole month
    assert [r["monthly"] for r in out["rows"]] == [["5400"]]
