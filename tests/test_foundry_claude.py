"""Issue 12: Claude on Microsoft Foundry. Claude is sold in Global Standard and US Data Zone Standard deployments
with the 1M-token context window (platform.claude.com/docs/en/build-with-claude/claude-in-microsoft-foundry), but
no price for the Data Zone is published (nor in either vendored package). So the Data Zone is declared in data as
a deployment without a price (`[[channel.unpriced_variants]]` in channels/azure.toml), and every answer that needs
it says the price is not published instead of assuming the Global Standard one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from billpath.analysis.compare import compare
from billpath.analysis.recommend import recommend
from billpath.api import price_log
from billpath.catalog.store import load_catalog
from billpath.usage.record import Usage

AT = date(2026, 11, 26)
NOT_PUBLISHED = "neither Anthropic nor Microsoft publishes its price"


def test_no_claude_offer_on_azure_is_a_us_price_and_every_one_says_so() -> None:
    """The general property: every Claude model Azure sells has the unpublished US Data Zone declared, no priced
    Azure variant of it names a US id, and each standard Claude offer there carries the note."""
    catalog = load_catalog()
    azure = catalog.channels["azure"]
    claude = {o.model for o in catalog.offers if o.channel == "azure" and o.model.startswith("claude")}
    assert len(claude) > 10
    for model in claude:
        assert azure.unpublished(model, "us") is not None, model
        for o in catalog.offers_for(model):
            if o.channel == "azure":
                assert not any(i.lower().startswith(("azure/us/", "us/")) for i in o.ids), (model, o.ids)
                if o.variant_kind == "standard":
                    assert any(NOT_PUBLISHED in n for n in o.notes), (model, o.variant)


def test_region_us_says_the_data_zone_price_is_not_published() -> None:
    rec = recommend(
        "claude-opus-4-8", Usage(input_tokens=D(10_000), output_tokens=D(1_000)), D(1000), requires=["region:us"], at=AT
    ).to_dict()
    (azure,) = [e for e in rec["excluded"] if e["channel"] == "azure"]
    assert NOT_PUBLISHED in azure["reason"] and "region:us" in azure["reason"]
    assert all(r["channel"] != "azure" for r in rec["ranking"])


def test_us_only_rows_are_not_repriced_on_foundry_at_the_global_price(tmp_path) -> None:
    log = tmp_path / "us.csv"
    log.write_text(
        "timestamp,model,channel,variant,input_tokens,output_tokens\n"
        "2026-11-20T00:00:00Z,claude-opus-4-8,anthropic,us-only,100000,1000\n"  # US-only: 1.1 x (0.5 + 0.025)
        "2026-11-20T00:00:00Z,claude-opus-4-8,anthropic,,100000,1000\n"  # global: 0.5 + 0.025
    )
    r = price_log([str(log)])
    assert r.total == D("0.525") * D("1.1") + D("0.525")
    assert "azure" not in r.reprice
    (missing,) = r.reprice_incomplete["azure"]["missing"]
    assert missing["rows"] == 1 and NOT_PUBLISHED in missing["reason"]
    assert r.reprice_incomplete["azure"]["covered_usd"] == "0.525"  # the global row, at Global Standard


def test_opus_4_8_on_foundry_has_the_1m_window_at_the_standard_price() -> None:
    big = Usage(input_tokens=D(600_000), output_tokens=D(2_000))
    comp = compare("claude-opus-4-8", big, at=AT)
    (azure,) = [q for q in comp.quotes if q.offer.channel == "azure"]
    (direct,) = [q for q in comp.quotes if q.offer.channel == "anthropic" and q.offer.variant == "standard"]
    assert azure.offer.features.max_context_tokens == 1_000_000 and azure.offer.features.long_context
    assert azure.total == direct.total == D("3") + D("0.05")  # 600k x 5 + 2k x 25: no long-context premium
