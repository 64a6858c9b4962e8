"""compare, models, channels."""

from __future__ import annotations

from typing import Annotated

import typer

from billpath.cli.app import Fmt, FormatOpt, SeatsOpt, VerboseOpt, app, require_tokens
from billpath.cli.options import workload_options
from billpath.usage.workload import Workload


@app.command("compare")
@workload_options()
def compare_cmd(
    models: Annotated[
        list[str],
        typer.Argument(metavar="MODEL...", help="Canonical id, display name, or any channel's id; several allowed."),
    ],
    workload: Workload,
    all_variants: Annotated[bool, typer.Option(help="Also show service tiers (fast, priority, flex).")] = False,
    seats: SeatsOpt = 1,
    verbose: VerboseOpt = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Compare what MODEL costs for a workload on every channel that sells it (token flags are per request).

    API channels are ranked; coding-tool seats (application plans) are listed apart. Several models:
    each one's comparison and the channels that sell them all, with a total.
    """
    from billpath.api import compare
    from billpath.catalog.store import load_catalog
    from billpath.report.compare import compare_view
    from billpath.report.render import emit

    for m in models:
        load_catalog().resolve(m)  # an unknown name is the first thing to say
    require_tokens(workload, "compare " + " ".join(f'"{m}"' if " " in m else m for m in models))
    if len(models) > 1:
        from billpath.analysis.multi_compare import MultiComparison, combine
        from billpath.report.compare import multi_compare_view

        many = combine(MultiComparison([compare(m, workload, all_variants=all_variants, seats=seats) for m in models]))
        emit(fmt.value, many.to_dict(), multi_compare_view(many), verbose)
        return
    result = compare(models[0], workload, all_variants=all_variants, seats=seats)
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
