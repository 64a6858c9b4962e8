"""The public Python API: plain keyword arguments in, typed results out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billpath.analysis.compare import Comparison
from billpath.analysis.compare import compare as _compare
from billpath.catalog.store import Catalog, load_catalog
from billpath.errors import BillpathError
from billpath.pricing.quote import Quote, quote_offer, workload
from billpath.usage.record import Usage

Number = int | str | Decimal


def _per_request(
    input_tokens: Number,
    output_tokens: Number,
    cache_read_tokens: Number,
    cache_write_tokens: Number,
    cache_write_1h_tokens: Number,
    reasoning_tokens: Number,
) -> Usage:
    return Usage(
        input_tokens=Decimal(input_tokens),
        output_tokens=Decimal(output_tokens),
        cache_read_tokens=Decimal(cache_read_tokens),
        cache_write_tokens=Decimal(cache_write_tokens),
        cache_write_1h_tokens=Decimal(cache_write_1h_tokens),
        reasoning_tokens=Decimal(reasoning_tokens),
    )


def compare(
    model: str,
    *,
    input_tokens: Number = 0,
    output_tokens: Number = 0,
    cache_read_tokens: Number = 0,
    cache_write_tokens: Number = 0,
    cache_write_1h_tokens: Number = 0,
    reasoning_tokens: Number = 0,
    requests: Number = 1,
    batch_share: Number = 0,
    at: date | None = None,
    payment: str | None = None,
    all_variants: bool = False,
    catalog: Catalog | None = None,
) -> Comparison:
    """Quotes for `requests` requests of the given per-request tokens on every channel, cheapest first."""
    per_request = _per_request(
        input_tokens,
        output_tokens,
        cache_read_tokens,
        cache_write_tokens,
        cache_write_1h_tokens,
        reasoning_tokens,
    )
    return _compare(
        model,
        per_request,
        Decimal(requests),
        batch_share=Decimal(batch_share),
        at=at,
        payment=payment,
        all_variants=all_variants,
        catalog=catalog,
    )


def quote(
    model: str,
    channel: str | None = None,
    variant: str | None = None,
    *,
    input_tokens: Number = 0,
    output_tokens: Number = 0,
    cache_read_tokens: Number = 0,
    cache_write_tokens: Number = 0,
    cache_write_1h_tokens: Number = 0,
    reasoning_tokens: Number = 0,
    requests: Number = 1,
    batch_share: Number = 0,
    at: date | None = None,
    payment: str | None = None,
    catalog: Catalog | None = None,
) -> Quote:
    """The quote on one channel (default: the channel a channel-specific id names, else the maker's own)."""
    catalog = catalog or load_catalog()
    at = at or date.today()
    resolved = catalog.resolve(model)
    channel = channel or resolved.channel or catalog.direct_channel(resolved.model)
    if channel is None:
        raise BillpathError(f"{resolved.model} has no maker's own channel: name one with channel=")
    catalog.channel(channel)
    variant = variant or (resolved.variant if resolved.channel == channel else None)
    offers = [o for o in catalog.offers_at(resolved.model, at) if o.channel == channel]
    if variant:
        offers = [o for o in offers if o.variant == variant]
    else:
        offers = [o for o in offers if o.variant_kind == "standard"] or offers
    if not offers:
        raise BillpathError(f"no offer for {resolved.model} on {channel}{f' ({variant})' if variant else ''} at {at}")
    usage = workload(
        _per_request(
            input_tokens,
            output_tokens,
            cache_read_tokens,
            cache_write_tokens,
            cache_write_1h_tokens,
            reasoning_tokens,
        ),
        Decimal(requests),
    )
    return quote_offer(offers[0], usage, catalog, Decimal(batch_share), payment)


def price_log(
    paths: list[str] | str,
    *,
    input_format: str = "auto",
    at: date | None = None,
    catalog: Catalog | None = None,
    engine: str = "duckdb",
):
    """Price usage log files (files, directories or globs) exactly; `.to_dict()` is `price-log --format json`.

    `engine="spark"` runs the same pricing statements on Spark (canonical Parquet; docs/spark.md).
    """
    from billpath.analysis.price_log import price_log as _price_log

    return _price_log(paths, input_format=input_format, at=at, catalog=catalog, engine=engine)


def _overlaid(catalog: Catalog | None, prices: str | None) -> Catalog:
    from billpath.catalog.price_overlay import apply_overlay

    return apply_overlay(catalog or load_catalog(), prices)


def recommend(
    model: str,
    *,
    input_tokens: Number = 0,
    output_tokens: Number = 0,
    cache_read_tokens: Number = 0,
    cache_write_tokens: Number = 0,
    cache_write_1h_tokens: Number = 0,
    reasoning_tokens: Number = 0,
    requests: Number = 1,
    batch_share: Number = 0,
    cache_hit_share: Number = 0,
    requires: list[str] | tuple[str, ...] = (),
    at: date | None = None,
    payment: str | None = None,
    prices: str | None = None,
    catalog: Catalog | None = None,
):
    """Channels ranked for a month of this workload under `requires`; `.to_dict()` is `recommend --format json`."""
    from billpath.analysis.recommend import recommend as _recommend
    from billpath.analysis.scenarios import with_cache_hits

    per_request = _per_request(
        input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens
    )
    return _recommend(
        model,
        with_cache_hits(per_request, Decimal(cache_hit_share)),
        Decimal(requests),
        requires=list(requires),
        batch_share=Decimal(batch_share),
        at=at,
        payment=payment,
        catalog=_overlaid(catalog, prices),
    )


def explain(model: str, *, at: date | None = None, prices: str | None = None, catalog: Catalog | None = None) -> dict:
    """The article's four questions for `model`, answered from the catalog (`explain --format json`)."""
    from billpath.analysis.explain import explain_model

    return explain_model(model, at=at, catalog=_overlaid(catalog, prices))


def lag(model: str, *, prices: str | None = None, catalog: Catalog | None = None) -> dict:
    """Days behind the maker's release per channel (`lag --format json`)."""
    from billpath.analysis.hidden_costs import lag_report

    return lag_report(model, catalog=_overlaid(catalog, prices))


def scenarios(path: str, *, prices: str | None = None, catalog: Catalog | None = None) -> dict:
    """Named workload scenarios month by month (`scenarios --format json`)."""
    from billpath.analysis.scenarios import run_scenarios

    return run_scenarios(path, catalog=_overlaid(catalog, prices))
