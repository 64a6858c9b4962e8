"""Rank channels for a workload under the user's constraints, and compute where going direct pays."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billpath.analysis.compare import Comparison, compare, rank_with_ties
from billpath.catalog.ids import names_regions, region_ids
from billpath.catalog.store import Capability, Catalog, Channel, load_catalog
from billpath.errors import UsageError
from billpath.money import ZERO, display, exact, pct
from billpath.pricing.quote import Quote, quote_offer
from billpath.usage.record import Usage

FEATURES: dict[str, Capability | None] = {
    "batch": None,  # checked on the offer's batch multiplier
    "cache": "prompt_caching",
    "prompt-caching": "prompt_caching",
    "cache-1h": "cache_1h",
    "extended-thinking": "extended_thinking",
    "thinking": "extended_thinking",
    "long-context": "long_context",
    "web-search": "web_search",
    "priority": "priority",
    "flex": "flex",
}
BILLING = ("aws", "azure", "gcp")
REGIONS = ("us", "eu")
KNOWN = [f"billing:{b}" for b in BILLING] + [f"region:{r}" for r in REGIONS] + ["failover", "multi-maker"]
KNOWN += [f"feature:{f}" for f in FEATURES]
RULE_OF_THUMB = "above about $5,000/month on one provider, going direct pays"


@dataclass
class Recommendation:
    model: str
    at: date
    requires: list[str]
    ranking: list[dict]
    excluded: list[dict]
    break_even: dict
    failover: dict | None = None
    comparison: Comparison | None = field(default=None, repr=False)
    workload_note: str | None = None
    verdict: str = ""
    seats: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = {
            "model": self.model,
            "verdict": self.verdict,
            "at": self.at.isoformat(),
            "requires": self.requires,
            "ranking": self.ranking,
            "excluded": self.excluded,
            "break_even": self.break_even,
            "seats": self.seats,
        }
        if self.failover is not None:
            out["failover"] = self.failover
        if self.workload_note:
            out["workload"] = self.workload_note
        return out


def parse_requires(requires: list[str]) -> list[str]:
    out = []
    for raw in requires:
        for item in raw.split(","):
            item = item.strip().lower()
            if not item:
                continue
            if item not in KNOWN:
                raise UsageError(f"unknown requirement {item!r}; use one of: {', '.join(KNOWN)}")
            out.append(item)
    return out


def _region_ok(q: Quote, channel: Channel, region: str) -> bool:
    """Data kept in `region`: a region-pinned variant of a channel that offers that region."""
    if region not in channel.regions:
        return False
    if names_regions(q.offer.ids) and not region_ids(q.offer.ids, region):
        return False  # the variant's ids pin other regions only (Sonnet 4.6 has no apac. profile)
    variant = q.offer.variant
    if variant == "us-only":
        return region == "us"
    if q.offer.variant_kind == "location" and variant not in ("global",):
        return True
    return "global" not in channel.regions and variant != "global"


def _violations(q: Quote, channel: Channel, requires: list[str]) -> list[str]:
    why = []
    for req in requires:
        kind, _, value = req.partition(":")
        if kind == "billing" and value not in channel.billing:
            billed = ", ".join(channel.billing) or "the vendor"
            why.append(f"billed by {billed}, not on the {value.upper()} invoice ({req})")
        elif kind == "region" and not _region_ok(q, channel, value):
            unpublished = channel.unpublished(q.offer.model, value)
            if unpublished is not None:
                why.append(f"{unpublished.id}: {unpublished.note} (checked {unpublished.source.checked}) ({req})")
            elif value in channel.regions:
                why.append(f"variant {q.offer.variant} is not pinned to {value.upper()} ({req})")
            else:
                why.append(f"no {value.upper()}-resident option on {channel.id} ({req})")
        elif kind == "multi-maker" and not channel.multi_maker:
            why.append(f"sells one maker's models under its key ({req})")
        elif kind == "feature":
            attr = FEATURES[value]
            has = q.offer.batch_multiplier is not None if attr is None else q.offer.features.has(attr)
            if not has:
                why.append(f"no {value} on {channel.id} for this model ({req})")
    return why


def recommend(
    model: str,
    per_request: Usage,
    requests: Decimal = Decimal(1),
    *,
    requires: Sequence[str] = (),
    batch_share: Decimal = ZERO,
    off_peak_share: Decimal = ZERO,
    at: date | None = None,
    payment: str | None = None,
    purchase_usd: Decimal | None = None,
    seats: int = 1,
    catalog: Catalog | None = None,
) -> Recommendation:
    """Channels that meet every requirement, cheapest first with reasons; the rest excluded with why.

    Application plans (coding-tool seats) are listed apart in `seats`, never ranked among the APIs.
    """
    catalog = catalog or load_catalog()
    requires = parse_requires(list(requires))
    comp = compare(
        model,
        per_request,
        requests,
        batch_share=batch_share,
        off_peak_share=off_peak_share,
        at=at,
        payment=payment,
        purchase_usd=purchase_usd,
        seats=seats,
        catalog=catalog,  # service tiers (fast, flex, priority) change the SLA, so they are not ranked
    )
    best: dict[str, Quote] = {}
    failing: dict[str, list[str]] = {}
    for q in comp.quotes:  # cheapest first
        ch = catalog.channels[q.offer.channel]
        if q.channel_kind == "application":
            failing.setdefault(ch.id, []).append(
                f"application plan ({q.offer.variant}, {display(q.total)} for this usage): a coding tool's seat, "
                "not an API your software can call"
            )
            continue
        why = _violations(q, ch, [r for r in requires if r != "failover"])
        if why:
            failing.setdefault(ch.id, []).extend(w for w in why if w not in failing.get(ch.id, []))
        elif ch.id not in best:
            best[ch.id] = q
    ranked = rank_with_ties(list(best.values()))  # ties within a cent: the maker's API first
    ranking = [_entry(i, q, ranked, catalog, requires) for i, q in enumerate(ranked)]
    excluded = [{"channel": c, "reason": "; ".join(r)} for c, r in failing.items() if c not in best]
    excluded += [{"channel": u["channel"], "reason": u["reason"]} for u in comp.unavailable]
    failover: dict[str, str | None] | None = None
    if "failover" in requires:
        if len(ranked) >= 2:
            failover = {
                "primary": ranked[0].offer.channel,
                "secondary": ranked[1].offer.channel,
                "monthly_cost_if_all_on_secondary": exact(ranked[1].total),
            }
        else:
            failover = {
                "primary": ranked[0].offer.channel if ranked else None,
                "secondary": None,
                "problem": "fewer than two channels meet the other requirements",
            }
    be = break_even(comp, catalog, ranked, batch_share, (payment, purchase_usd), off_peak_share)
    from billpath.analysis.verdict import recommend_verdict

    rec = Recommendation(comp.model, comp.at, requires, ranking, excluded, be, failover, comp)
    rec.seats = [_seat_entry(q, comp.seat_count) for q in comp.seats]
    rec.verdict = recommend_verdict(comp.model, ranking, excluded, requires, comp)
    return rec


def _seat_entry(q: Quote, seats: int) -> dict:
    """An application plan for the same usage: a coding tool's seat, not an API your software can call."""
    return {
        "channel": q.offer.channel,
        "channel_kind": q.channel_kind,
        "variant": q.offer.variant,
        "seats": seats,
        "monthly_cost": exact(q.total),
        "reasons": ["a coding tool's seat, not an API your software can call", *q.notes],
        "source": {"url": q.offer.source.url, "checked": q.offer.source.checked},
    }


def _entry(i: int, q: Quote, ranked: list[Quote], catalog: Catalog, requires: list[str]) -> dict:
    reasons = []
    if i == 0:
        reasons.append("cheapest channel that meets every requirement" if requires else "cheapest channel")
        if q.offer.provenance == "single-source":
            reasons.append(
                f"its price is imported from one source only ({q.offer.source.note}): check {q.offer.source.url}"
            )
    else:
        reasons.append(f"{display(q.total - ranked[0].total)}/month more than {ranked[0].offer.channel}")
    if q.markup_vs_direct_pct is not None:
        reasons.append(f"{q.markup_vs_direct_pct:+}% vs the maker's own API")
    shown = q.offer.channel_model_id
    for req in requires:  # a region requirement shows the id that keeps the data there (eu. not us.)
        kind, _, value = req.partition(":")
        if kind == "region" and region_ids(q.offer.ids, value):
            shown = region_ids(q.offer.ids, value)[0]
    reasons.append(f"variant {q.offer.variant} ({shown})")
    for req in requires:
        kind, _, value = req.partition(":")
        if kind == "billing":
            reasons.append(f"on the {value.upper()} invoice ({req})")
        elif kind == "region":
            reasons.append(f"data kept in the {value.upper()} ({req})")
        elif kind == "multi-maker":
            reasons.append("one key for several makers' models (multi-maker)")
        elif kind == "feature":
            reasons.append(f"has {value} ({req})")
        elif kind == "failover" and len(ranked) > 1:
            other = ranked[1] if i == 0 else ranked[0]
            reasons.append(f"failover partner: {other.offer.channel} ({display(other.total)}/month)")
    reasons += [n for n in q.notes if "fee" in n or "no batch" in n or "caching" in n or "lag" in n or "lacks" in n]
    return {
        "channel": q.offer.channel,
        "channel_kind": q.channel_kind,
        "variant": q.offer.variant,
        "monthly_cost": exact(q.total),
        "reasons": reasons,
        "source": {"url": q.offer.source.url, "checked": q.offer.source.checked},
    }


# -- break-even --------------------------------------------------------------------------------------


def _cost_fn(
    q: Quote,
    usage: Usage,
    catalog: Catalog,
    batch_share: Decimal,
    payment: tuple[str | None, Decimal | None],
    off_peak_share: Decimal = ZERO,
) -> Callable[[Decimal], Decimal]:
    """Monthly cost of the workload scaled by k on the quote's offer, with fees and spend discounts."""
    from billpath.analysis.hidden_costs import apply_volume_discounts

    def cost(k: Decimal) -> Decimal:
        scaled = quote_offer(q.offer, usage.scaled(k), catalog, batch_share, *payment, off_peak_share=off_peak_share)
        apply_volume_discounts([scaled], catalog)
        return scaled.total

    return cost


def _list_spend(q: Quote) -> Decimal:
    """What the quote's tokens cost at list price: spend-dependent discounts are judged on it."""
    return q.cost.tokens_total - q.cost.components.get("discount", ZERO)


def _breakpoints(q: Quote, usage: Usage, catalog: Catalog, unit_cost: Decimal) -> set[Decimal]:
    from billpath.catalog.price_overlay import volume_discounts

    points: set[Decimal] = set()
    for d in volume_discounts(catalog):
        if d.applies_to(q.offer.channel, q.offer.model) and d.min_monthly_usd and unit_cost > 0:
            points.add(d.min_monthly_usd / unit_cost)
    free = catalog.channels[q.offer.channel].fees.byok_free_requests_per_month
    if free and usage.requests:
        points.add(Decimal(free) / usage.requests)
    return {p for p in points if p > 0}


def _crossing(diff: Callable[[Decimal], Decimal], points: list[Decimal]) -> Decimal | None:
    """Smallest k from which diff(k) > 0 for every larger k (diff linear between points); None: never.

    diff(k) = alternative - direct at k times the workload. Between breakpoints (discount thresholds,
    free allowances) every cost is linear in k, so two interior samples give each segment exactly.
    """
    bounds = [ZERO, *sorted(points)]
    segments = []
    for i, a in enumerate(bounds):
        b = bounds[i + 1] if i + 1 < len(bounds) else None
        width = (b - a) if b is not None else max(a, Decimal(1))
        p1, p2 = a + width / 4, a + width / 2  # quarters and halves of a decimal are exact
        d1, d2 = diff(p1), diff(p2)
        slope = (d2 - d1) / (p2 - p1)
        segments.append((a, b, slope, _tiny(d1 - slope * p1)))
    _, _, slope, icpt = segments[-1]
    if not (slope > 0 or (slope == 0 and icpt > 0)):
        return None
    start = ZERO
    for a, b, slope, icpt in reversed(segments):
        at_a = _tiny(icpt + slope * a)
        at_b = None if b is None else _tiny(icpt + slope * b)
        if at_a > 0 and (at_b is None or at_b > 0):
            start = a
            continue
        crossing = -icpt / slope if slope else a
        start = b if b is not None and at_b is not None and at_b <= 0 else crossing
        break
    return max(start, ZERO)


def _tiny(value: Decimal) -> Decimal:
    """Sampling a linear function through Decimal thirds leaves ~1e-26 residues: below a pico-dollar is zero."""
    return ZERO if abs(value) < Decimal("1e-12") else value


def break_even(
    comp: Comparison,
    catalog: Catalog,
    ranked: list[Quote],
    batch_share: Decimal,
    payment: tuple = (None, None),
    off_peak_share: Decimal = ZERO,
) -> dict:
    """For each ranked alternative: the monthly spend from which the maker's own API is strictly cheaper.

    `payment` is (payment method, credit purchase size), as `quote_offer` takes them.
    """
    direct_id = catalog.direct_channel(comp.model)
    # The maker's own offer that meets the requirements when there is one (e.g. US-only inference for
    # region:us), else its standard offer: what "going direct" would mean.
    direct_q = next((q for q in ranked if q.offer.channel == direct_id), None) or next(
        (q for q in comp.quotes if q.offer.channel == direct_id and q.offer.variant == "standard"), None
    )
    out: dict = {
        "rule_of_thumb": RULE_OF_THUMB,
        "direct_channel": direct_id,
        "direct_variant": None,
        "basis": "your workload scaled up and down; prices, fees and discounts from the catalog and your overlay",
        "channels": {},
    }
    if direct_q is None:
        out["note"] = f"{comp.model} has no maker's own channel in the catalog"
        return out
    out["direct_variant"] = direct_q.offer.variant
    usage = comp.usage
    direct_cost = _cost_fn(direct_q, usage, catalog, batch_share, payment, off_peak_share)
    for q in ranked:
        if q.offer.channel == direct_id:
            continue
        alt_cost = _cost_fn(q, usage, catalog, batch_share, payment, off_peak_share)
        points = _breakpoints(q, usage, catalog, _list_spend(q)) | _breakpoints(
            direct_q, usage, catalog, _list_spend(direct_q)
        )

        def gap(k: Decimal, alt: Callable[[Decimal], Decimal] = alt_cost) -> Decimal:
            return alt(k) - direct_cost(k)

        k = _crossing(gap, list(points))
        now = alt_cost(Decimal(1)) - direct_cost(Decimal(1))
        entry: dict = {"at_your_spend_direct_saves": exact(now)}
        if k is None:
            entry.update(verdict="never", direct_beats_from_usd=None)
            relation = "the same as" if now == 0 else "less than"
            entry["explanation"] = (
                f"{q.offer.channel} ({q.offer.variant}) costs {relation} {direct_id} ({direct_q.offer.variant}) at "
                "every monthly spend, with the prices, fees and discounts known"
            )
        else:
            spend = alt_cost(k).quantize(Decimal("0.01"))  # what you would be spending on the alternative
            entry.update(direct_beats_from_usd=exact(spend), verdict="always" if k == 0 else "above")
            entry["explanation"] = (
                f"{direct_id} is cheaper than {q.offer.channel} from the first dollar (fees/markup)"
                if k == 0
                else f"{direct_id} is cheaper than {q.offer.channel} once you spend {display(spend)}/month there"
            )
        out["channels"][q.offer.channel] = entry
    return out


def workload_from_log(
    paths: list[str], model: str, *, input_format: str = "auto", catalog: Catalog | None = None
) -> tuple[Usage, str]:
    """A log's usage of `model` as one workload: totals with their request count (tiers judged per request).

    The cost is for the period the log covers; nothing is extrapolated (give a month of logs for a month).
    """
    from billpath.analysis.price_log import price_log

    catalog = catalog or load_catalog()
    target = catalog.resolve(model).model
    result = price_log(paths, input_format=input_format, catalog=catalog).to_dict()
    return workload_of(result, target)


def workload_of(result: dict, target: str) -> tuple[Usage, str]:
    """One model's usage in a priced log (`PriceLogResult.to_dict()`), with the note that says so."""
    row = next((m for m in result["by_model"] if m["model"] == target), None)
    if row is None or not row["requests"]:
        found = ", ".join(m["model"] for m in result["by_model"]) or "no priced rows"
        raise UsageError(f"the log has no priced usage of {target} (it has: {found})")
    t = row["tokens"]
    usage = Usage(
        input_tokens=Decimal(t["input_tokens"]),
        output_tokens=Decimal(t["output_tokens"]),
        cache_read_tokens=Decimal(t["cache_read_tokens"]),
        cache_write_tokens=Decimal(t["cache_write_tokens"]),
        cache_write_1h_tokens=Decimal(t["cache_write_1h_tokens"]),
        reasoning_tokens=Decimal(t["reasoning_tokens"]),
        requests=Decimal(row["requests"]),
    )
    days = sorted(d["day"] for d in result.get("by_day", []) if d.get("day"))
    span = f"{days[0]}..{days[-1]}" if days else "undated rows"
    note = (
        f"workload from the log: {row['requests']:,} request{'' if row['requests'] == 1 else 's'} of {target} "
        f"({span}); costs are for that period, "
        "not extrapolated to a month"
    )
    return usage, note


def recommend_log(
    paths: list[str],
    *,
    input_format: str = "auto",
    requires: list[str] | tuple[str, ...] = (),
    at: date | None = None,
    payment: str | None = None,
    purchase_usd: Decimal | None = None,
    catalog: Catalog | None = None,
) -> dict:
    """`recommend --log FILE` without a model: the best channel per model of the log under the requirements.

    Every model's workload is its usage in the log; the mix is each model's top-ranked channel, compared
    with what the log cost on the channels it used (signed deltas).
    """
    from billpath.analysis.best_mix import signed
    from billpath.analysis.price_log import price_log
    from billpath.analysis.verdict import offer_label, signed_pct, signed_usd

    catalog = catalog or load_catalog()
    result = price_log(paths, input_format=input_format, at=at, catalog=catalog).to_dict()
    if not result["by_model"]:
        raise UsageError("the log has no priced rows to recommend on")
    recs, mix = [], []
    logged_total = mixed = ZERO
    for row in result["by_model"]:
        usage, note = workload_of(result, row["model"])
        rec = recommend(
            row["model"],
            usage,
            Decimal(1),
            requires=requires,
            at=at,
            payment=payment,
            purchase_usd=purchase_usd,
            catalog=catalog,
        )
        rec.workload_note = note
        recs.append(rec.to_dict())
        logged = Decimal(row["total_usd"])
        logged_total += logged
        if rec.ranking:
            top = rec.ranking[0]
            best = Decimal(top["monthly_cost"])
            mixed += best
            mix.append(
                {
                    "model": row["model"],
                    "channel": top["channel"],
                    "variant": top["variant"],
                    "total_usd": exact(best),
                    "logged_usd": exact(logged),
                    "delta_usd": signed(best - logged),
                }
            )
        else:
            mixed += logged
    delta = mixed - logged_total
    moves = ", ".join(f"{m['model']} -> {offer_label(m['channel'], m['variant'])}" for m in mix)
    req = f" under {', '.join(parse_requires(list(requires)))}" if requires else ""
    kept = [r["model"] for r in recs if not r["ranking"]]
    if kept:
        moves += f"{'; ' if moves else ''}{', '.join(kept)} kept as logged (no channel meets the requirements)"
    verdict = (
        f"Best channel per model{req}: {moves or 'none meets the requirements'}; "
        f"{display(mixed)} against {display(logged_total)} as logged "
        f"({signed_usd(delta)}, {signed_pct(pct(delta, logged_total))})."
    )
    return {
        "verdict": verdict,
        "requires": parse_requires(list(requires)),
        "logged_usd": exact(logged_total),
        "best_mix": {"total_usd": exact(mixed), "delta_usd": signed(delta), "by_model": mix},
        "recommendations": recs,
    }
