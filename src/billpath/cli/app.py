"""The typer app and the option types every command shares."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated

import typer
from typer.core import TyperGroup

from billpath.errors import UsageError
from billpath.report.render import FORMATS


class _Group(TyperGroup):
    """The command group: `--json` anywhere before `--` is `--format json` (one shortcut for every command)."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        return super().parse_args(ctx, json_shortcut(args))


def json_shortcut(args: list[str]) -> list[str]:
    out: list[str] = []
    for i, a in enumerate(args):
        if a == "--":
            return out + args[i:]
        out += ["--format", "json"] if a == "--json" else [a]
    return out


app = typer.Typer(
    name="billpath",
    help="What your LLM usage costs on every channel that sells the same model, exactly.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # click's plain help: wraps at the terminal width, never cuts an option name
    context_settings={"help_option_names": ["-h", "--help"]},
    cls=_Group,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"billpath {version('billpath')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """What your LLM usage costs on every channel that sells the same model, exactly."""


class Fmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


assert tuple(f.value for f in Fmt) == FORMATS
FormatOpt = Annotated[
    Fmt,
    typer.Option(
        "--format", "-f", help="Output format; --json is short for --format json (CSV: plain decimals in _usd columns)."
    ),
]
# Token counts are read as text and checked here so a bad value is a one-line error (exit 1).
Count = Annotated[str, typer.Option(metavar="N")]
InputTokens = Annotated[
    str, typer.Option("--input-tokens", "-i", metavar="N", help="Uncached input tokens per request.")
]
OutputTokens = Annotated[
    str, typer.Option("--output-tokens", "-o", metavar="N", help="Output tokens per request (reasoning included).")
]
CacheReadTokens = Annotated[str, typer.Option(metavar="N", help="Prompt-cache reads per request.")]
CacheWriteTokens = Annotated[str, typer.Option(metavar="N", help="5-minute cache writes per request.")]
CacheWrite1hTokens = Annotated[str, typer.Option(metavar="N", help="1-hour cache writes per request.")]
ReasoningTokens = Annotated[str, typer.Option(metavar="N", help="Reasoning tokens per request (part of output).")]
Requests = Annotated[
    str, typer.Option("--requests", "-n", metavar="N", help="Requests in the period (a month for recommend).")
]


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


def require_tokens(per_request, command: str) -> None:
    """No token flag at all is a mistake, not a $0 workload: say what to add (exit 1, one line)."""
    if not any(
        (
            per_request.input_tokens,
            per_request.output_tokens,
            per_request.cache_read_tokens,
            per_request.cache_write_tokens,
            per_request.cache_write_1h_tokens,
        )
    ):
        raise UsageError(
            f"no tokens given: add per-request token counts, e.g. `billpath {command} --input-tokens 2000 "
            "--output-tokens 500 --requests 10000` (-i/-o/-n for short)"
        )
