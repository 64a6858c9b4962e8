"""The typer app and the option types every command shares."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer
from typer.core import TyperGroup

from billpath.errors import UsageError
from billpath.report.render import FORMATS
from billpath.usage import workload


def _wrap(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """Help text wrapped at spaces only: an id such as `anthropic-usage` or a flag is never cut in two."""
    import textwrap

    out = []
    for i, para in enumerate(text.split("\n\n")):
        if para.startswith("\b"):
            out.append(para[1:].lstrip("\n"))
            continue
        first = initial_indent if i == 0 else subsequent_indent
        out.append(
            textwrap.fill(
                " ".join(para.split()),
                width=max(width, 20),
                initial_indent=first,
                subsequent_indent=subsequent_indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n\n".join(out)


_BaseContext = TyperGroup.context_class  # typer's own click context (typer vendors click)


class _Formatter(_BaseContext.formatter_class):  # type: ignore[name-defined]  # typer's vendored click, known at run time
    """click's help formatter, wrapping only at spaces (click's own breaks words at hyphens)."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(_wrap(text, self.width, indent, indent) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((len(a) for a, _ in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if len(first) <= first_col - col_spacing:
                self.write(" " * (first_col - len(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = _wrap(second, max(self.width - first_col - 2, 10)).splitlines() or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class _Context(_BaseContext):  # type: ignore[valid-type,misc]  # typer's vendored click context, known at run time
    formatter_class = _Formatter


class _Group(TyperGroup):
    """The command group: `--json` anywhere before `--` is `--format json` (one shortcut for every command);
    help of the group and of every command through `_Formatter`."""

    context_class = _Context

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        return super().parse_args(ctx, json_shortcut(args))

    def get_command(self, ctx, cmd_name: str):
        cmd = super().get_command(ctx, cmd_name)
        if cmd is not None:
            cmd.context_class = _Context
        return cmd


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
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Also print every offer's own notes.")]
SeatsOpt = Annotated[
    int,
    typer.Option(
        "--seats", min=1, metavar="N", help="Coding-tool seats sharing the workload (listed apart from APIs)."
    ),
]


def require_tokens(w, command: str) -> None:
    """No token flag at all is a mistake, not a $0 workload: say what to add (exit 1, one line)."""
    if not w.has_tokens():
        raise UsageError(
            f"no tokens given: add per-request token counts, e.g. `billpath {command} --input-tokens 2000 "
            "--output-tokens 500 --requests 10000` (-i/-o/-n for short)"
        )


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
