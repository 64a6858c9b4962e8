"""`--prices` overlays are checked when loaded, so one that loads can never break a later command.

Properties, over overlays generated here (percentages with 0-4 decimal places, explicit prices of every
magnitude and precision the schema allows):
- `price-log --prices` either refuses the overlay in one line (exit 1) at load, or prices every row the
  bundled catalog prices: never an internal error, never a row left unpriced by the overlay;
- explicit prices hold at every prompt size (long-context tiers included), and the quote says so.
"""

from __future__ import annotations

import json
import random
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from billpath.catalog import store

D = Decimal


def run(args: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    from billpath.cli import main

    monkeypatch.setattr(sys, "argv", ["billpath", *args])
    capsys.readouterr()
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(autouse=True)
def _fresh_catalog(monkeypatch, tmp_path):
    monkeypatch.setenv("BILLPATH_HOME", str(tmp_path / "home"))  # no local updates
    store._CACHE.clear()
    yield
    store._CACHE.clear()


CHANNELS = ["openrouter", "aws-bedrock", "azure", "openai", "anthropic", "databricks"]


def _log_for(channel: str, tmp_path: Path) -> tuple[Path, int]:
    """One row per model the channel sells (standard variant), long-context rows included."""
    cat = store.load_catalog()
    rows = ["model,channel,input_tokens,output_tokens,cache_read_tokens,timestamp"]
    models = sorted({o.model for m in cat.models for o in cat.offers_for(m) if o.channel == channel})[:60]
    for i, m in enumerate(models):
        rows.append(f"{m},{channel},{300_000 if i % 3 == 0 else 1234},{777},{55},2026-11-20T00:00:00Z")
    path = tmp_path / f"{channel}.csv"
    path.write_text("\n".join(rows) + "\n")
    return path, len(models)


def _priced(log: Path, extra: list[str], monkeypatch, capsys) -> tuple[int, dict | None, str]:
    code, out, err = run(["price-log", str(log), "--format", "json", *extra], monkeypatch, capsys)
    return code, (json.loads(out) if code == 0 else None), err


def _overlays(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        channel = rng.choice(CHANNELS)
        places = rng.randint(0, 4)
        pct = D(rng.randint(1, 99 * 10**places)) / 10**places
        if pct >= 100 or pct <= 0:
            pct = D(7)
        out.append(f'[[discounts]]\nchannel = "{channel}"\npercent_off = "{pct}"\n')
    for digits in (1, 6, 12):  # explicit prices: small, 6 decimals, 18 digits
        value = f"{rng.randint(1, 10**digits)}.{rng.randint(0, 999999):06d}"
        out.append(
            f'[[prices]]\nmodel = "claude-sonnet-4-6"\nchannel = "openrouter"\ninput_per_mtok = "{value}"\n'
            f'output_per_mtok = "{value}"\n'
        )
    return out


@pytest.mark.parametrize("seed", range(6))
def test_an_overlay_that_loads_prices_every_row_the_catalog_prices(seed: int, tmp_path, monkeypatch, capsys) -> None:
    rng = random.Random(seed)
    for i, text in enumerate(_overlays(rng, 3)):
        overlay = tmp_path / f"o{i}.toml"
        overlay.write_text(text)
        channel = text.split('channel = "')[1].split('"')[0]
        log, _ = _log_for(channel, tmp_path)
        code, base, err = _priced(log, [], monkeypatch, capsys)
        assert code == 0, err
        code, res, err = _priced(log, ["--prices", str(overlay)], monkeypatch, capsys)
        assert "internal error" not in err and "Traceback" not in err, (text, err)
        if code == 1:  # refused at load, in one line that names the overlay
            assert err.startswith("billpath: error: ") and str(overlay) in err, (text, err)
            assert len(err.strip().splitlines()) == 1, (text, err)
            continue
        assert code == 0, (text, err)
        assert res["rows_priced"] == base["rows_priced"], (text, res["unpriced"][:3])
        assert res["rows_total"] == res["rows_priced"] + res["rows_unpriced"] + res["rows_rejected"]


def test_a_four_decimal_discount_is_refused_at_load_or_priced_never_unpriced_later(
    tmp_path, monkeypatch, capsys
) -> None:
    overlay = tmp_path / "pct.toml"
    overlay.write_text('[[discounts]]\nchannel = "databricks"\npercent_off = "12.3457"\n')
    log, _ = _log_for("databricks", tmp_path)
    code, res, err = _priced(log, ["--prices", str(overlay)], monkeypatch, capsys)
    if code == 0:
        assert res["rows_unpriced"] == 0, res["unpriced"][:3]
    else:
        assert code == 1 and "discounts[0]" in err and "a catalog data issue" not in err, err
    code, _, err = run(["compare", "gpt-5.5", "--input-tokens", "1000", "--prices", str(overlay)], monkeypatch, capsys)
    assert code == (0 if res else 1), err  # every command agrees on the overlay


def test_an_eighteen_digit_price_is_refused_at_load_in_one_line(tmp_path, monkeypatch, capsys) -> None:
    overlay = tmp_path / "big.toml"
    overlay.write_text(
        '[[prices]]\nmodel = "claude-sonnet-4-6"\nchannel = "openrouter"\ninput_per_mtok = "999999999999.999999"\n'
    )
    log, _ = _log_for("openrouter", tmp_path)
    code, _, err = _priced(log, ["--prices", str(overlay)], monkeypatch, capsys)
    assert code == 1 and err.startswith("billpath: error: ") and "prices[0]" in err, err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("input_tokens", [1000, 300_000])
def test_explicit_prices_apply_at_every_prompt_size_and_say_so(
    input_tokens: int, tmp_path, monkeypatch, capsys
) -> None:
    overlay = tmp_path / "flat.toml"
    overlay.write_text(
        '[[prices]]\nmodel = "gpt-5.5"\nchannel = "openai"\ninput_per_mtok = "2"\noutput_per_mtok = "9"\n'
    )
    args = ["compare", "gpt-5.5", "--input-tokens", str(input_tokens), "--output-tokens", "1000000", "--format", "json"]
    code, out, err = run([*args, "--prices", str(overlay)], monkeypatch, capsys)
    assert code == 0, err
    quote = next(q for q in json.loads(out)["quotes"] if (q["channel"], q["variant"]) == ("openai", "standard"))
    assert D(quote["cost"]["input"]) == D(2) * input_tokens / 1_000_000
    assert D(quote["cost"]["output"]) == D(9)
    assert any("every prompt size" in n for n in quote["notes"]), quote["notes"]
    log = tmp_path / "long.csv"
    log.write_text(f"model,channel,input_tokens,output_tokens\ngpt-5.5,openai,{input_tokens},1000000\n")
    code, res, err = _priced(log, ["--prices", str(overlay)], monkeypatch, capsys)
    assert code == 0 and res["rows_priced"] == 1, err
    assert D(res["total_usd"]) == D(2) * input_tokens / 1_000_000 + D(9)
