"""The typer app and the option types every command shares."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated

import typer

from billpath.errors import UsageError
from billpath.report.render import FORMATS

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
# Token counts are read as text and checked here so a bad value is a one-line error (exit 1).
Count = Annotated[str, typer.Option(metavar="N")]


def count(name: str, text: str | None, default: str = "0") -> Decimal:
    """A non-negative number given on the command line."""
    raw = default if text is None else text
    try:
        value = Decimal(raw.replace("_", "").replace(",", ""))
    except InvalidOperation:
        raise UsageError(f"--{name} must be a number, got {raw!r}") from None
    if not value.is_finite() or value < 0:
        raise UsageError(f"--{name} must be a non-negative number, got {raw!r}")
    return value


def share(name: str, text: str | None) -> Decimal:
    value = count(name, text)
    if value > 1:
        raise UsageError(f"--{name} is a share between 0 and 1, got {text!r}")
    return value


def parse_date(name: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--{name} must be a date like 2026-03-01, got {text!r}") from None


PricesOpt = Annotated[
    str | None,
    typer.Option("--prices", metavar="FILE", help="Your negotiated prices (TOML overlay; see examples/prices.toml)."),
]


def catalog_for(prices: str | None):
    """The bundled catalog, seen through the user's `--prices` overlay when one is given."""
    from billpath.catalog.price_overlay import apply_overlay
    from billpath.catalog.store import load_catalog

    return apply_overlay(load_catalog(), prices)


def per_request_usage(
    input_tokens: str,
    output_tokens: str,
    cache_read_tokens: str,
    cache_write_tokens: str,
    cache_write_1h_tokens: str,
    reasoning_tokens: str,
):
    """The per-request token flags of compare/recommend as one Usage (each checked like `count`)."""
    from billpath.usage.record import Usage

    return Usage(
        input_tokens=count("input-tokens", input_tokens),
        output_tokens=count("output-tokens", output_tokens),
        cache_read_tokens=count("cache-read-tokens", cache_read_tokens),
        cache_write_tokens=count("cache-write-tokens", cache_write_tokens),
        cache_write_1h_tokens=count("cache-write-1h-tokens", cache_write_1h_tokens),
        reasoning_tokens=count("reasoning-tokens", reasoning_tokens),
    )
