"""The typer app and the option types every command shares."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from billpath.report.render import FORMATS
from billpath.usage import workload

app = typer.Typer(
    name="billpath",
    help="What your LLM usage costs on every channel that sells the same model, exactly.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class Fmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


assert tuple(f.value for f in Fmt) == FORMATS
FormatOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")]


def parse_date(name: str, text: str | None) -> date | None:
    return None if text is None else workload.parse_date(f"--{name}", text)


DateOpt = Annotated[str | None, typer.Option(metavar="DATE", help=workload.BY_NAME["at"].help)]
PricesOpt = Annotated[str | None, typer.Option("--prices", metavar="FILE", help=workload.BY_NAME["prices"].help)]


def catalog_for(prices: str | None):
    """The bundled catalog, seen through the user's `--prices` overlay when one is given."""
    from billpath.catalog.price_overlay import apply_overlay
    from billpath.catalog.store import load_catalog
    from billpath.pricing.table import unit_problems

    return apply_overlay(load_catalog(), prices, check=unit_problems)
