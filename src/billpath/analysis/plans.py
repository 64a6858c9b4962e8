"""Application plans priced for a workload: one row per application channel (its cheapest plan)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from billpath.catalog.plans import Plan, plans
from billpath.catalog.store import Catalog, Offer, OfferFeatures
from billpath.errors import UsageError
from billpath.money import MTOK, ZERO, display
from billpath.pricing.exact import Cost
from billpath.pricing.quote import Quote, quote_offer
from billpath.usage.record import Usage

PER_SEAT = "priced for one seat; --requests is taken as one month of that seat's prompts"


def per_seat_note(seats: int) -> str:
    if seats == 1:
        return PER_SEAT
    return (
        f"priced for {seats} seats sharing --requests evenly (each seat its own allowance; "
        "a per-user log prices each seat on its own usage)"
    )


def api_offer(catalog: Catalog, model: str, at: date) -> Offer | None:
    """The maker's own list price (standard variant): what usage-pool plans bill against."""
    direct = catalog.direct_channel(model)
    for o in catalog.offers_at(model, at):
        if o.channel == direct and o.variant == "standard":
            return o
    return None


def _synthetic_offer(plan: Plan, model: str, api: Offer | None) -> Offer:
    tiers = api.tiers if api else ()
    return Offer(
        model=model,
        channel=plan.channel,
        variant=plan.id,
        variant_kind="plan",
        ids=(model,),
        available_from=None,
        effective_from=plan.effective_from,
        effective_to=plan.effective_to,
        tiers=tiers,
        batch_multiplier=None,
        batch_discounts_cache=True,
        features=api.features if api else OfferFeatures(),
        notes=(),
        source=plan.source,
    )


def _api_quote(api, usage: Usage, catalog: Catalog, batch_share: Decimal):
    """The usage at the maker's API list price, as an application bills it (no batch: all on demand)."""
    return quote_offer(replace(api, batch_multiplier=None), usage, catalog, batch_share)


def price_plan(
    plan: Plan,
    model: str,
    usage: Usage,
    catalog: Catalog,
    at: date,
    batch_share: Decimal,
    api_quote=None,
    seats: int = 1,
):
    """A Quote for `seats` seats of one plan sharing `usage` evenly (or None when the plan cannot price this model).

    With an even split every seat uses the same share, so the team's cost is the plan with the seat fee
    and the allowance both times `seats` (exact, no division). `api_quote` (from `_api_quote`) saves
    re-pricing the same usage for every usage-pool plan.
    """
    if seats < 1:
        raise UsageError(f"--seats must be at least 1 (got {seats})")
    api = api_offer(catalog, model, at)
    notes = [f"{plan.name}: {plan.note}", per_seat_note(seats)]
    n = Decimal(seats)
    if plan.billing == "usage-pool":
        if api is None:
            return None
        api_quote = api_quote or _api_quote(api, usage, catalog, batch_share)
        cost = Cost(components=dict(api_quote.cost.components))
        api_total = api_quote.cost.tokens_total
        assert plan.included_usd is not None
        covered = min(api_total, plan.included_usd * n)
        cost.components["plan_fee"] = plan.seat_usd_per_month * n
        cost.components["included_usage"] = -covered
        over = api_total - covered
        notes.append(
            f"usage at the maker's API list price {display(api_total)}: {display(covered)} covered by the plan, "
            f"{display(over)} billed beyond it"
        )
        notes.extend(n for n in api_quote.notes if n.startswith("batch not offered"))
        if plan.token_rate_usd_per_mtok is not None:
            tokens = usage.all_tokens
            cost.components["token_rate"] = tokens * plan.token_rate_usd_per_mtok / MTOK
            notes.append(
                f"{plan.channel} token rate ${plan.token_rate_usd_per_mtok}/Mtok on all {tokens:,} tokens "
                f"(input, output and cached; included usage too): {display(cost.components['token_rate'])}"
            )
    else:  # premium-requests
        mult = plan.multipliers[model]
        assert plan.included_requests is not None and plan.overage_usd_per_request is not None
        counted = usage.requests * mult
        included = plan.included_requests * n
        extra = max(ZERO, counted - included)
        cost = Cost()
        cost.components["plan_fee"] = plan.seat_usd_per_month * n
        cost.components["premium_request_overage"] = extra * plan.overage_usd_per_request
        notes.append(
            f"{usage.requests:,} prompts x {mult} = {counted:,} premium requests; {included:,} included, "
            f"{extra:,} over at ${plan.overage_usd_per_request} each; tokens are not billed"
        )
    return Quote(offer=_synthetic_offer(plan, model, api), channel_kind="application", cost=cost, notes=notes)


def plan_quotes(catalog: Catalog, model: str, usage: Usage, at: date, batch_share: Decimal, seats: int = 1):
    """(quotes, unavailable): the cheapest plan per application channel, and channels that cannot be priced."""
    by_channel: dict[str, list] = {}
    unpriceable: dict[str, list[Plan]] = {}
    api_quote = None
    released = catalog.models[model].released
    if released is not None and at < released:
        return [], []  # no plan prices a model before it exists
    for plan in plans():
        if plan.channel not in catalog.channels or not plan.valid_at(at):
            continue
        if plan.billing == "unpriceable":
            unpriceable.setdefault(plan.channel, []).append(plan)
            continue
        if not plan.offers_model(model):
            continue
        if plan.billing == "usage-pool" and api_quote is None:
            api = api_offer(catalog, model, at)
            api_quote = _api_quote(api, usage, catalog, batch_share) if api else None
        q = price_plan(plan, model, usage, catalog, at, batch_share, api_quote, seats)
        if q is not None:
            by_channel.setdefault(plan.channel, []).append(q)
    quotes = []
    for options in by_channel.values():
        options.sort(key=lambda q: (q.total, q.offer.variant))
        best = options[0]
        others = ", ".join(f"{q.offer.variant} {display(q.total)}" for q in options[1:])
        if others:
            best.notes.append(f"other plans for this workload: {others}")
        without = [
            p.name
            for p in plans()
            if p.channel == best.offer.channel
            and p.valid_at(at)
            and p.billing != "unpriceable"
            and not p.offers_model(model)
        ]
        if without:
            best.notes.append(f"not offered on {', '.join(without)} (not in the plan's model list)")
        quotes.append(best)
    unavailable = [
        {
            "channel": ch,
            "reason": "; ".join(
                f"{p.name} costs ${p.seat_usd_per_month}/month; per-token cost is unknowable there: {p.note}"
                for p in ps
            ),
        }
        for ch, ps in unpriceable.items()
    ]
    priced = {q.offer.channel for q in quotes} | set(unpriceable)
    for channel in sorted({p.channel for p in plans() if p.channel in catalog.channels} - priced):
        unavailable.append({"channel": channel, "reason": not_offered_reason(channel, model, at)})
    return quotes, unavailable


def not_offered_reason(channel: str, model: str, at: date) -> str:
    """Why no plan of an application channel prices the model at `at`: a later arrival, a higher plan only,
    a plan not yet (or no longer) sold, not in any plan's model list, or not offered at all."""
    mine = [p for p in plans() if p.channel == channel]
    live = [p for p in mine if p.valid_at(at)]
    listing = [p for p in mine if p.offers_model(model)]
    arrivals = sorted(p.arrivals[model] for p in listing if model in p.arrivals)
    if arrivals and arrivals[0] > at:
        return f"{model} is not on {channel} before {arrivals[0]} (the plans list it from then)"
    if listing and not any(p in live for p in listing):
        spans = ", ".join(f"{p.name} {p.effective_from} to {p.effective_to or 'now'}" for p in listing)
        return f"no plan that lists {model} is sold at {at} ({spans})"
    if listing:
        return f"{model} is offered on {', '.join(p.name for p in listing)} only, and none prices it here"
    names = ", ".join(p.name for p in live) or "no current plan"
    return f"{model} is not in the model list of any {channel} plan ({names}): not offered there"
