"""recommend, lag, explain, scenarios: hidden costs turned into decisions."""

from __future__ import annotations

from typing import Annotated

import typer

from billpath.cli.app import (
    DateOpt,
    Fmt,
    FormatOpt,
    PricesOpt,
    SeatsOpt,
    VerboseOpt,
    app,
    catalog_for,
    parse_date,
    require_tokens,
)
from billpath.cli.options import workload_options
from billpath.usage.workload import Workload


@app.command("recommend")
@workload_options()
def recommend_cmd(
    model: Annotated[
        str | None,
        typer.Argument(help="Canonical id, display name, or any channel's id (optional with --log: every model)."),
    ] = None,
    workload: Workload | None = None,
    require: Annotated[
        list[str] | None,
        typer.Option(
            "--require",
            "-r",
            help="billing:aws|azure|gcp, region:us|eu, failover, multi-maker, feature:batch|cache-1h|web-search|...",
        ),
    ] = None,
    log: Annotated[
        list[str] | None,
        typer.Option("--log", metavar="FILE", help="Take the workload from usage logs instead of token flags."),
    ] = None,
    input_format: Annotated[str, typer.Option("--input-format", metavar="FORMAT", help="Format of --log.")] = "auto",
    seats: SeatsOpt = 1,
    verbose: VerboseOpt = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Rank the API channels for a month of this workload under your constraints; say why others are out.

    Coding-tool seats are listed apart. With --log FILE and no MODEL: the best channel for every model
    of the log (the whole bill), with signed deltas against what it was billed on.
    """
    from billpath.api import recommend, recommend_log
    from billpath.errors import UsageError
    from billpath.report.advice import recommend_view
    from billpath.report.render import emit

    assert workload is not None  # given by @workload_options
    if model is None:
        if not log:
            raise UsageError("give a MODEL, or --log FILE to recommend a channel for every model of a log")
        terms = Workload(
            at=workload.at, payment=workload.payment, credit_purchase=workload.credit_purchase, prices=workload.prices
        )
        payload = recommend_log(log, terms, requires=require or [], input_format=input_format)
        emit(fmt.value, payload, recommend_view(payload), verbose)
        return
    if not log:
        catalog_for(None).resolve(model)  # an unknown name is the first thing to say
        require_tokens(workload, f"recommend {model}")
    result = recommend(model, workload, requires=require or [], log=log, input_format=input_format, seats=seats)
    payload = result.to_dict()
    emit(fmt.value, payload, recommend_view(payload), verbose)


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
    at: DateOpt = None,
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
