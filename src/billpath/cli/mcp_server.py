"""`billpath mcp`: the public API (billpath.api) as MCP tools over stdio, for coding agents.

Each tool returns, as its text content, exactly what the matching command prints with
`--format json` (same function, same serialisation), so an agent, the terminal and the page never
disagree. The workload arguments are `billpath.usage.workload.FIELDS`, parsed by the same `Workload.parse`
as the CLI's flags and the web's query. A user error comes back as a one-line tool error worded for an
agent (arguments by name, tools instead of shell commands: `billpath.errors.for_clients`), never a traceback.

Imported only by the `mcp` command: the SDK stays off every other command's start-up path.
"""

# No `from __future__ import annotations`: the SDK reads the tool signatures' real types.

import functools
import inspect
from collections.abc import Callable, Iterable
from datetime import date
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import Field, ValidationError

from billpath import __version__, api
from billpath.errors import BillpathError, for_clients
from billpath.report.render import to_json
from billpath.usage.agent_sources import SOURCES as AGENT_SOURCES
from billpath.usage.workload import BY_NAME, FIELDS, PAYMENTS, PRICE_LOG_HELP, TERMS, Workload
from billpath.usage.workload import Field as WorkloadField

INSTRUCTIONS = (
    "billpath prices LLM usage exactly on every channel that sells a model (maker APIs, clouds, aggregators, "
    "coding-tool plans). Token arguments are per request; `requests` is how many such requests the month holds. "
    "Money in every answer is an exact decimal string in US dollars. Start with `models` to find an id, "
    "`compare` for every channel's cost, `recommend` to rank channels under requirements, `price-log` for a "
    "usage log on disk, `scenarios` for named workloads month by month."
)

# JSON numbers or decimal strings: a string keeps an exact fraction ("0.3"), an int a whole count.
Num = int | float | str
NUMBER_KINDS = ("count", "requests", "share", "usd")
Model = Annotated[str, Field(description="Canonical id (claude-sonnet-4-6, gpt-5.5), display name or a channel's id.")]
Seats = Annotated[int, Field(ge=1, le=100_000, description="Coding-tool seats sharing the workload.")]
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)


class ArgumentError(BillpathError):
    """A tool argument that is not what the tool takes."""


def described(text: str) -> str:
    """Help or an error worded for an MCP client: parameters by their argument names, tools for commands."""
    return for_clients(text, _tool_for)


def _tool_for(command: tuple[str, ...], params: dict[str, str]) -> str | None:
    """The tool an agent calls instead of a `billpath` command a message names (None: no such tool)."""
    name = " ".join(command)
    if name not in TOOLS:
        return None
    args = ", ".join(f"{k}={v}" for k, v in params.items())
    return f"the {name} tool" + (f" ({args})" if args else "")


def _annotation(f: WorkloadField, help_text: str | None = None) -> Any:
    """A workload field's argument type and description (`billpath.usage.workload.FIELDS`, as every surface)."""
    about = Field(description=described(help_text or f.help))
    if f.kind == "payment":
        return Annotated[Literal[PAYMENTS] | None, about]
    if f.kind in ("date", "path"):
        return Annotated[str | None, about]
    if f.kind in NUMBER_KINDS:
        return Annotated[Num | None, about]  # a JSON number or a decimal string
    raise TypeError(f"workload field {f.name}: no MCP argument type for kind {f.kind!r}")  # a new kind: say how


def _text(f: WorkloadField, value: object) -> object:
    """An argument as the text `Workload.parse` reads (a float as the shortest decimal that round-trips)."""
    if value is None or (value == "" and f.kind in ("date", "payment", "path")):
        return None
    if isinstance(value, bool):  # JSON true/false is not a count
        raise ArgumentError(f"{f.name} must be a number, got {value!r}")
    return str(value)  # str(0.3) is "0.3": the decimal the agent wrote, not the binary float


def workload_tool(
    selected: Iterable[WorkloadField] = FIELDS, help: dict[str, str] | None = None
) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Give a tool whose function takes `workload: Workload` the `selected` workload arguments, parsed into one
    Workload by `Workload.parse` (the same parse as the CLI's flags and the web's query)."""
    chosen = tuple(selected)

    def decorate(fn: Callable[..., str]) -> Callable[..., str]:
        sig = inspect.signature(fn, eval_str=True)
        own = [p for p in sig.parameters.values() if p.name != "workload"]
        at = list(sig.parameters).index("workload")
        added = [
            inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=_annotation(f, h))
            for f in chosen
            for h in [(help or {}).get(f.name)]
        ]
        head = own[:at]
        tail = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own[at:]]

        @functools.wraps(fn)
        def tool(*args: Any, **kwargs: Any) -> str:
            values = {f.name: _text(f, kwargs.pop(f.name, None)) for f in chosen}
            return fn(*args, workload=Workload.parse(values), **kwargs)

        # inspect.signature (and so the SDK) reads __signature__, which functions do not declare
        tool.__signature__ = sig.replace(parameters=[*head, *added, *tail])  # type: ignore[attr-defined]  # above
        return tool

    return decorate


def day(name: str, value: str | None) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentError(f"{name} must be a date like 2026-03-01, got {value!r}") from None


def as_tool(fn: Callable[..., Any]) -> Callable[..., str]:
    """A billpath error becomes a one-line tool error; anything else a one-line internal error."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> str:
        try:
            return fn(*args, **kwargs)
        except BillpathError as exc:
            raise ToolError(described(str(exc))) from None
        except Exception as exc:  # a bug: say so in one line, as the CLI does
            raise ToolError(f"internal error: {type(exc).__name__}: {exc}") from None

    return run


@workload_tool()
def compare(
    model: Model,
    workload: Workload,
    all_variants: Annotated[bool, Field(description="Also quote service tiers (fast, priority, flex).")] = False,
    seats: Seats = 1,
) -> str:
    """What MODEL costs for a workload on every channel that sells it, cheapest first.

    Token arguments are per request. Returns the JSON of `billpath compare MODEL --format json`: API
    channels in `quotes` (each with its cost per component, summing to the total, its notes and source),
    coding-tool plans in `seats`, the channels that do not sell it in `unavailable`.
    """
    return to_json(api.compare(model, workload, all_variants=all_variants, seats=seats).to_dict())


@workload_tool()
def recommend(
    model: Model,
    workload: Workload,
    require: Annotated[
        list[str] | None,
        Field(
            description="Constraints: billing:aws|billing:azure|billing:gcp, region:us|region:eu, failover, "
            "multi-maker, feature:batch, feature:cache-1h, ..."
        ),
    ] = None,
    log: Annotated[
        list[str] | None, Field(description="Take the workload from these usage logs instead of the token arguments.")
    ] = None,
    input_format: Annotated[str, Field(description="Format of `log` (default: detected).")] = "auto",
    seats: Seats = 1,
) -> str:
    """Channels ranked for a month of this workload under the requirements, with reasons and exclusions.

    Returns the JSON of `billpath recommend MODEL --format json` (`ranking`, `excluded`, `break_even`).
    """
    result = api.recommend(
        model,
        workload,
        requires=list(require or []),
        log=list(log) if log else None,
        input_format=input_format,
        seats=seats,
    )
    return to_json(result.to_dict())


@workload_tool(TERMS, help=PRICE_LOG_HELP)
def price_log(
    files: Annotated[
        list[str], Field(description="Usage log files, directories or globs on this machine ([] with source).")
    ],
    workload: Workload,
    input_format: Annotated[
        str,
        Field(
            description="Log format: auto (detected from content), openai-usage, anthropic-usage, otel, litellm, "
            "openrouter, langfuse, canonical, claude-code, codex, gemini-cli, ..."
        ),
    ] = "auto",
    column: Annotated[
        list[str] | None,
        Field(description="FIELD=HEADER: map a CSV header to a canonical field, e.g. input_tokens=Prompt Tokens."),
    ] = None,
    since: Annotated[str | None, Field(description="Only rows dated on or after this day (UTC), YYYY-MM-DD.")] = None,
    until: Annotated[str | None, Field(description="Only rows dated on or before this day (UTC), YYYY-MM-DD.")] = None,
    source: Annotated[
        list[Literal[AGENT_SOURCES]] | None,  # type: ignore[valid-type]  # the tuple of agents
        Field(description="Read these coding agents' logs from their default locations on this machine."),
    ] = None,
    plan: Annotated[
        str | None, Field(description="Compare with a subscription (claude-max-5x, chatgpt-pro, cursor-pro, ...).")
    ] = None,
) -> str:
    """Price a usage log exactly on the channels it used, and re-price it on every other channel.

    Returns the JSON of `billpath price-log FILE... --format json`: rows_total = rows_priced +
    rows_unpriced + rows_rejected, total_usd, by_model, by_channel, by_day, reprice, unpriced, rejected.
    """
    given: object = files  # a client may send one path as a string despite the schema
    paths = [given] if isinstance(given, str) else list(files)
    if not paths and not source:
        raise ArgumentError("files must name at least one usage log (or give source)")
    result = api.price_log(
        paths,
        workload,
        input_format=input_format,
        columns=list(column) if column else None,
        since=day("since", since),
        until=day("until", until),
        source=list(source) if source else None,
        plan=plan or None,
    )
    return to_json(result.to_dict())


def models(
    search: Annotated[str | None, Field(description="Only models whose id or name contains this text.")] = None,
    maker: Annotated[str | None, Field(description="Only this maker's models (anthropic, openai, ...).")] = None,
    channel: Annotated[str | None, Field(description="Only models sold on this channel (aws-bedrock, ...).")] = None,
) -> str:
    """The catalog's models with their ids, makers and the channels that sell them.

    Returns the JSON of `billpath models --format json`.
    """
    return to_json(api.models(search=search, maker=maker, channel=channel))


def channels() -> str:
    """The channels: kind (direct, cloud, aggregator, application), billing, fees, models sold.

    Returns the JSON of `billpath channels --format json`.
    """
    return to_json(api.channels())


@workload_tool([BY_NAME["prices"]])
def lag(model: Model, workload: Workload) -> str:
    """Days each channel got MODEL after the maker released it. Returns `billpath lag MODEL --format json`."""
    return to_json(api.lag(model, prices=workload.prices))


@workload_tool([BY_NAME["at"], BY_NAME["prices"]])
def explain(model: Model, workload: Workload) -> str:
    """Where MODEL is sold, what it costs, what each channel lacks, with sources.

    Returns the JSON of `billpath explain MODEL --format json`.
    """
    return to_json(api.explain(model, at=workload.at, prices=workload.prices))


@workload_tool([BY_NAME["prices"]])
def scenarios(
    file: Annotated[str, Field(description="A scenarios TOML file on this machine (named workloads, month by month).")],
    workload: Workload,
) -> str:
    """Named workload scenarios (model mix, growth, cache and batch shares) priced month by month on each channel.

    Returns the JSON of `billpath scenarios FILE --format json`.
    """
    return to_json(api.scenarios(file, prices=workload.prices))


# Tool name -> function; names follow the CLI's commands.
TOOLS: dict[str, Callable[..., str]] = {
    "compare": compare,
    "recommend": recommend,
    "price-log": price_log,
    "models": models,
    "channels": channels,
    "lag": lag,
    "explain": explain,
    "scenarios": scenarios,
}


class Server(MCPServer):
    """The SDK's server, with its argument-validation errors said in one line as billpath says them."""

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if not isinstance(exc.__cause__, ValidationError):
                raise
            raise ToolError(f"{name}: {one_line(exc.__cause__)}") from None


def one_line(exc: ValidationError) -> str:
    """`field: problem; field: problem`, e.g. `model: required`."""
    parts = []
    for err in exc.errors():
        field = ".".join(str(x) for x in err.get("loc", ())) or "arguments"
        parts.append(f"{field}: {'required' if err.get('type') == 'missing' else err.get('msg')}")
    return "; ".join(dict.fromkeys(parts))


def server() -> MCPServer:
    """The MCP server with every tool registered (read-only: nothing is written or fetched)."""
    mcp = Server(name="billpath", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")
    for name, fn in TOOLS.items():
        mcp.add_tool(as_tool(fn), name=name, annotations=READ_ONLY, structured_output=False)
    return mcp


def serve_stdio() -> None:
    server().run("stdio")
