"""Quote one workload on one offer, and compare it across every channel that sells the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billpath.analysis.hidden_costs import annotate, apply_volume_discounts
from billpath.analysis.plans import plan_quotes
from billpath.catalog.moving import unlisted_note
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
    quotes: list[Quote]  # API channels (direct, cloud, aggregator), cheapest first
    unavailable: list[dict] = field(default_factory=list)
    retired: date | None = None  # every API offer ended by `at`: the model is no longer sold since then
    seats: list[Quote] = field(default_factory=list)  # application plans: never ranked among APIs
    seat_count: int = 1
    verdict: str = ""
    direct: str | None = None  # the maker's own channel: what "what you pay now" means without a log
    released: date | None = None  # the model's release on the maker's API (no price before it)
    retired_label: str | None = None  # a moving alias's retirement as its source states it (an instant)

    @property
    def retired_text(self) -> str:
        return self.retired_label or (self.retired.isoformat() if self.retired else "")

    def to_dict(self) -> dict:
        out = {
            "model": self.model,
            "verdict": self.verdict,
            "at": self.at.isoformat(),
            "usage": usage_dict(self.usage),
            "quotes": [q.to_dict() for q in self.quotes],
            "seats": [q.to_dict() for q in self.seats],
            "seat_count": self.seat_count,
            "unavailable": self.unavailable,
        }
        if self.retired is not None:
            out["no_longer_sold_since"] = self.retired.isoformat()
            out["status"] = f"{self.model} is no longer sold since {self.retired_text} (price a log dated before it)"
        return out


def retired_since(catalog: Catalog, model: str, at: date) -> date | None:
    """The day a model stopped being sold on every API channel (None while any offer is priced at `at`)."""
    offers = [o for o in catalog.offers_for(model) if catalog.channels[o.channel].kind != "application"]
    if not offers or any(o.valid_at(at) or o.effective_from > at for o in offers):
        return None
    return max(o.effective_to for o in offers if o.effective_to is not None)


TIE_USD = Decimal("0.01")  # totals closer than a cent ...
TIE_SHARE = Decimal("0.00005")  # ... and than 0.005% of the total (what a 2-decimal percentage would show)


def tied(a: Decimal, b: Decimal) -> bool:
    """Two totals that differ by less than a cent and by less than 0.005%: a tie, not a ranking."""
    diff = abs(a - b)
    return diff < TIE_USD and diff <= TIE_SHARE * max(abs(a), abs(b))


def rank_with_ties(quotes: list[Quote]) -> list[Quote]:
    """Cheapest first; quotes tied with the cheapest of their group are ordered maker's API first (then
    clouds, aggregators), so float noise in an imported price never puts a reseller ahead of the maker."""
    ordered = sorted(
        quotes, key=lambda q: (q.total, KIND_ORDER.get(q.channel_kind, 9), q.offer.channel, q.offer.variant)
    )
    out: list[Quote] = []
    i = 0
    while i < len(ordered):
        j = i + 1
        while j < len(ordered) and tied(ordered[i].total, ordered[j].total):
            j += 1
        group = sorted(ordered[i:j], key=lambda q: (KIND_ORDER.get(q.channel_kind, 9), q.offer.channel, q.total))
        out.extend(group)
        i = j
    return out


SINGLE_SOURCE_NOTE = "ranked first on a price imported from one source only ({}): check {} before relying on it"


def flag_single_source_lead(quotes: list[Quote]) -> None:
    """A #1 ranking never rests on a single-source import without saying so."""
    api = [q for q in quotes if q.channel_kind != "application"]
    if api and api[0].offer.provenance == "single-source":
        q = api[0]
        note = SINGLE_SOURCE_NOTE.format(q.offer.source.note or "an imported source", q.offer.source.url)
        if note not in q.notes:
            q.notes.append(note)


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
        return f"no longer sold on {channel} since {max(ended)}"
    return f"no price on {channel} in effect at {at} (first price from {min(o.effective_from for o in offers)})"


def compare(
    model: str,
    per_request: Usage,
    requests: Decimal = Decimal(1),
    *,
    batch_share: Decimal = ZERO,
    off_peak_share: Decimal = ZERO,
    at: date | None = None,
    payment: str | None = None,
    purchase_usd: Decimal | None = None,
    all_variants: bool = False,
    seats: int = 1,
    catalog: Catalog | None = None,
) -> Comparison:
    """Every API channel's quote for `requests` requests of `per_request` usage, cheapest first.

    `off_peak_share` of the requests is priced at the off-peak rate on offers priced by the time of day
    (rule 6 of `billpath.pricing.rules`); the other offers ignore it.

    Application plans (coding-tool seats) are priced for `seats` seats sharing the usage and kept apart
    in `seats`: a seat is not an API your software can call, so it never ranks among the API channels.
    """
    catalog = catalog or load_catalog()
    at = at or date.today()
    resolved = catalog.resolve(model)
    usage = workload(per_request, requests)
    offers, unavailable = _chosen_offers(catalog, resolved, at, all_variants)
    quotes = [
        quote_offer(o, usage, catalog, batch_share, payment, purchase_usd, off_peak_share=off_peak_share)
        for o in offers
    ]
    # Hidden costs: application plans (analysis/plans.py), spend-dependent discounts (analysis/hidden_costs.py).
    app_quotes, app_unavailable = plan_quotes(catalog, resolved.model, usage, at, batch_share, seats=seats)
    for u in app_unavailable:
        u["channel_kind"] = "application"
    replaced = {q.offer.channel for q in app_quotes} | {u["channel"] for u in app_unavailable}
    unavailable = [u for u in unavailable if u["channel"] not in replaced] + app_unavailable
    apply_volume_discounts(quotes, catalog)
    base = _direct_quote(catalog, resolved.model, at, usage, batch_share, quotes, off_peak_share)
    if base is not None:
        for q in (*quotes, *app_quotes):
            q.markup_vs_direct_pct = (
                ZERO.quantize(Decimal("0.01")) if tied(q.total, base) else pct(q.total - base, base)
            )
    quotes[:] = rank_with_ties(quotes)
    app_quotes[:] = rank_with_ties(app_quotes)
    flag_single_source_lead(quotes)
    result = Comparison(
        model=resolved.model,
        at=at,
        usage=usage,
        quotes=quotes,
        unavailable=unavailable,
        seats=app_quotes,
        seat_count=seats,
        direct=catalog.direct_channel(resolved.model),
        released=catalog.models[resolved.model].released,
    )
    result.retired = retired_since(catalog, resolved.model, at)
    _moving_notes(catalog, model, result)
    annotate(result, catalog, batch_share, payment, off_peak_share=off_peak_share)
    from billpath.analysis.verdict import compare_verdict

    result.verdict = compare_verdict(result)
    return result


def _moving_notes(catalog: Catalog, name: str, result: Comparison) -> None:
    """A moving alias: its retirement as stated, on the channels it left; a `-latest` name the alias table does not
    date: a note on every quote that the price is today's target's (`catalog/moving.py`)."""
    alias = catalog.moving.get(result.model)
    if alias is not None and alias.retired is not None:
        end = alias.windows[-1].end
        if end is not None and result.at >= end:
            result.retired_label = alias.retired if result.retired == end else None
            gone = f"no longer sold since {alias.retired}: {alias.id} was retired"
            for u in result.unavailable:
                if u["reason"].startswith("no longer sold on "):
                    u["reason"] = gone
    note = unlisted_note(name, result.model, catalog.moving)
    if note:
        for q in result.quotes:
            q.notes.insert(0, note)


def _direct_quote(
    catalog: Catalog,
    model: str,
    at: date,
    usage: Usage,
    batch_share: Decimal,
    quotes: list[Quote],
    off_peak_share: Decimal = ZERO,
) -> Decimal | None:
    """What the same usage costs on the maker's own API (standard variant): the markup baseline."""
    direct = catalog.direct_channel(model)
    for q in quotes:
        if q.offer.channel == direct and q.offer.variant == "standard":
            return q.total
    offer = next((o for o in catalog.offers_at(model, at) if o.channel == direct and o.variant == "standard"), None)
    return (
        None if offer is None else quote_offer(offer, usage, catalog, batch_share, off_peak_share=off_peak_share).total
    )
