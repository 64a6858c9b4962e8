"""Issue 12: OpenRouter BYOK. Under BYOK the provider bills your own key (`upstream_inference_cost`) and
OpenRouter's `total_cost` / `usage.cost` is only its fee (5% of the OpenRouter price past 1,000,000 free BYOK
requests a month; openrouter.ai/docs/faq, preloop#224). A BYOK row costs the upstream tokens, re-priced on the
upstream channel, plus the logged fee, shown as a fee line, reconciled against the logged figures, never
counted twice."""

from __future__ import annotations

import json
from decimal import Decimal as D

from billpath.api import price_log


def _gen(**over) -> dict:
    base = {
        "created_at": "2026-06-04T10:00:00.000Z",
        "model": "anthropic/claude-sonnet-4.6",
        "provider_name": "Anthropic",
        "native_tokens_prompt": 0,
        "native_tokens_completion": 0,
        "native_tokens_cached": 0,
        "native_tokens_reasoning": 0,
        "is_byok": True,
    }
    return {**base, **over}


ROWS = [
    # BYOK Sonnet 4.6 on Anthropic: 100,000 x 3 = 0.30; 10,000 x 15 = 0.15 -> 0.45; fee 5% = 0.0225
    _gen(
        native_tokens_prompt=100_000, native_tokens_completion=10_000, upstream_inference_cost=0.45, total_cost=0.0225
    ),
    # BYOK GPT-5.5 on OpenAI, within the free BYOK requests (fee 0): 10,000 x 5 = 0.05; 10,000 cached x 0.5 = 0.005;
    # 1,000 x 30 = 0.03 -> 0.085; the log says the upstream charged 0.09 (reconciliation flags the 0.005)
    _gen(
        created_at="2026-06-05T09:00:00.000Z",
        model="openai/gpt-5.5",
        provider_name="OpenAI",
        native_tokens_prompt=20_000,
        native_tokens_cached=10_000,
        native_tokens_completion=1_000,
        upstream_inference_cost=0.09,
        total_cost=0,
    ),
    # BYOK in the inline-usage shape: 2,000 x 3 = 0.006; 100 x 15 = 0.0015 -> 0.0075; fee (usage.cost) 0.000375
    {
        "created": 1780574400,  # 2026-06-04 12:00 UTC
        "model": "anthropic/claude-sonnet-4.6",
        "provider_name": "Anthropic",
        "is_byok": True,
        "usage": {
            "prompt_tokens": 2_000,
            "completion_tokens": 100,
            "cost": 0.000375,
            "cost_details": {"upstream_inference_cost": 0.0075},
        },
    },
    # not BYOK: bought from OpenRouter: 10,000 x 3 = 0.03; 1,000 x 15 = 0.015 -> 0.045 (= total_cost);
    # OpenRouter's 5.5% card fee on credit purchases: 0.002475
    _gen(native_tokens_prompt=10_000, native_tokens_completion=1_000, is_byok=False, total_cost=0.045),
]


def test_a_byok_total_is_the_upstream_tokens_plus_the_logged_fee_once(tmp_path) -> None:
    log = tmp_path / "generations.json"
    log.write_text(json.dumps({"data": ROWS}))
    r = price_log([str(log)])
    tokens = D("0.45") + D("0.085") + D("0.0075") + D("0.045")
    byok_fees = D("0.0225") + D(0) + D("0.000375")
    card_fee = D("0.045") * D("5.5") / 100
    assert r.total == tokens + byok_fees + card_fee == D("0.61285")
    assert r.cost.fees == byok_fees + card_fee
    assert sum(r.cost.components.values(), D(0)) == tokens  # the fee never enters the token cost
    # the tokens on the channels that billed them; the fee on OpenRouter, as its own line
    assert r.by_channel[("anthropic", "standard")].cost.total == D("0.4575")
    assert r.by_channel[("openai", "standard")].cost.total == D("0.085")
    assert r.by_channel[("openrouter", "logged-fee")].cost.total == byok_fees
    assert sum((t.cost.total for t in r.by_channel.values()), D(0)) == r.total
    (line,) = r.application_fees
    assert (line["channel"], line["rows"], D(line["total_usd"])) == ("openrouter", 3, byok_fees)
    # reconciled: the log's figures (upstream + fee) against billpath's (re-priced upstream + the same fee)
    rec = {x["model"]: x for x in r.reconcile}
    sonnet = rec["claude-sonnet-4-6"]
    assert D(sonnet["logged_usd"]) == D("0.45") + D("0.0225") + D("0.0075") + D("0.000375") + D("0.045")
    assert D(sonnet["computed_usd"]) == D(sonnet["logged_usd"]) and "flag" not in sonnet
    assert D(sonnet["fees_logged_usd"]) == D("0.022875")
    gpt = rec["gpt-5.5"]
    assert (D(gpt["logged_usd"]), D(gpt["computed_usd"]), D(gpt["difference_usd"])) == (
        D("0.09"),
        D("0.085"),
        D("0.005"),
    )
    # per day: the 4th holds both Sonnet BYOK rows, their fees and the OpenRouter row
    days = {d.isoformat(): t.cost.total for d, t in r.by_day.items()}
    assert days == {"2026-06-04": D("0.4575") + D("0.022875") + D("0.045"), "2026-06-05": D("0.085")}
    assert any("OpenRouter BYOK fee" in n and "in the total once" in n for n in r.notes)


def test_byok_rows_can_still_be_repriced_on_openrouter(tmp_path) -> None:
    """The fee line is not a use of OpenRouter's credits for tokens: what the rows would cost bought there is shown."""
    log = tmp_path / "generations.json"
    log.write_text(json.dumps({"data": ROWS[:1]}))
    r = price_log([str(log)])
    assert r.total == D("0.45") + D("0.0225")
    # 0.45 of tokens bought as OpenRouter credits by card: + 5.5%
    assert r.reprice["openrouter"] == D("0.45") + D("0.45") * D("5.5") / 100


def test_a_fee_on_an_unpriced_row_is_left_out_and_said(tmp_path) -> None:
    log = tmp_path / "generations.json"
    log.write_text(json.dumps({"data": [_gen(provider_name="Nowhere Cloud", native_tokens_prompt=10, total_cost=0.5)]}))
    r = price_log([str(log)])
    assert r.rows_unpriced == 1 and r.total == 0
    assert any("$0.50 of logged fees on unpriced rows: not in the total" in n for n in r.notes)
