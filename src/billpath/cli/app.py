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
