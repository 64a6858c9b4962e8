"""The exact cost of one period's usage on one offer (a Quote): on-demand and batch shares, then channel fees."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billpath.catalog.store import Catalog, Offer
from billpath.errors import UsageError
from billpath.money import ZERO, exact
from billpath.pricing.exact import Cost, price_usage
from billpath.pricing.fees import DEFAULT_PURCHASE_USD, channel_fee
from billpath.usage.record import Usage


@dataclass
class Quote:
    """The exact cost of a usage under one offer, with fees and the notes that explain it."""

    offer: Offer
    channel_kind: str
    cost: Cost
    notes: list[str]
    markup_vs_direct_pct: Decimal | None = None
    hidden_costs: list[dict] | None = None  # priced feature gaps, set by analysis.hidden_costs.annotate
    tier: int = 0  # the long-context tier the usage was priced at (its `above_input_tokens`)

    def unit_prices(self) -> dict[str, Decimal]:
        """USD per million tokens in the tier this usage was priced at (list prices, before batch and fees)."""
        tier = next((t for t in self.offer.tiers if t.above_input_tokens == self.tier), None)
        if tier is None:
            return {}
        out = {"input_per_mtok": tier.input_per_mtok, "output_per_mtok": tier.output_per_mtok}
        if tier.cache_read_per_mtok is not None:
            out["cache_read_per_mtok"] = tier.cache_read_per_mtok
        return out

    @property
    def total(self) -> Decimal:
        return self.cost.total

    def to_dict(self) -> dict:
        o = self.offer
        return {
            "channel": o.channel,
            "channel_kind": self.channel_kind,
            "variant": o.variant,
            "channel_model_id": o.channel_model_id,
            "cost": {
                **{name: exact(v) for name, v in self.cost.components.items()},
                "fees": exact(self.cost.fees),
                "total": exact(self.total),
            },
            "markup_vs_direct_pct": None if self.markup_vs_direct_pct is None else str(self.markup_vs_direct_pct),
            "unit_prices": {k: exact(v) for k, v in self.unit_prices().items()},
            "notes": self.notes,
            "effective_from": o.effective_from.isoformat(),
            "available_from": o.available_from.isoformat() if o.available_from else None,
            "source": {"url": o.source.url, "checked": o.source.checked},
            "provenance": o.provenance,
            **({} if self.hidden_costs is None else {"hidden_costs": self.hidden_costs}),
        }


def usage_dict(u: Usage) -> dict:
    return {
        "input_tokens": exact(u.input_tokens),
        "output_tokens": exact(u.output_tokens),
        "cache_read_tokens": exact(u.cache_read_tokens),
        "cache_write_tokens": exact(u.cache_write_tokens),
        "cache_write_1h_tokens": exact(u.cache_write_1h_tokens),
        "reasoning_tokens": exact(u.reasoning_tokens),
        "requests": exact(u.requests),
    }


def workload(per_request: Usage, requests: Decimal) -> Usage:
    """Per-request token counts times `requests`: the period's usage."""
    if requests <= 0:
        raise UsageError(f"requests must be at least 1 (got {requests})")
    return per_request.scaled(requests)


def time_of_day_note(offer: Offer, off_peak_share: Decimal) -> str | None:
    """What a quote of a time-of-day offer used (rule 6): the peak price, the off-peak one, or the split."""
    tod = offer.time_of_day
    if tod is None:
        return None
    rate = f"off-peak hours cost {exact(tod.off_peak_multiplier)}x the peak price"
    if off_peak_share == 0:
        used = f"time-of-day prices: priced at the peak (listed) rate; {rate} (give an off-peak share)"
    elif off_peak_share == 1:
        used = f"time-of-day prices: priced at the off-peak rate ({rate})"
    else:
        pct = (off_peak_share * 100).normalize()
        used = f"time-of-day prices: {pct:f}% of the usage at the off-peak rate, the rest at peak ({rate})"
    return f"{used}; {tod.note}" if tod.note else used


def quote_offer(
    offer: Offer,
    usage: Usage,
    catalog: Catalog,
    batch_share: Decimal = ZERO,
    payment: str | None = None,
    purchase_usd: Decimal | None = None,
    *,
    off_peak_share: Decimal = ZERO,
) -> Quote:
    """Price a period's usage on one offer: on-demand and batch shares, peak and off-peak shares (offers priced
    by the time of day; the others ignore it), then channel fees."""
    if not ZERO <= batch_share <= 1:
        raise UsageError(f"batch share must be between 0 and 1 (got {batch_share})")
    if not ZERO <= off_peak_share <= 1:
        raise UsageError(f"off-peak share must be between 0 and 1 (got {off_peak_share})")
    cost, notes, tiers = Cost(), list(offer.notes), set()
    times: tuple[tuple[Decimal, bool], ...] = ((Decimal(1), False),)
    if offer.time_of_day is not None:
        times = ((1 - off_peak_share, False), (off_peak_share, True))
    for share, batch in ((1 - batch_share, False), (batch_share, True)):
        for time_share, off_peak in times:
            if share == 0 or time_share == 0:
                continue
            # Within one tier cost is linear, and a share of the requests has the same average request
            # (so the same tier): the share's cost is the whole usage's cost times the share.
            priced = price_usage(usage, offer, batch=batch, off_peak=off_peak)
            if share * time_share != 1:
                priced.cost.scale(share * time_share)
            cost.add(priced.cost)
            tiers |= priced.tiers_used
            notes.extend(n for n in priced.notes if n not in notes)
    tod_note = time_of_day_note(offer, off_peak_share)
    if tod_note:
        notes.append(tod_note)
    channel = catalog.channels[offer.channel]
    cost.fees, fee_note = channel_fee(
        channel, cost.tokens_total, usage.requests, payment, purchase_usd or DEFAULT_PURCHASE_USD
    )
    if fee_note:
        notes.append(fee_note)
    return Quote(
        offer=offer, channel_kind=catalog.offer_kind(offer), cost=cost, notes=notes, tier=max(tiers, default=0)
    )
