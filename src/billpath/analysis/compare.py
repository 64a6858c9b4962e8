"""Quote one workload on one offer, and compare it across every channel that sells the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billpath.analysis.hidden_costs import annotate, apply_volume_discounts
from billpath.analysis.plans import plan_quotes
from billpath.catalog.store import Catalog, Offer, Resolved, load_catalog
from billpath.money import ZERO, pct
from billpath.pricing.quote import Quote, quote_offer, usage_dict, workload
from billpath.usage.record import Usage

SHOWN_BY_DEFAULT = ("standard", "location")
KIND_ORDER = {"direct": 0, "cloud": 1, "aggregator": 2, "application": 3}


@dataclass
class Comparison:
    model: str
    at: date
    usage: Usage
    quotes: list[Quote]
    unavailable: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "model": self.model,
            "at": self.at.isoformat(),
            "usage": usage_dict(self.usage),
            "quotes": [q.to_dict() for q in self.quotes],
            "unavailable": self.unavailable,
        }


def _chosen_offers(
    catalog: Catalog, resolved: Resolved, at: date, all_variants: bool
) -> tuple[list[Offer], list[dict]]:
    offers, unavailable = [], []
    for channel_id, channel in catalog.channels.items():
        mine = [o for o in catalog.offers_for(resolved.model) if o.channel == channel_id]
        if resolved.channel == channel_id:
            mine = [o for o in mine if o.variant == resolved.variant]
        elif not all_variants:
            mine = [o for o in mine if o.variant_kind in SHOWN_BY_DEFAULT]
        valid = [o for o in mine if o.valid_at(at)]
        live = [o for o in valid if o.live_at(at)]
        if live:
            offers.extend(live)
        elif valid:
            first = min(o.available_from for o in valid if o.available_from)
            unavailable.append({"channel": channel_id, "reason": f"not on {channel_id} until {first}"})
        elif mine:
            unavailable.append({"channel": channel_id, "reason": _no_price_reason(mine, channel_id, at)})
        elif channel.kind == "application":
            reason = "application channel: the model is bundled in a subscription, not sold per token"
            unavailable.append({"channel": channel_id, "reason": reason})
        else:
            unavailable.append({"channel": channel_id, "reason": f"{channel_id} does not sell {resolved.model}"})
    return offers, unavailable


def _no_price_reason(offers: list[Offer], channel: str, at: date) -> str:
    ended = [o.effective_to for o in offers if o.effective_to and o.effective_to <= at]
    if ended and not any(o.effective_from > at for o in offers):
        return f"no longer sold on {channel}: last price ended {max(ended)}"
    return f"no price on {channel} in effect at {at} (first price from {min(o.effective_from for o in offers)})"


def compare(
    model: str,
    per_request: Usage,
    requests: Decimal = Decimal(1),
    *,
    batch_share: Decimal = ZERO,
    at: date | None = None,
    payment: str | None = None,
    purchase_usd: Decimal | None = None,
    all_variants: bool = False,
    catalog: Catalog | None = None,
) -> Comparison:
    """Every channel's quote for `requests` requests of `per_request` usage, cheapest first."""
    catalog = catalog or load_catalog()
    at = at or date.today()
    resolved = catalog.resolve(model)
    usage = workload(per_request, requests)
    offers, unavailable = _chosen_offers(catalog, resolved, at, all_variants)
    quotes = [quote_offer(o, usage, catalog, batch_share, payment, purchase_usd) for o in offers]
    # Hidden costs: application plans (analysis/plans.py), spend-dependent discounts (analysis/hidden_costs.py).
    app_quotes, app_unavailable = plan_quotes(catalog, resolved.model, usage, at, batch_share)
    replaced = {q.offer.channel for q in app_quotes} | {u["channel"] for u in app_unavailable}
    unavailable = [u for u in unavailable if u["channel"] not in replaced] + app_unavailable
    quotes += app_quotes
    apply_volume_discounts(quotes, catalog)
    base = _direct_quote(catalog, resolved.model, at, usage, batch_share, quotes)
    if base is not None:
        for q in quotes:
            q.markup_vs_direct_pct = pct(q.total - base, base)
    quotes.sort(key=lambda q: (q.total, KIND_ORDER.get(q.channel_kind, 9), q.offer.channel, q.offer.variant))
    result = Comparison(model=resolved.model, at=at, usage=usage, quotes=quotes, unavailable=unavailable)
    annotate(result, catalog, batch_share, payment)
    return result


def _direct_quote(
    catalog: Catalog, model: str, at: date, usage: Usage, batch_share: Decimal, quotes: list[Quote]
) -> Decimal | None:
    """What the same usage costs on the maker's own API (standard variant): the markup baseline."""
    direct = catalog.direct_channel(model)
    for q in quotes:
        if q.offer.channel == direct and q.offer.variant == "standard":
            return q.total
    offer = next((o for o in catalog.offers_at(model, at) if o.channel == direct and o.variant == "standard"), None)
    return None if offer is None else quote_offer(offer, usage, catalog, batch_share).total
