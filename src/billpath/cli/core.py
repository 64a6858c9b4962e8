"""compare, models, channels."""

from __future__ import annotations

from typing import Annotated

import typer

from billpath.cli.app import (
    CacheReadTokens,
    CacheWrite1hTokens,
    CacheWriteTokens,
    Fmt,
    FormatOpt,
    InputTokens,
    OutputTokens,
    PricesOpt,
    ReasoningTokens,
    Requests,
    app,
    catalog_for,
    count,
    parse_date,
    per_request_usage,
    require_tokens,
    share,
)


@app.command("compare")
def compare_cmd(
    models: Annotated[
        list[str],
        typer.Argument(metavar="MODEL...", help="Canonical id, display name, or any channel's id; several allowed."),
    ],
    input_tokens: InputTokens = "0",
    output_tokens: OutputTokens = "0",
    cache_read_tokens: CacheReadTokens = "0",
    cache_write_tokens: CacheWriteTokens = "0",
    cache_write_1h_tokens: CacheWrite1hTokens = "0",
    reasoning_tokens: ReasoningTokens = "0",
    requests: Requests = "1",
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
    seats: Annotated[
        int, typer.Option("--seats", min=1, metavar="N", help="Coding-tool seats sharing the workload (team plans).")
    ] = 1,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print every offer's own notes.")] = False,
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

    catalog = catalog_for(prices)
    for m in models:
        catalog.resolve(m)  # an unknown name is the first thing to say
    kw = dict(
        batch_share=share("batch-share", batch_share),
        at=parse_date("at", at),
        payment=payment,
        purchase_usd=count("credit-purchase", credit_purchase) if credit_purchase else None,
        all_variants=all_variants,
        seats=seats,
        catalog=catalog,
    )
    require_tokens(per_request, "compare " + " ".join(f'"{m}"' if " " in m else m for m in models))
    per_request = with_cache_hits(per_request, share("cache-hit-share", cache_hit_share))
    n = count("requests", requests)
    if len(models) > 1:
        from billpath.analysis.multi_compare import compare_models
        from billpath.report.compare import multi_compare_view

        many = compare_models(models, per_request, n, **kw)
        emit(fmt.value, many.to_dict(), multi_compare_view(many), verbose)
        return
    result = compare(models[0], per_request, n, **kw)
    emit(fmt.value, result.to_dict(), compare_view(result), verbose)


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
