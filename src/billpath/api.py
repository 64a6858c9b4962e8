"""The public Python API: plain keyword arguments in, typed results out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict, Unpack

from billpath.catalog.store import Catalog, load_catalog
from billpath.errors import BillpathError, UsageError
from billpath.usage.workload import Workload

if TYPE_CHECKING:  # imported by the functions that need them: `price-log` never loads the comparison code
    from billpath.analysis.compare import Comparison
    from billpath.analysis.price_log import PriceLogResult
    from billpath.analysis.recommend import Recommendation
    from billpath.engines.base import Progress
    from billpath.pricing.quote import Quote

Number = int | str | Decimal


class TermsParams(TypedDict, total=False):
    """The purchase terms as keyword arguments (`billpath.usage.workload.TERMS`)."""

    at: date | str | None
    payment: str | None
    credit_purchase: Number | None
    prices: str | None


class WorkloadParams(TermsParams, total=False):
    """The workload as keyword arguments (`billpath.usage.workload.FIELDS`; numbers as int, str or Decimal)."""

    input_tokens: Number
    output_tokens: Number
    cache_read_tokens: Number
    cache_write_tokens: Number
    cache_write_1h_tokens: Number
    reasoning_tokens: Number
    requests: Number
    batch_share: Number
    cache_hit_share: Number
    off_peak_share: Number


def _workload(workload: Workload | None, params: dict[str, object]) -> Workload:
    """The workload given, or one built from the keyword arguments (never both)."""
    if workload is None:
        return Workload.of(**params)
    if params:
        raise TypeError(f"pass workload= or workload keywords, not both ({', '.join(sorted(params))})")
    return workload


def _overlaid(catalog: Catalog | None, prices: str | None) -> Catalog:
    """The catalog (default: the bundled one) seen through a `--prices` overlay when one is given."""
    if prices is None:
        return catalog or load_catalog()
    from billpath.catalog.price_overlay import apply_overlay
    from billpath.pricing.table import unit_problems

    return apply_overlay(catalog or load_catalog(), prices, check=unit_problems)


def compare(
    model: str,
    workload: Workload | None = None,
    *,
    all_variants: bool = False,
    seats: int = 1,
    catalog: Catalog | None = None,
    **params: Unpack[WorkloadParams],
) -> Comparison:
    """Quotes for the workload on every channel, cheapest first; `.to_dict()` is `compare --format json`.

    Workload keywords: the per-request tokens (`input_tokens`, `output_tokens`, `cache_read_tokens`,
    `cache_write_tokens`, `cache_write_1h_tokens`, `reasoning_tokens`), `requests`, `batch_share`,
    `cache_hit_share`, `off_peak_share` (offers priced by the time of day), `at`, `payment`, `credit_purchase`
    and `prices` (an overlay file), or one `workload=`.
    """
    from billpath.analysis.compare import compare as _compare

    w = _workload(workload, dict(params))
    return _compare(
        model,
        w.per_request(),
        w.requests,
        batch_share=w.batch_share,
        off_peak_share=w.off_peak_share,
        at=w.at,
        payment=w.payment,
        purchase_usd=w.credit_purchase,
        all_variants=all_variants,
        seats=seats,
        catalog=_overlaid(catalog, w.prices),
    )


def quote(
    model: str,
    channel: str | None = None,
    variant: str | None = None,
    *,
    workload: Workload | None = None,
    catalog: Catalog | None = None,
    **params: Unpack[WorkloadParams],
) -> Quote:
    """The quote on one channel (default: the channel a channel-specific id names, else the maker's own)."""
    from billpath.pricing.quote import quote_offer

    w = _workload(workload, dict(params))
    catalog = _overlaid(catalog, w.prices)
    at = w.at or date.today()
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
    return quote_offer(
        offers[0], w.usage(), catalog, w.batch_share, w.payment, w.credit_purchase, off_peak_share=w.off_peak_share
    )


def price_log(
    paths: list[str] | str | None = None,
    workload: Workload | None = None,
    *,
    input_format: str = "auto",
    engine: str = "duckdb",
    catalog: Catalog | None = None,
    progress: Progress | None = None,
    source: list[str] | str | None = None,
    plan: str | None = None,
    focus_reprice: str | None = None,
    columns: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    **params: Unpack[TermsParams],
) -> PriceLogResult:
    """Price usage log files (files, directories or globs) exactly; `.to_dict()` is `price-log --format json`.

    Of the workload keywords, a log uses its purchase terms: `at` (prices for rows without a timestamp),
    `payment` and `credit_purchase` (aggregator fees) and `prices` (an overlay file); the tokens are the
    log's own. `engine="spark"` runs the same pricing statements on Spark (canonical Parquet; docs/spark.md).
    `focus_reprice` adds the priced rows re-priced on that channel to the FOCUS lines (`--format focus`).
    """
    from billpath.analysis.price_log import PriceLogOptions
    from billpath.analysis.price_log import price_log as _price_log

    w = _workload(workload, dict(params))
    if w.has_tokens() or w.requests != 1 or w.batch_share or w.cache_hit_share or w.off_peak_share:
        raise UsageError("a usage log carries its own tokens: give price_log only at, payment, credit_purchase, prices")
    paths = [paths] if isinstance(paths, str) else list(paths or [])
    sources = [source] if isinstance(source, str) else list(source or [])
    if sources:  # `--source AGENT`: the agent's own log directories on this machine (read only, never uploaded)
        from billpath.usage.agent_sources import find

        for agent in sources:
            paths += [str(d) for d in find(agent).dirs]
        if input_format == "auto" and len(set(sources)) == 1:
            input_format = sources[0]
    if not paths:
        raise UsageError("give usage files, directories or globs, or a coding agent's logs with source=")
    if plan is not None:
        from billpath.catalog.subscriptions import plan_ids

        if plan not in plan_ids():
            raise UsageError(f"unknown plan {plan!r}; use one of: {', '.join(plan_ids())}")
    catalog = _overlaid(catalog, w.prices)
    options = PriceLogOptions(
        input_format=input_format,
        at=w.at,
        catalog=catalog,
        progress=progress,
        engine=engine,
        payment=w.payment,
        purchase_usd=w.credit_purchase,
        focus_reprice=focus_reprice,
        columns=columns,
        since=since,
        until=until,
    )
    result = _price_log(paths, options)
    if plan is not None:  # subscription equivalence: the plan against the same tokens on every API channel
        from billpath.analysis.subscription import equivalence

        result.subscription = equivalence(result, plan, catalog or load_catalog())
    return result


def recommend(
    model: str,
    workload: Workload | None = None,
    *,
    requires: list[str] | tuple[str, ...] = (),
    log: list[str] | None = None,
    input_format: str = "auto",
    seats: int = 1,
    catalog: Catalog | None = None,
    **params: Unpack[WorkloadParams],
) -> Recommendation:
    """Channels ranked for a month of this workload under `requires`; `.to_dict()` is `recommend --format json`.

    With `log` (usage files), the workload is the log's own (its totals, its request count). Application
    plans are priced for `seats` seats and listed apart (`seats`), never ranked among the API channels.
    """
    from billpath.analysis.recommend import recommend as _recommend

    w = _workload(workload, dict(params))
    catalog = _overlaid(catalog, w.prices)
    per_request, requests, note = w.per_request(), w.requests, None
    if log:
        from billpath.analysis.recommend import workload_from_log

        per_request, note = workload_from_log(log, model, input_format=input_format, catalog=catalog)
        requests = Decimal(1)  # the log's totals already hold its request count
    result = _recommend(
        model,
        per_request,
        requests,
        requires=list(requires),
        batch_share=w.batch_share,
        off_peak_share=w.off_peak_share,
        at=w.at,
        payment=w.payment,
        purchase_usd=w.credit_purchase,
        seats=seats,
        catalog=catalog,
    )
    result.workload_note = note
    return result


def recommend_log(
    log: list[str],
    workload: Workload | None = None,
    *,
    requires: list[str] | tuple[str, ...] = (),
    input_format: str = "auto",
    catalog: Catalog | None = None,
    **params: Unpack[TermsParams],
) -> dict:
    """`recommend --log FILE` without a model: the best channel per model of the log, the mix and its delta."""
    from billpath.analysis.recommend import recommend_log as _recommend_log

    w = _workload(workload, dict(params))
    return _recommend_log(
        log,
        input_format=input_format,
        requires=list(requires),
        at=w.at,
        payment=w.payment,
        purchase_usd=w.credit_purchase,
        catalog=_overlaid(catalog, w.prices),
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


def models(
    *, search: str | None = None, maker: str | None = None, channel: str | None = None, catalog: Catalog | None = None
) -> dict:
    """The catalog's models with the channels that sell them (`models --format json`)."""
    from billpath.report.listing import models_listing

    payload, _ = models_listing(search=search, maker=maker, channel=channel, catalog=catalog)
    return payload


def channels(*, catalog: Catalog | None = None) -> dict:
    """The channels: kind, billing, fees, and how many models each sells (`channels --format json`)."""
    from billpath.report.listing import channels_listing

    payload, _ = channels_listing(catalog=catalog)
    return payload
