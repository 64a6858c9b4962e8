"""Issue 12, class 6 (application plans): Copilot AI Credits as the plans page states them, team plans,
Cursor's Token Rate, Replit Pro, and "not offered" reasons that say why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from billpath.analysis.compare import compare
from billpath.analysis.plans import not_offered_reason
from billpath.catalog.plans import plans
from billpath.usage.record import Usage

AT = date(2026, 11, 26)


def _plan(channel: str, pid: str):
    return next(p for p in plans() if (p.channel, p.id) == (channel, pid))


def test_copilot_ai_credit_plans() -> None:
    for pid, seat, credits in (
        ("pro", 10, 15),
        ("pro-plus", 39, 70),
        ("max", 100, 200),
        ("business", 19, 19),
        ("enterprise", 39, 39),
    ):
        p = _plan("github-copilot", pid)
        assert (p.seat_usd_per_month, p.included_usd) == (D(seat), D(credits)), pid
        assert p.valid_at(AT)
    assert not _plan("github-copilot", "pro").offers_model("claude-opus-4-8")  # Opus: Pro+ and above
    assert all(_plan("github-copilot", pid).offers_model("claude-opus-4-8") for pid in ("pro-plus", "max"))
    legacy = _plan("github-copilot", "pro-annual-legacy")
    assert legacy.multipliers["claude-opus-4-8"] == D(27) and legacy.multipliers["claude-sonnet-4-6"] == D(9)


def test_opus_on_copilot_is_never_priced_on_pro() -> None:
    comp = compare("claude-opus-4-8", Usage(input_tokens=1000, output_tokens=100), D(10), at=AT)
    copilot = next(q for q in comp.seats if q.offer.channel == "github-copilot")
    assert copilot.offer.variant != "pro"
    assert any("not offered on GitHub Copilot Pro (AI Credits)" in n for n in copilot.notes)


def test_cursor_token_rate_on_every_token() -> None:
    teams = _plan("cursor", "teams")
    assert teams.token_rate_usd_per_mtok == D("0.25")
    from billpath.analysis.plans import price_plan
    from billpath.catalog.store import load_catalog

    u = Usage(input_tokens=1_000_000, output_tokens=1_000_000, cache_read_tokens=2_000_000)
    q = price_plan(teams, "claude-sonnet-4-6", u, load_catalog(), AT, D(0))
    assert q.cost.components["token_rate"] == D(1)  # 4M tokens, cached ones included
    # 40 seat + usage at list (3 + 15 + 0.6 = 18.6, within the $20 included) + 1 token rate
    assert q.total == D(41)


def test_replit_plans_are_named_and_unpriceable() -> None:
    comp = compare("claude-sonnet-4-6", Usage(input_tokens=1000, output_tokens=100), D(1), at=AT)
    replit = next(u for u in comp.unavailable if u["channel"] == "replit")
    assert "Replit Core" in replit["reason"] and "Replit Pro costs $100/month" in replit["reason"]


def test_not_offered_reasons_say_why() -> None:
    # not in any plan's list
    assert "not in the model list" in not_offered_reason("cursor", "llama-3.3-70b", AT)
    # a plan lists it, but only from a later arrival date
    assert "before 2026-05-29" in not_offered_reason("github-copilot", "claude-opus-4-8", date(2026, 5, 1))
    # a plan lists it, but no such plan is sold at that date (AI Credits start 2026-06-01)
    assert "no plan that lists" in not_offered_reason("github-copilot", "claude-haiku-4-5", date(2026, 5, 1))
    comp = compare("llama-3.3-70b", Usage(input_tokens=1000, output_tokens=100), D(1), at=AT)
    cursor = next(u for u in comp.unavailable if u["channel"] == "cursor")
    assert "not in the model list" in cursor["reason"]
