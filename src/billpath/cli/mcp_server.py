"""`billpath mcp`: the public API (billpath.api) as MCP tools over stdio, for coding agents.

Each tool returns, as its text content, exactly what the matching command prints with
`--format json` (same function, same serialisation), so an agent, the terminal and the page never
disagree. A user error comes back as a tool error with the CLI's one-line message, never a traceback.

Imported only by the `mcp` command: the SDK stays off every other command's start-up path.
"""

# No `from __future__ import annotations`: the SDK reads the tool signatures' real types.

import functools
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import Field, ValidationError

from billpath import __version__, api
from billpath.errors import BillpathError
from billpath.report.render import to_json

INSTRUCTIONS = (
    "billpath prices LLM usage exactly on every channel that sells a model (maker APIs, clouds, aggregators, "
    "coding-tool plans). Token arguments are per request; `requests` is how many such requests the month holds. "
    "Money in every answer is an exact decimal string in US dollars. Start with `models` to find an id, "
    "`compare` for every channel's cost, `recommend` to rank channels under requirements, `price-log` for a "
    "usage log on disk, `scenarios` for named workloads month by month."
)

# JSON numbers or decimal strings: a string keeps an exact fraction ("0.3"), an int a whole count.
Num = int | float | str
Tokens = Annotated[Num, Field(description="Tokens per request (non-negative).")]
Model = Annotated[str, Field(description="Canonical id (claude-sonnet-4-6, gpt-5.5), display name or a channel's id.")]
Requests = Annotated[Num, Field(description="How many such requests the period holds (default 1).")]
BatchShare = Annotated[Num, Field(description="Share of requests sent as batch, 0-1.")]
CacheHitShare = Annotated[Num, Field(description="Share of input_tokens read from the prompt cache, 0-1.")]
OffPeakShare = Annotated[
    Num, Field(description="Share of requests in off-peak hours, on channels priced by the time of day, 0-1.")
]
At = Annotated[str | None, Field(description="Price at this date, YYYY-MM-DD (default: today).")]
Payment = Annotated[
    Literal["card", "crypto", "byok"] | None, Field(description="Aggregator payment method (default card).")
]
CreditPurchase = Annotated[Num | None, Field(description="USD per aggregator credit purchase (default 100).")]
Prices = Annotated[str | None, Field(description="Path of a TOML price overlay (your negotiated prices).")]
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)


class ArgumentError(BillpathError):
    """A tool argument that is not what the tool takes."""


def number(name: str, value: Num | None, *, share: bool = False, positive: bool = False) -> Decimal:
    """An exact, finite, non-negative Decimal from a JSON number or a decimal string."""
    if isinstance(value, bool):  # JSON true/false is not a count
        raise ArgumentError(f"{name} must be a number, got {value!r}")
    try:
        # str(float) is the shortest text that round-trips: 0.3 arrives as Decimal("0.3"), not 0.2999…
        d = Decimal(str(value).replace("_", "").strip())
    except InvalidOperation:
        raise ArgumentError(f"{name} must be a number, got {value!r}") from None
    if not d.is_finite() or d < 0:
        raise ArgumentError(f"{name} must be a non-negative number, got {value!r}")
    if share and d > 1:
        raise ArgumentError(f"{name} is a share between 0 and 1, got {value!r}")
    if positive and d == 0:
        raise ArgumentError(f"{name} must be at least 1, got {value!r}")
    return d


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
            raise ToolError(" ".join(str(exc).split())) from None
        except Exception as exc:  # a bug: say so in one line, as the CLI does
            raise ToolError(f"internal error: {type(exc).__name__}: {exc}") from None

    return run


def compare(
    model: Model,
    input_tokens: Tokens = 0,
    output_tokens: Tokens = 0,
    cache_read_tokens: Tokens = 0,
    cache_write_tokens: Tokens = 0,
    cache_write_1h_tokens: Tokens = 0,
    reasoning_tokens: Tokens = 0,
    requests: Requests = 1,
    batch_share: BatchShare = 0,
    cache_hit_share: CacheHitShare = 0,
    off_peak_share: OffPeakShare = 0,
    at: At = None,
    payment: Payment = None,
    credit_purchase: CreditPurchase = None,
    all_variants: Annotated[bool, Field(description="Also quote service tiers (fast, priority, flex).")] = False,
    prices: Prices = None,
) -> str:
    """What MODEL costs for a workload on every channel that sells it, cheapest first.

    Returns the JSON of `billpath compare MODEL --format json`: API channels in `quotes` (each with its
    cost per component, summing to the total, its notes and source), the channels that do not sell it
    in `unavailable`.
    """
    result = api.compare(
        model,
        **_tokens(input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens),
        reasoning_tokens=number("reasoning_tokens", reasoning_tokens),
        requests=number("requests", requests, positive=True),
        batch_share=number("batch_share", batch_share, share=True),
        cache_hit_share=number("cache_hit_share", cache_hit_share, share=True),
        off_peak_share=number("off_peak_share", off_peak_share, share=True),
        at=day("at", at),
        payment=payment,
        credit_purchase=None if credit_purchase is None else number("credit_purchase", credit_purchase),
        all_variants=all_variants,
        prices=prices,
    )
    return to_json(result.to_dict())


def recommend(
    model: Model,
    input_tokens: Tokens = 0,
    output_tokens: Tokens = 0,
    cache_read_tokens: Tokens = 0,
    cache_write_tokens: Tokens = 0,
    cache_write_1h_tokens: Tokens = 0,
    reasoning_tokens: Tokens = 0,
    requests: Requests = 1,
    batch_share: BatchShare = 0,
    cache_hit_share: CacheHitShare = 0,
    off_peak_share: OffPeakShare = 0,
    require: Annotated[
        list[str] | None,
        Field(
            description="Constraints: billing:aws|billing:azure|billing:gcp, region:us|region:eu, failover, "
            "multi-maker, feature:batch, feature:cache-1h, ..."
        ),
    ] = None,
    at: At = None,
    payment: Payment = None,
    credit_purchase: CreditPurchase = None,
    prices: Prices = None,
    log: Annotated[
        list[str] | None, Field(description="Take the workload from these usage logs instead of the token arguments.")
    ] = None,
    input_format: Annotated[str, Field(description="Format of `log` (default: detected).")] = "auto",
) -> str:
    """Channels ranked for a month of this workload under the requirements, with reasons and exclusions.

    Returns the JSON of `billpath recommend MODEL --format json` (`ranking`, `excluded`, `break_even`).
    """
    result = api.recommend(
        model,
        **_tokens(input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens),
        reasoning_tokens=number("reasoning_tokens", reasoning_tokens),
        requests=number("requests", requests, positive=True),
        batch_share=number("batch_share", batch_share, share=True),
        cache_hit_share=number("cache_hit_share", cache_hit_share, share=True),
        off_peak_share=number("off_peak_share", off_peak_share, share=True),
        requires=list(require or []),
        at=day("at", at),
        payment=payment,
        credit_purchase=None if credit_purchase is None else number("credit_purchase", credit_purchase),
        prices=prices,
        log=list(log) if log else None,
        input_format=input_format,
    )
    return to_json(result.to_dict())


def price_log(
    files: Annotated[list[str], Field(description="Usage log files, directories or globs on this machine.")],
    input_format: Annotated[
        str,
        Field(
            description="Log format: auto (detected from content), openai-usage, anthropic-usage, otel, litellm, "
            "openrouter, langfuse, canonical, ..."
        ),
    ] = "auto",
    at: Annotated[str | None, Field(description="Prices for rows without a timestamp, YYYY-MM-DD.")] = None,
    prices: Prices = None,
) -> str:
    """Price a usage log exactly on the channels it used, and re-price it on every other channel.

    Returns the JSON of `billpath price-log FILE... --format json`: rows_total = rows_priced +
    rows_unpriced + rows_rejected, total_usd, by_model, by_channel, by_day, reprice, unpriced, rejected.
    """
    given: object = files  # a client may send one path as a string despite the schema
    if isinstance(given, str):
        files = [given]
    if not files:
        raise ArgumentError("files must name at least one usage log")
    result = api.price_log(list(files), input_format=input_format, at=day("at", at), prices=prices)
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


def lag(model: Model) -> str:
    """Days each channel got MODEL after the maker released it. Returns `billpath lag MODEL --format json`."""
    return to_json(api.lag(model))


def explain(model: Model, at: At = None) -> str:
    """Where MODEL is sold, what it costs, what each channel lacks, with sources.

    Returns the JSON of `billpath explain MODEL --format json`.
    """
    return to_json(api.explain(model, at=day("at", at)))


def scenarios(
    file: Annotated[str, Field(description="A scenarios TOML file on this machine (named workloads, month by month).")],
    prices: Prices = None,
) -> str:
    """Named workload scenarios (model mix, growth, cache and batch shares) priced month by month on each channel.

    Returns the JSON of `billpath scenarios FILE --format json`.
    """
    return to_json(api.scenarios(file, prices=prices))


def _tokens(input_tokens: Num, output_tokens: Num, cache_read: Num, cache_write: Num, cache_write_1h: Num) -> dict:
    return {
        "input_tokens": number("input_tokens", input_tokens),
        "output_tokens": number("output_tokens", output_tokens),
        "cache_read_tokens": number("cache_read_tokens", cache_read),
        "cache_write_tokens": number("cache_write_tokens", cache_write),
        "cache_write_1h_tokens": number("cache_write_1h_tokens", cache_write_1h),
    }


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
