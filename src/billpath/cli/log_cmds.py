"""price-log: price a usage log exactly, and re-price it on every other channel."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from billpath.cli.app import app, parse_date
from billpath.cli.options import PRICING_TERMS, workload_options
from billpath.usage.workload import PRICE_LOG_HELP, Workload

if TYPE_CHECKING:  # rich's progress bar is imported only when it is shown
    from rich.progress import TaskID

INPUT_FORMATS = (
    "auto, openai-usage, anthropic-usage, otel, litellm, openrouter, langfuse, canonical, "
    "cursor-csv, cursor-api, copilot-usage, aws-cur, focus, azure-cost, gcp-billing, claude-code, codex, gemini-cli"
)
SOURCES = "claude-code|codex|gemini-cli"


class LogFmt(StrEnum):
    """price-log's output formats: the common ones plus FOCUS 1.2 CSV."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    focus = "focus"


class By(StrEnum):
    model = "model"
    channel = "channel"
    day = "day"
    week = "week"
    month = "month"
    user = "user"


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


@app.command("price-log")
@workload_options(PRICING_TERMS, help=PRICE_LOG_HELP)
def price_log_cmd(
    files: Annotated[
        list[str] | None, typer.Argument(help="Usage files, directories or globs.", metavar="FILE...")
    ] = None,
    workload: Workload | None = None,  # given by @workload_options
    input_format: Annotated[
        str, typer.Option("--input-format", metavar="FORMAT", help=f"Log format ({INPUT_FORMATS}).")
    ] = "auto",
    by: Annotated[
        By | None,
        typer.Option(
            "--by",
            help="Rows of the table: one per model (default), channel, day, week, month or user. Without it, "
            "--format csv is the whole result (counts, each model and channel, unpriced and rejected rows, total).",
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="Only rows dated on or after DATE (UTC).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Only rows dated on or before DATE (UTC).")
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            metavar="FIELD=HEADER",
            help="Map a CSV header to a canonical field, e.g. --column input_tokens='Prompt Tokens' (repeatable).",
        ),
    ] = None,
    engine: Annotated[
        Engine, typer.Option("--engine", help="Where the pricing SQL runs: duckdb (embedded) or spark (docs/spark.md).")
    ] = Engine.duckdb,
    fmt: Annotated[LogFmt, typer.Option("--format", "-f", help="Output format (focus: FOCUS 1.2 CSV).")] = LogFmt.table,
    reprice: Annotated[
        str | None,
        typer.Option("--reprice", metavar="CHANNEL", help="With --format focus: also the rows re-priced on CHANNEL."),
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            metavar="AGENT",
            help=f"Read a coding agent's logs from their default locations on this machine ({SOURCES}); repeatable.",
        ),
    ] = None,
    plan: Annotated[
        str | None,
        typer.Option(
            "--plan",
            metavar="PLAN",
            help="Compare with a subscription (claude-max-5x, chatgpt-pro, cursor-pro, copilot-pro-plus, ...).",
        ),
    ] = None,
) -> None:
    """Price a usage log on the channels it used, and what it would cost on every other channel."""
    from billpath.api import price_log
    from billpath.report.price_log import price_log_view
    from billpath.report.render import emit

    files = list(files or [])
    if not files and not source:
        raise typer.BadParameter("give usage files (FILE...) or --source AGENT", param_hint="FILE...")
    if plan is not None:
        from billpath.catalog.subscriptions import plan_ids

        if plan not in plan_ids():
            raise typer.BadParameter(f"unknown plan {plan!r}; use one of: {', '.join(plan_ids())}", param_hint="--plan")

    progress = _progress_bar() if fmt not in (LogFmt.json, LogFmt.focus) and sys.stderr.isatty() else None
    try:
        result = price_log(
            files,
            workload,
            input_format=input_format,
            engine=engine.value,
            progress=progress,
            source=source,
            plan=plan,
            focus_reprice=reprice,
            columns=column,
            since=parse_date("since", since),
            until=parse_date("until", until),
        )
    finally:
        if progress is not None:
            progress.close()
    for i in result.inputs if source else []:  # say which directories were read
        if i.format in (source or []):
            typer.echo(f"{i.format}: read {i.path}", err=True)
    if fmt is LogFmt.focus:
        from billpath.report.focus import focus_csv

        sys.stdout.write(focus_csv(result))
        return
    view = price_log_view(result, by.value if by else None)
    if result.subscription is not None:
        from billpath.report.subscription import lines

        view.footer += lines(result.subscription)
    emit(fmt.value, result.to_dict(), view)


class _progress_bar:
    """A rich progress bar on stderr (only on a terminal, never with --format json)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task: TaskID | None = None
        self.bar.start()

    def __call__(self, label: str, done: float | None) -> None:
        if self.task is None:
            self.task = self.bar.add_task(label, total=None)
        self.bar.update(self.task, description=label, total=None if done is None else 1.0, completed=done or 0)

    def close(self) -> None:
        self.bar.stop()
