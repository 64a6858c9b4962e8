"""compare, models, channels."""

from __future__ import annotations

from typing import Annotated

import typer

from billpath.cli.app import (
    Count,
    Fmt,
    FormatOpt,
    PricesOpt,
    app,
    catalog_for,
    count,
    parse_date,
    per_request_usage,
    share,
)


@app.command("compare")
def compare_cmd(
    model: Annotated[str, typer.Argument(help="Canonical id, display name, or any channel's id for it.")],
    input_tokens: Count = "0",
    output_tokens: Count = "0",
    cache_read_tokens: Count = "0",
    cache_write_tokens: Count = "0",
    cache_write_1h_tokens: Count = "0",
    reasoning_tokens: Count = "0",
    requests: Count = "1",
    batch_share: Annotated[str, typer.Option(metavar="F", help="Share of requests sent as batch (0-1).")] = "0",
    at: Annotated[str | None, typer.Option(metavar="DATE", help="Price at this date (default: today).")] = None,
    payment: Annotated[
        str | None, typer.Option(help="Aggregator payment method: card (default), crypto or byok.")
    ] = None,
    credit_purchase: Annotated[
        str | None, typer.Option(metavar="USD", help="Size of each aggregator credit purchase (default 100).")
    ] = None,
    all_variants: Annotated[bool, typer.Option(help="Also show service tiers (fast, priority, flex).")] = False,
    cache_hit_share: Annotated[
        str, typer.Option(metavar="F", help="Share of --input-tokens read from the prompt cache (0-1).")
    ] = "0",
    prices: PricesOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Compare what MODEL costs for a workload on every channel that sells it (token flags are per request)."""
    from billpath.analysis.compare import compare
    from billpath.report.compare import compare_view
    from billpath.report.render import emit

    per_request = per_request_usage(
        input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens
    )
    from billpath.analysis.scenarios import with_cache_hits

    result = compare(
        model,
        with_cache_hits(per_request, share("cache-hit-share", cache_hit_share)),
        count("requests", requests),
        batch_share=share("batch-share", batch_share),
        at=parse_date("at", at),
        payment=payment,
        purchase_usd=count("credit-purchase", credit_purchase) if credit_purchase else None,
        all_variants=all_variants,
        catalog=catalog_for(prices),
    )
    emit(fmt.value, result.to_dict(), compare_view(result))


@app.command("models")
def models_cmd(
    search: Annotated[str | None, typer.Option(help="Only models whose id or name contains TEXT.")] = None,
    maker: Annotated[str | None, typer.Option(help="Only this maker's models.")] = None,
    channel: Annotated[str | None, typer.Option(help="Only models sold on this channel.")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """List the catalog's models with the channels that sell them."""
    from billpath.report.listing import models_listing
    from billpath.report.render import emit

    payload, view = models_listing(search=search, maker=maker, channel=channel)
    emit(fmt.value, payload, view)


@app.command("channels")
def channels_cmd(fmt: FormatOpt = Fmt.table) -> None:
    """List the channels: kind, billing, fees, and how many models each sells."""
    from billpath.report.listing import channels_listing
    from billpath.report.render import emit

    payload, view = channels_listing()
    emit(fmt.value, payload, view)
