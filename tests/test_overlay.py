"""User price overlays (`--prices FILE`): applied everywhere, validated strictly with fixable errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from billpath.analysis.compare import compare
from billpath.catalog.plans_schema import validate_plans_and_discounts
from billpath.catalog.price_overlay import apply_overlay
from billpath.errors import BillpathError
from billpath.usage.record import Usage

from .conftest import TODAY

D = Decimal
EXAMPLE = Path(__file__).parent.parent / "examples" / "prices.toml"
SONNET = Usage(input_tokens=10_000, output_tokens=1_000)


@pytest.fixture(autouse=True, scope="module")
def _leave_the_catalog_cache_as_found():
    """Listings and overlays parse every offer of the process-wide catalog: drop it afterwards."""
    yield
    from billpath.catalog import store

    store._CACHE.clear()


def _totals(cat, requests=3000):
    comp = compare("claude-sonnet-4-6", SONNET, D(requests), at=TODAY, catalog=cat)
    return {(q.offer.channel, q.offer.variant): q.total for q in comp.quotes}


def test_example_overlay_prices(catalog):
    cat = apply_overlay(catalog, EXAMPLE)
    totals = _totals(cat)
    assert totals[("aws-bedrock", "global")] == D("130.95")  # 3% off $135
    assert totals[("aws-bedrock", "regional")] == D("144.045")  # 3% off $148.50
    # explicit 2.85/14.25: 3000 x (0.0285 + 0.01425) = 128.25, plus the 5.5% card fee 7.05375
    assert totals[("openrouter", "standard")] == D("135.30375")
    # the 10% Anthropic discount starts at $5,000 of monthly spend: not reached at $135 ...
    assert totals[("anthropic", "standard")] == D(135)
    # ... reached at 40x the volume ($5,400 list): 10% off
    assert _totals(cat, 120_000)[("anthropic", "standard")] == D(4860)
    assert _totals(catalog)[("aws-bedrock", "global")] == D(135)  # the bundled catalog is untouched


def test_no_overlay_is_the_catalog(catalog):
    assert apply_overlay(catalog, None) is catalog


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[discounts]]\nchannel = "aws-bedrock"\npercent = "5"\n',
            "percent: Extra inputs are not permitted (remove it",
        ),
        (
            '[[discounts]]\nchannel = "aws-bedrok"\npercent_off = "5"\n',
            "unknown channel 'aws-bedrok'; use one of: aws-bedrock",
        ),
        ('[[discounts]]\nchannel = "aws-bedrock"\npercent_off = "150"\n', "percent_off: Input should be less than 100"),
        (
            '[[prices]]\nmodel = "claude-sonnet-4-6"\nchannel = "openai"\ninput_per_mtok = "1"\n',
            "openai has no offer for",
        ),
        ('[[prices]]\nmodel = "claude-sonet-9"\nchannel = "anthropic"\ninput_per_mtok = "1"\n', "unknown model"),
        ('[[prices]]\nmodel = "claude-sonnet-4-6"\nchannel = "anthropic"\n', "give at least one price"),
        (
            '[[prices]]\nmodel = "claude-sonnet-4-6"\nchannel = "aws-bedrock"\nvariant = "eu"\ninput_per_mtok = "1"\n',
            "use one of ['global', 'regional']",
        ),
        ("discounts = [", "not valid TOML"),
        (
            '[[discounts]]\nchannel = "openai"\npercent_off = "5"\nmodels = ["claude-sonnet-4-6"]\n',
            "openai does not sell claude-sonnet-4-6; fix `models`",
        ),
    ],
)
def test_overlay_errors_say_how_to_fix(tmp_path, catalog, text, message):
    path = tmp_path / "prices.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BillpathError) as err:
        apply_overlay(catalog, path)
    assert message in str(err.value)
    assert "\n" not in str(err.value)  # one line for the CLI


def test_missing_overlay_file(tmp_path, catalog):
    with pytest.raises(BillpathError, match="cannot read price overlay"):
        apply_overlay(catalog, tmp_path / "nope.toml")


def test_bundled_plans_and_discounts_validate_strictly():
    plans, discounts = validate_plans_and_discounts()
    assert plans >= 8 and discounts >= 10


def test_plan_schema_rejects_incomplete_plans(tmp_path):
    (tmp_path / "plans.toml").write_text(
        '[[plans]]\nchannel = "x"\nid = "p"\nname = "P"\nbilling = "usage-pool"\nseat_usd_per_month = "1"\n'
        'effective_from = 2026-01-01\nnote = "n"\nsource = { url = "https://example.test", checked = 2026-01-01 }\n',
        encoding="utf-8",
    )
    (tmp_path / "discounts.toml").write_text("discounts = []\n", encoding="utf-8")
    with pytest.raises(BillpathError, match="usage-pool plan needs"):
        validate_plans_and_discounts(tmp_path)


def test_price_log_honours_the_overlay():
    import json

    from typer.testing import CliRunner

    from billpath.cli import app

    log = str(EXAMPLE.parent / "usage.csv")
    plain = json.loads(CliRunner().invoke(app, ["price-log", log, "--format", "json"]).output)
    mine = json.loads(CliRunner().invoke(app, ["price-log", log, "--prices", str(EXAMPLE), "--format", "json"]).output)
    assert D(mine["total_usd"]) < D(plain["total_usd"])  # the Bedrock rows are 3% cheaper
    assert D(mine["reprice"]["openrouter"]) < D(plain["reprice"]["openrouter"])  # explicit Sonnet prices
    assert mine["rows_total"] == plain["rows_total"]
