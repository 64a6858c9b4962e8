"""Coding-tool seats priced on a per-user log: each user's seat on that user's own usage, month by month.

A seat's allowance is per user and per month, so a team is not one big seat: a light user leaves part
of the allowance unused (paid for, not consumed) while a heavy user pays overage. Both are shown.
Usage-pool plans bill usage at the maker's API list price (`analysis.plans`); premium-request plans
count requests times the model's multiplier.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from billpath.catalog.plans import Plan, plans
from billpath.catalog.store import Catalog
from billpath.money import MTOK, ZERO, exact
from billpath.pricing.quote import quote_offer
from billpath.usage.record import Usage

SEAT_KEYS = ("fee", "used", "unused", "overage", "total")
# One user's usage in one month: model -> Usage (tokens and requests summed).
MonthUsage = dict[str, Usage]


def _api_cost(catalog: Catalog, model: str, usage: Usage, at: date) -> Decimal | None:
    from billpath.analysis.plans import api_offer

    offer = api_offer(catalog, model, at)
    if offer is None:
        return None
    from dataclasses import replace

    return quote_offer(replace(offer, batch_multiplier=None), usage, catalog).cost.tokens_total


def seat_month(plan: Plan, catalog: Catalog, usage: MonthUsage, at: date) -> dict | None:
    """One user's seat for one month: fee, usage at the plan's terms, unused allowance, overage (None: cannot)."""
    if not all(plan.offers_model(m) for m in usage):
        return None
    fee = plan.seat_usd_per_month
    if plan.billing == "usage-pool":
        costs = [_api_cost(catalog, m, u, at) for m, u in usage.items()]
        known = [c for c in costs if c is not None]
        if len(known) < len(costs):
            return None
        used = sum(known, ZERO)
        included = plan.included_usd or ZERO
    else:  # premium requests: counted requests priced at the overage rate beyond the allowance
        rate = plan.overage_usd_per_request or ZERO
        used = sum((u.requests * plan.multipliers[m] for m, u in usage.items()), ZERO) * rate
        included = Decimal(plan.included_requests or 0) * rate
    overage = max(ZERO, used - included)
    total = fee + overage
    if plan.token_rate_usd_per_mtok is not None:  # e.g. the Cursor Token Rate: on every token, included usage too
        tokens = sum((u.all_tokens for u in usage.values()), ZERO)
        total += tokens * plan.token_rate_usd_per_mtok / MTOK
    return {"fee": fee, "used": used, "unused": max(ZERO, included - used), "overage": overage, "total": total}


def per_user_seats(catalog: Catalog, usage: dict[tuple[str, str], MonthUsage]) -> list[dict]:
    """Every priceable plan on the log's users: {(user, "YYYY-MM"): {model: Usage}} -> plans, cheapest first."""
    out = []
    months = sorted({m for _, m in usage})
    for plan in plans():
        if plan.channel not in catalog.channels or plan.billing == "unpriceable":
            continue
        by_user: dict[str, dict] = defaultdict(lambda: dict.fromkeys(SEAT_KEYS, ZERO))
        ok = True
        for (user, month), models in sorted(usage.items()):
            at = date.fromisoformat(month + "-01")
            if not plan.valid_at(at):
                ok = False
                break
            seat = seat_month(plan, catalog, models, at)
            if seat is None:
                ok = False
                break
            for k, v in seat.items():
                by_user[user][k] += v
        if not ok or not by_user:
            continue
        total = sum((u["total"] for u in by_user.values()), ZERO)
        out.append(
            {
                "channel": plan.channel,
                "channel_kind": "application",
                "plan": plan.id,
                "users": len(by_user),
                "months": months,
                "total_usd": exact(total),
                "unused_allowance_usd": exact(sum((u["unused"] for u in by_user.values()), ZERO)),
                "overage_usd": exact(sum((u["overage"] for u in by_user.values()), ZERO)),
                "by_user": [
                    {
                        "user": user,
                        "usage_at_plan_terms_usd": exact(u["used"]),
                        "seat_usd": exact(u["total"]),
                        "unused_allowance_usd": exact(u["unused"]),
                        "overage_usd": exact(u["overage"]),
                    }
                    for user, u in sorted(by_user.items())
                ],
                "source": {"url": plan.source.url, "checked": plan.source.checked},
            }
        )
    out.sort(key=lambda p: (Decimal(str(p["total_usd"])), str(p["channel"]), str(p["plan"])))
    return out
