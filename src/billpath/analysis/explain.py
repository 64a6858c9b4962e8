"""`billpath explain MODEL`: the article's four questions answered from the catalog, citing the offers used."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billpath.analysis.hidden_costs import direct_offer, lag_rows
from billpath.catalog.store import Catalog, Offer, load_catalog
from billpath.money import exact, pct
from billpath.pricing.quote import quote_offer, workload
from billpath.usage.record import Usage

QUESTIONS = (
    "Is the cloud platform dearer than direct?",
    "What is the typical aggregator markup?",
    "Does each channel get new versions at the same time?",
    "Can volume discounts be had there?",
)
# The reference usage for list-price comparisons: one request of 100k input and 100k output tokens
# (below every long-context tier, so the base per-Mtok prices are what is compared).
REFERENCE = Usage(input_tokens=Decimal(100_000), output_tokens=Decimal(100_000))


def _cite(o: Offer, detail: str) -> dict:
    return {
        "channel": o.channel,
        "variant": o.variant,
        "detail": detail,
        "source": o.source.url,
        "checked": o.source.checked,
    }


def _prices(o: Offer) -> str:
    t = o.tiers[0]
    return f"{t.input_per_mtok}/{t.output_per_mtok} per Mtok"


REGIONAL = ("regional", "data-zone", "us-gov", "other-regions", "us-only", "eu", "us")  # endpoint variants


def release_statement(catalog: Catalog, model: str, released: date | None, at: date) -> str:
    """Where the model was released, as far as the catalog shows: on the maker's API only when the maker's
    own API sells it; otherwise weights (open models) or a plain date."""
    m = catalog.models[model]
    direct = catalog.direct_channel(model)
    on_api = direct is not None and any(o.channel == direct for o in catalog.offers_for(model))
    when = released.isoformat() if released else None
    if on_api:
        return f"released {when} on the maker's API" if when else "release date on the maker's API unknown"
    where = "weights released" if m.open_weights else "released"
    tail = f"{m.maker}'s own API does not sell it in the catalog"
    return f"{where} {when} ({tail})" if when else f"release date unknown ({tail})"


def explain_model(model: str, *, at: date | None = None, catalog: Catalog | None = None) -> dict:
    catalog = catalog or load_catalog()
    at = at or date.today()
    m = catalog.resolve(model).model
    ref = direct_offer(catalog, m, at)
    usage = workload(REFERENCE, Decimal(1))
    live = [o for o in catalog.offers_at(m, at) if o.live_at(at) and o.variant_kind in ("standard", "location")]
    base = quote_offer(ref, usage, catalog).total if ref else None
    answers = []

    def markup(o: Offer) -> Decimal | None:
        return None if base is None else pct(quote_offer(o, usage, catalog).total - base, base)

    # 1. cloud vs direct
    cloud = [o for o in live if catalog.offer_kind(o) == "cloud"]
    ev = [_cite(o, f"{_prices(o)}: {markup(o):+}% vs direct" if base else _prices(o)) for o in cloud]
    if ref:
        ev.insert(0, _cite(ref, f"direct list {_prices(ref)}"))
    if not cloud:
        a1 = f"no cloud platform sells {m} in the catalog"
    elif base is None:
        a1 = f"{m} has no maker's own API in the catalog to compare with"
    else:
        cheapest = min(markup(o) for o in cloud)
        dearest = max(markup(o) for o in cloud)
        same = sorted({o.channel for o in cloud if markup(o) == 0})
        uplifts = sorted(
            {f"{o.channel}/{o.variant} {markup(o):+}%" for o in cloud if o.variant in REGIONAL and markup(o) > 0}
        )
        a1 = (
            f"cloud offers range from {cheapest:+}% to {dearest:+}% vs direct for 100k input + 100k output tokens; "
            + (f"at list price on {', '.join(same)}" if same else "none at list price")
            + (f"; regional / data-zone endpoints cost more: {', '.join(uplifts)}" if uplifts else "")
        )
    answers.append({"question": QUESTIONS[0], "answer": a1, "evidence": ev})

    # 2. aggregator markup (token prices plus the default payment's fee)
    aggs = [o for o in live if catalog.offer_kind(o) == "aggregator"]
    ev2 = []
    parts = []
    for o in aggs:
        q = quote_offer(o, usage, catalog)
        tokens = pct(q.cost.tokens_total - base, base) if base else None
        total = pct(q.total - base, base) if base else None
        ev2.append(
            _cite(
                o,
                f"tokens {tokens:+}% vs direct, with fees {total:+}% ({'; '.join(n for n in q.notes if 'fee' in n)})"
                if base
                else _prices(o),
            )
        )
        if base:
            parts.append(f"{o.channel}: tokens {tokens:+}%, {total:+}% with the default payment's fee")
    if parts:
        a2 = "; ".join(parts)
    elif aggs:  # sold by resellers, but there is no maker's price to measure a markup against
        sellers = ", ".join(sorted({o.channel for o in aggs}))
        a2 = f"{len({o.channel for o in aggs})} aggregators sell {m} ({sellers}); no maker's own API price to compare"
    else:
        a2 = f"no aggregator sells {m} in the catalog"
    answers.append({"question": QUESTIONS[1], "answer": a2, "evidence": ev2})

    # 3. version lag
    released, rows = lag_rows(catalog, m)
    known = [r for r in rows if r.days_behind is not None and r.channel != catalog.direct_channel(m)]
    unknown = [r.channel for r in rows if r.days_behind is None]
    a3 = (
        release_statement(catalog, m, released, at)
        + "; "
        + (
            "; ".join(f"{r.channel} {r.days_behind} days behind" for r in known)
            if known
            else "no channel arrival dates known"
        )
    )
    if unknown:
        a3 += f"; unknown for {', '.join(unknown)} (no sourced arrival date)"
    ev3 = [
        {
            "channel": r.channel,
            "variant": r.variant,
            "detail": f"available_from {r.available_from or 'unknown'}",
            "source": r.source,
            "checked": None,
        }
        for r in rows
    ]
    answers.append({"question": QUESTIONS[2], "answer": a3, "evidence": ev3})

    # 4. volume discounts
    from billpath.catalog.plans import published_discounts
    from billpath.catalog.price_overlay import volume_discounts

    channels = sorted({o.channel for o in live})
    pub = [d for d in published_discounts() if d.channel in channels]
    mine = [d for d in volume_discounts(catalog) if d.channel in channels and d.applies_to(d.channel, m)]
    priced = [d for d in pub if d.percent_off is not None]
    a4 = (
        "no channel publishes a per-token volume discount"
        if not priced
        else "; ".join(f"{d.channel}: {d.percent_off}% off" for d in priced)
    )
    commits = sorted({d.channel for d in pub if d.kind == "committed-use"})
    if commits:
        a4 += f"; capacity commitments (priced per unit of capacity, not per token) on {', '.join(commits)}"
    if mine:
        a4 += "; your overlay: " + "; ".join(d.note for d in mine)
    ev4 = [
        {
            "channel": d.channel,
            "variant": None,
            "detail": f"{d.kind}: {d.note}",
            "source": d.source.url,
            "checked": d.source.checked,
        }
        for d in pub
    ]
    answers.append({"question": QUESTIONS[3], "answer": a4, "evidence": ev4})
    return {
        "model": m,
        "at": at.isoformat(),
        "reference_usage": "one request of 100k input + 100k output tokens",
        "answers": answers,
        "direct_reference_total": exact(base) if base is not None else None,
    }
