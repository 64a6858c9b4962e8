"""Hidden costs: feature gaps priced with and without the feature, version lag, spend-dependent discounts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache

from billpath.catalog.store import Catalog, Offer
from billpath.money import ZERO, display, exact
from billpath.pricing.quote import quote_offer
from billpath.pricing.rules import NO_BATCH_NOTE
from billpath.usage.record import Usage

FEATURE_NAMES = {
    "prompt_caching": "prompt caching",
    "cache_1h": "1-hour cache",
    "extended_thinking": "extended thinking",
    "long_context": "long context",
    "web_search": "web search",
    "priority": "priority tier",
    "flex": "flex tier",
}
CACHE_FIELDS = ("cache_read_per_mtok", "cache_write_5m_per_mtok", "cache_write_1h_per_mtok")


@dataclass(frozen=True)
class Gap:
    feature: str
    amount: Decimal | None  # extra cost for this workload (None: not priced, a capability only)
    note: str
    missing: tuple[str, ...] = ()  # for "capabilities": the features this channel lacks

    def to_dict(self) -> dict:
        return {
            "feature": self.feature,
            "amount": None if self.amount is None else exact(self.amount),
            "note": self.note,
            **({"missing": list(self.missing)} if self.missing else {}),
        }


def direct_offer(catalog: Catalog, model: str, at: date) -> Offer | None:
    direct = catalog.direct_channel(model)
    return next((o for o in catalog.offers_at(model, at) if o.channel == direct and o.variant == "standard"), None)


@lru_cache(maxsize=1024)  # offers hash by identity: one derived offer per (offer, reference) pair
def _with_batch(offer: Offer, ref: Offer) -> Offer:
    """The offer as if it had the reference's batch discount."""
    return replace(offer, batch_multiplier=ref.batch_multiplier, batch_discounts_cache=ref.batch_discounts_cache)


@lru_cache(maxsize=1024)
def _with_cache_prices(offer: Offer, ref: Offer) -> Offer | None:
    """The offer as if it priced cache like the reference (same ratios to its own input price)."""
    base = ref.tiers[0]
    tiers = []
    changed = False
    for t in offer.tiers:
        kw = {}
        for f in CACHE_FIELDS:
            ref_price = getattr(base, f)
            if getattr(t, f) is None and ref_price is not None and base.input_per_mtok:
                kw[f] = t.input_per_mtok * ref_price / base.input_per_mtok
                changed = True
        tiers.append(replace(t, **kw) if kw else t)
    return replace(offer, tiers=tuple(tiers)) if changed else None


def feature_gaps(
    quote,
    usage: Usage,
    catalog: Catalog,
    at: date,
    batch_share: Decimal,
    payment=None,
    ref: Offer | None = None,
    off_peak_share: Decimal = ZERO,
) -> list[Gap]:
    """What this channel lacks against the maker's own API, with the cost of each priced gap.

    A priced gap is the quote as it is minus the same workload priced on the same offer WITH the feature
    (batch at the maker's multiplier, cache at the maker's ratios): computed, never asserted.
    """
    offer: Offer = quote.offer
    if offer.variant_kind == "plan":
        return []
    ref = ref or direct_offer(catalog, offer.model, at)
    gaps: list[Gap] = []
    if ref is None or ref is offer:
        return gaps
    cache_tokens = usage.cache_read_tokens + usage.cache_write_tokens + usage.cache_write_1h_tokens
    batch_gap = batch_share > 0 and offer.batch_multiplier is None and ref.batch_multiplier is not None
    better_cache = _with_cache_prices(offer, ref) if cache_tokens else None
    as_is = ZERO
    if batch_gap or better_cache is not None:  # re-price only when a priced gap is possible
        # before spend discounts
        as_is = quote_offer(offer, usage, catalog, batch_share, payment, off_peak_share=off_peak_share).total
    if batch_gap:
        better = _with_batch(offer, ref)
        amount = as_is - quote_offer(better, usage, catalog, batch_share, payment, off_peak_share=off_peak_share).total
        share_pct = f"{(batch_share * 100).normalize():f}%"
        note = f"no batch here: {_signed(amount)}/month ({share_pct} batch share billed on demand)"
        gaps.append(Gap("batch", amount, note))
    if better_cache is not None:
        amount = (
            as_is - quote_offer(better_cache, usage, catalog, batch_share, payment, off_peak_share=off_peak_share).total
        )
        if amount:
            gaps.append(Gap("prompt_caching", amount, _cache_note(offer, amount)))
    missing = [
        FEATURE_NAMES[k]
        for k in FEATURE_NAMES
        if getattr(ref.features, k) and not getattr(offer.features, k) and k != "prompt_caching"
    ]
    if missing:
        note = f"missing here vs {ref.channel}: {', '.join(missing)} (not priced)"
        gaps.append(Gap("capabilities", None, note, tuple(missing)))
    ref_ctx, ctx = ref.features.max_context_tokens, offer.features.max_context_tokens
    if ref_ctx and ctx and ctx < ref_ctx:
        gaps.append(Gap("context", None, f"context up to {ctx:,} tokens here vs {ref_ctx:,} on {ref.channel}"))
    return gaps


def _cache_note(offer: Offer, amount: Decimal) -> str:
    base = offer.tiers[0]
    if base.cache_read_per_mtok is None:
        return f"no prompt caching here: {_signed(amount)}/month (cached tokens billed as input)"
    if base.cache_write_5m_per_mtok is not None and base.cache_write_1h_per_mtok is None:
        return (
            f"no 1-hour cache here: {_signed(amount)}/month with 1-hour writes billed as 5-minute writes; "
            "5-minute entries expire sooner, so expect more writes than this workload counts"
        )
    return f"missing cache prices here: {_signed(amount)}/month (cache writes billed as input)"


def _signed(amount: Decimal) -> str:
    return f"+{display(amount)}" if amount >= 0 else f"-{display(-amount)}"


# -- version lag ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LagRow:
    channel: str
    channel_kind: str
    variant: str
    available_from: date | None
    days_behind: int | None
    source: str

    def to_dict(self) -> dict:
        return {
            "channel": self.channel,
            "channel_kind": self.channel_kind,
            "variant": self.variant,
            "available_from": self.available_from.isoformat() if self.available_from else None,
            "days_behind_direct": self.days_behind,
            "status": "unknown" if self.days_behind is None else ("same day" if self.days_behind == 0 else "behind"),
            "source": self.source,
        }


def lag_rows(catalog: Catalog, model: str) -> tuple[date | None, list[LagRow]]:
    """Per channel: when the model arrived there, and how many days after the maker's release."""
    from billpath.catalog.plans import plans

    m = catalog.models[model]
    direct = catalog.direct_channel(model)
    rows: dict[str, LagRow] = {}
    for o in sorted(catalog.offers_for(model), key=lambda o: (o.channel, o.variant_kind != "standard", o.variant)):
        if o.variant_kind == "service-tier" or o.channel in rows:
            continue
        days = None if o.available_from is None or m.released is None else (o.available_from - m.released).days
        if o.channel == direct and o.available_from is None:
            days = 0  # the maker's API is where the release happens
        kind = catalog.offer_kind(o)
        rows[o.channel] = LagRow(o.channel, kind, o.variant, o.available_from, days, o.source.url)
    for p in plans():
        if p.channel in catalog.channels and p.offers_model(model) and p.channel not in rows:
            arrived = p.arrivals.get(model)
            days = None if arrived is None or m.released is None else (arrived - m.released).days
            source = p.arrivals_source if arrived and p.arrivals_source else p.source.url
            rows[p.channel] = LagRow(p.channel, "application", p.id, arrived, days, source)
    return m.released, sorted(rows.values(), key=lambda r: (r.days_behind is None, r.days_behind or 0, r.channel))


def newest_in_family(catalog: Catalog, model: str, at: date) -> str:
    """The newest model of the same family already released at `at`."""
    same = [m for m in catalog.family_members(catalog.models[model].family) if m.released and m.released <= at]
    return max(same, key=lambda m: (m.released, m.id)).id if same else model


def lag_notes(quote, catalog: Catalog, at: date, newest: str | None = None) -> list[str]:
    """Version-lag notes for one quote: late arrival, and a newer family member missing on the channel."""
    offer: Offer = quote.offer
    m = catalog.models[offer.model]
    notes = []
    if offer.available_from and m.released and offer.available_from > m.released:
        days = (offer.available_from - m.released).days
        notes.append(f"version lag: arrived {days} days after the maker's release ({m.released})")
    newest = newest or newest_in_family(catalog, offer.model, at)
    if newest != offer.model:
        on_channel = [o for o in catalog.offers_at(newest, at) if o.channel == offer.channel and o.live_at(at)]
        from billpath.catalog.plans import plans

        on_plan = any(p.channel == offer.channel and p.valid_at(at) and p.offers_model(newest) for p in plans())
        if not on_channel and not on_plan:
            nm = catalog.models[newest]
            notes.append(
                f"{offer.channel} lacks {newest} (newest {m.family}, released {nm.released}): meanwhile this workload "
                f"costs {display(quote.total)} here for the older {offer.model}"
            )
    return notes


# -- spend-dependent discounts ---------------------------------------------------------------------


def apply_volume_discounts(quotes: list, catalog: Catalog) -> None:
    """Apply discounts that start at a monthly spend (overlay or published) to the quotes that reach it."""
    from billpath.catalog.price_overlay import volume_discounts

    discounts = volume_discounts(catalog)
    if not discounts:
        return
    for q in quotes:
        for d in discounts:
            if not d.applies_to(q.offer.channel, q.offer.model) or d.percent_off is None:
                continue
            listed = q.cost.tokens_total - q.cost.components.get("discount", ZERO)  # list spend, before discounts
            threshold = d.min_monthly_usd or ZERO
            if listed >= threshold:
                q.cost.components["discount"] = q.cost.components.get("discount", ZERO) - listed * d.percent_off / 100
                q.notes.append(f"{d.note}: -{display(listed * d.percent_off / 100)}")
            else:
                q.notes.append(f"{d.note}: not reached ({display(listed)} < ${threshold:,})")


def annotate(comparison, catalog: Catalog, batch_share: Decimal, payment=None, off_peak_share: Decimal = ZERO) -> None:
    """Add priced feature gaps and version-lag notes to every quote of a comparison."""
    newest: dict[str, str] = {}
    refs: dict[str, Offer | None] = {}
    for q in (*comparison.quotes, *getattr(comparison, "seats", ())):
        model = q.offer.model
        if model not in refs:
            refs[model] = direct_offer(catalog, model, comparison.at)
        gaps = feature_gaps(
            q, comparison.usage, catalog, comparison.at, batch_share, payment, refs[model], off_peak_share
        )
        q.hidden_costs = [g.to_dict() for g in gaps]
        if any(g.feature == "batch" for g in gaps):  # the priced note replaces the generic one
            q.notes[:] = [n for n in q.notes if n != NO_BATCH_NOTE]
        q.notes.extend(g.note for g in gaps if g.note not in q.notes)
        if model not in newest:
            newest[model] = newest_in_family(catalog, model, comparison.at)
        q.notes.extend(n for n in lag_notes(q, catalog, comparison.at, newest[model]) if n not in q.notes)


def lag_report(model: str, *, catalog: Catalog | None = None) -> dict:
    """`billpath lag MODEL`: release date, arrival per channel, and the family's newest model."""
    from billpath.catalog.store import load_catalog

    catalog = catalog or load_catalog()
    m = catalog.resolve(model).model
    released, rows = lag_rows(catalog, m)
    fam = catalog.models[m].family
    return {
        "model": m,
        "released": released.isoformat() if released else None,
        "family": fam,
        "newest_in_family": newest_in_family(catalog, m, date.today()),
        "channels": [r.to_dict() for r in rows],
    }
