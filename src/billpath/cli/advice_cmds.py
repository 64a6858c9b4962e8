"""recommend, lag, explain, scenarios: hidden costs turned into decisions."""

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


@app.command("recommend")
def recommend_cmd(
    model: Annotated[str, typer.Argument(help="Canonical id, display name, or any channel's id for it.")],
    input_tokens: Count = "0",
    output_tokens: Count = "0",
    cache_read_tokens: Count = "0",
    cache_write_tokens: Count = "0",
    cache_write_1h_tokens: Count = "0",
    reasoning_tokens: Count = "0",
    requests: Count = "1",
    batch_share: Annotated[str, typer.Option(metavar="F", help="Share of requests sent as batch (0-1).")] = "0",
    cache_hit_share: Annotated[
        str, typer.Option(metavar="F", help="Share of --input-tokens read from the prompt cache (0-1).")
    ] = "0",
    require: Annotated[
        list[str] | None,
        typer.Option(
            "--require",
            "-r",
            help="billing:aws|azure|gcp, region:us|eu, failover, multi-maker, feature:batch|cache-1h|web-search|...",
        ),
    ] = None,
    at: Annotated[str | None, typer.Option(metavar="DATE", help="Price at this date (default: today).")] = None,
    payment: Annotated[str | None, typer.Option(help="Aggregator payment method: card, crypto or byok.")] = None,
    credit_purchase: Annotated[
        str | None, typer.Option(metavar="USD", help="Size of each aggregator credit purchase (default 100).")
    ] = None,
    log: Annotated[
        list[str] | None,
        typer.Option("--log", metavar="FILE", help="Take the workload from usage logs instead of token flags."),
    ] = None,
    input_format: Annotated[str, typer.Option("--input-format", metavar="FORMAT", help="Format of --log.")] = "auto",
    prices: PricesOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Rank the channels for a month of this workload under your constraints; say why others are out."""
    from decimal import Decimal

    from billpath.analysis.recommend import recommend
    from billpath.analysis.scenarios import with_cache_hits
    from billpath.report.advice import recommend_view
    from billpath.report.render import emit

    per_request = per_request_usage(
        input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens
    )
    catalog = catalog_for(prices)
    per_request, n, note = with_cache_hits(per_request, share("cache-hit-share", cache_hit_share)), None, None
    if log:
        from billpath.analysis.recommend import workload_from_log

        per_request, note = workload_from_log(log, model, input_format=input_format, catalog=catalog)
        n = Decimal(1)  # the log's totals already hold its request count
    result = recommend(
        model,
        per_request,
        n or count("requests", requests),
        requires=require or [],
        batch_share=share("batch-share", batch_share),
        at=parse_date("at", at),
        payment=payment,
        purchase_usd=count("credit-purchase", credit_purchase) if credit_purchase else None,
        catalog=catalog,
    )
    result.workload_note = note
    payload = result.to_dict()
    emit(fmt.value, payload, recommend_view(payload))


@app.command("lag")
def lag_cmd(
    model: Annotated[str, typer.Argument(help="Canonical id, display name, or any channel's id for it.")],
    prices: PricesOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Days each channel got MODEL after the maker's release ("unknown" where no source gives a date)."""
    from billpath.analysis.hidden_costs import lag_report
    from billpath.report.advice import lag_view
    from billpath.report.render import emit

    payload = lag_report(model, catalog=catalog_for(prices))
    emit(fmt.value, payload, lag_view(payload))


@app.command("explain")
def explain_cmd(
    model: Annotated[str, typer.Argument(help="Canonical id, display name, or any channel's id for it.")],
    at: Annotated[str | None, typer.Option(metavar="DATE", help="Price at this date (default: today).")] = None,
    prices: PricesOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """The article's four questions for MODEL, answered from the catalog, citing the offers used."""
    from billpath.analysis.explain import explain_model
    from billpath.report.advice import explain_view
    from billpath.report.render import emit

    payload = explain_model(model, at=parse_date("at", at), catalog=catalog_for(prices))
    emit(fmt.value, payload, explain_view(payload))


@app.command("scenarios")
def scenarios_cmd(
    file: Annotated[str, typer.Argument(metavar="FILE", help="Scenarios TOML (see examples/scenarios.toml).")],
    prices: PricesOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Compare named workload scenarios side by side, month by month (CSV: --format csv)."""
    from billpath.analysis.scenarios import run_scenarios
    from billpath.report.advice import scenarios_long_view, scenarios_view
    from billpath.report.render import emit

    payload = run_scenarios(file, catalog=catalog_for(prices))
    view = scenarios_long_view(payload) if fmt == Fmt.csv else scenarios_view(payload)
    emit(fmt.value, payload, view)
