"""`models` and `channels` listings: payload for JSON and a table view."""

from __future__ import annotations

from datetime import date
from typing import Any

from billpath.catalog.store import Catalog, load_catalog
from billpath.report.render import Cell, TableView, Usd


def _cheapest(catalog: Catalog, model: str, at: date) -> dict | None:
    """The offer with the lowest input+output list price (1M each) at `at`, among offers sold on demand
    (standard and location variants; service tiers such as flex only when nothing else is sold)."""
    live = [o for o in catalog.offers_at(model, at) if o.live_at(at)]
    on_demand = [o for o in live if o.variant_kind != "service-tier"] or live
    best = None
    for o in sorted(on_demand, key=lambda o: (o.channel, o.variant)):
        base = o.tiers[0]
        price = base.input_per_mtok + base.output_per_mtok
        if best is None or price < best[0]:
            best = (price, o)
    if best is None:
        return None
    o = best[1]
    return {
        "channel": o.channel,
        "variant": o.variant,
        "input_per_mtok": str(o.tiers[0].input_per_mtok),
        "output_per_mtok": str(o.tiers[0].output_per_mtok),
    }


def models_listing(
    search: str | None = None,
    maker: str | None = None,
    channel: str | None = None,
    catalog: Catalog | None = None,
) -> tuple[dict, TableView]:
    catalog = catalog or load_catalog()
    if channel:
        catalog.channel(channel)  # unknown channel -> error naming the closest
    today = date.today()
    items: list[dict[str, Any]] = []
    for m in catalog.models.values():
        if search and search.lower() not in f"{m.id} {m.name}".lower():
            continue
        if maker and m.maker != maker:
            continue
        channels = sorted({o.channel for o in catalog.offers_for(m.id)})
        if channel and channel not in channels:
            continue
        items.append(
            {
                "id": m.id,
                "name": m.name,
                "maker": m.maker,
                "family": m.family,
                "released": m.released.isoformat() if m.released else None,
                "channels": channels,
                "cheapest": _cheapest(catalog, m.id, today),
            }
        )
    rows: list[list[Cell]] = []
    for it in items:
        ch = it["cheapest"]
        prices = [Usd(_d(ch["input_per_mtok"])), Usd(_d(ch["output_per_mtok"]))] if ch else ["", ""]
        rows.append(
            [it["id"], it["name"], it["maker"], ", ".join(it["channels"]), ch["channel"] if ch else "", *prices]
        )
    view = TableView(
        title=f"{len(items)} models (cheapest channel, per million input/output tokens)",
        columns=["id", "name", "maker", "channels", "cheapest", "in per Mtok", "out per Mtok"],
        rows=rows,
        compact=["id", "cheapest", "in per Mtok", "out per Mtok"],
        wrap=["channels", "name"],
    )
    return {"models": items}, view


def _d(text: str):
    from decimal import Decimal

    return Decimal(text)


def channels_listing(catalog: Catalog | None = None) -> tuple[dict, TableView]:
    catalog = catalog or load_catalog()
    items: list[dict[str, Any]] = []
    for c in catalog.channels.values():
        models = sorted({o.model for o in catalog.offers if o.channel == c.id})
        items.append(
            {
                "id": c.id,
                "kind": c.kind,
                "name": c.name,
                "billing": list(c.billing),
                "regions": list(c.regions),
                "multi_maker": c.multi_maker,
                "fees": c.fees.as_json(),
                "models": len(models),
                "notes": list(c.notes),
                "source": {"url": c.source.url, "checked": c.source.checked},
            }
        )
    rows: list[list[Cell]] = [
        [
            it["id"],
            it["kind"],
            it["name"],
            ", ".join(it["billing"]),
            str(it["models"]),
            "; ".join(it["notes"]),
        ]
        for it in items
    ]
    view = TableView(
        title=f"{len(items)} channels",
        columns=["id", "kind", "name", "billing", "models", "notes"],
        rows=rows,
    )
    return {"channels": items}, view
