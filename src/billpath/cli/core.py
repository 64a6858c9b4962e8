"""compare, models, channels."""

from __future__ import annotations

from typing import Annotated

import typer

from billpath.cli.app import Fmt, FormatOpt, app
from billpath.cli.options import workload_options
from billpath.usage.workload import Workload


@app.command("compare")
@workload_options()
def compare_cmd(
    model: Annotated[str, typer.Argument(help="Canonical id, display name, or any channel's id for it.")],
    workload: Workload,
    all_variants: Annotated[bool, typer.Option(help="Also show service tiers (fast, priority, flex).")] = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Compare what MODEL costs for a workload on every channel that sells it (token flags are per request)."""
    from billpath.api import compare
    from billpath.report.compare import compare_view
    from billpath.report.render import emit

    result = compare(model, workload, all_variants=all_variants)
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
