"""A workload: the synthetic usage every question is asked about, and the terms it is bought on.

One type, parsed once, for every surface: the Python API builds it from keyword arguments
(`Workload.of`), the CLI from its flags (`billpath.cli.options.workload_options`) and the web from its
query parameters (`billpath.web.app.workload`). `FIELDS` is the single list of its parameters, with the
help text, metavar and kind each surface derives its options from; a parity test holds them together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal

from billpath.errors import UsageError
from billpath.money import ZERO, exponent
from billpath.usage.record import TOKEN_FIELDS, Usage

Kind = Literal["count", "requests", "share", "date", "payment", "usd", "path"]


@dataclass(frozen=True)
class Field:
    """One workload parameter as every surface shows it."""

    name: str  # Python keyword and web query parameter; the CLI flag is --name-with-dashes
    kind: Kind
    help: str
    metavar: str | None = None
    short: str | None = None  # the CLI's one-letter flag, where it has one

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


TOKENS = (
    Field("input_tokens", "count", "Uncached input tokens per request.", "N", "-i"),
    Field("output_tokens", "count", "Output tokens per request (reasoning included).", "N", "-o"),
    Field("cache_read_tokens", "count", "Input tokens read from the prompt cache per request.", "N"),
    Field("cache_write_tokens", "count", "Input tokens written to the 5-minute prompt cache per request.", "N"),
    Field("cache_write_1h_tokens", "count", "Input tokens written to the 1-hour prompt cache per request.", "N"),
    Field("reasoning_tokens", "count", "Reasoning tokens per request (part of --output-tokens).", "N"),
)
SHAPE = (
    Field("requests", "requests", "Requests in the period (at least 1); token flags are per request.", "N", "-n"),
    Field("batch_share", "share", "Share of requests sent as batch (0-1).", "F"),
    Field("cache_hit_share", "share", "Share of --input-tokens read from the prompt cache (0-1).", "F"),
    Field(
        "off_peak_share",
        "share",
        "Share of requests made in off-peak hours, on channels priced by the time of day (0-1; default 0: peak).",
        "F",
    ),
)
TERMS = (
    Field("at", "date", "Price at this date (default: today).", "DATE"),
    Field("payment", "payment", "Aggregator payment method: card (default), crypto or byok.", "METHOD"),
    Field("credit_purchase", "usd", "Size of each aggregator credit purchase in USD (default 100).", "USD"),
    Field("prices", "path", "Your negotiated prices (TOML overlay; see examples/prices.toml).", "FILE"),
)
FIELDS = TOKENS + SHAPE + TERMS
BY_NAME = {f.name: f for f in FIELDS}
# A log's rows carry their own tokens and dates: of the workload, `price-log` takes the purchase terms, and
# `at` only prices the rows without a timestamp (the help every surface gives it there).
PRICE_LOG_HELP = {"at": "Prices for rows without a timestamp (default: today)."}
PAYMENTS = ("card", "crypto", "byok")


@dataclass(frozen=True)
class Workload:
    """Per-request tokens, how many requests, batch, cache-hit and off-peak shares, and the purchase terms."""

    input_tokens: Decimal = ZERO
    output_tokens: Decimal = ZERO
    cache_read_tokens: Decimal = ZERO
    cache_write_tokens: Decimal = ZERO
    cache_write_1h_tokens: Decimal = ZERO
    reasoning_tokens: Decimal = ZERO
    requests: Decimal = Decimal(1)
    batch_share: Decimal = ZERO
    cache_hit_share: Decimal = ZERO
    off_peak_share: Decimal = ZERO  # on offers priced by the time of day (rule 6); the others ignore it
    at: date | None = None
    payment: str | None = None
    credit_purchase: Decimal | None = None
    prices: str | None = None  # path of a price overlay (`--prices`)

    @classmethod
    def of(cls, **values: object) -> Workload:
        """From Python values (int, str or Decimal numbers; date or ISO text): the Python API's entry."""
        unknown = sorted(set(values) - set(BY_NAME))
        if unknown:
            raise TypeError(f"unknown workload parameter(s): {', '.join(unknown)}")
        return cls.parse({k: v if v is None or isinstance(v, date) else _text(k, v) for k, v in values.items()})

    @classmethod
    def parse(cls, values: Mapping[str, object]) -> Workload:
        """From text as a user typed it (a CLI flag, a query parameter): each checked, errors name the flag."""
        out: dict[str, object] = {}
        for name, raw in values.items():
            if raw is None:
                continue
            out[name] = _parse(BY_NAME[name], raw)
        return cls(**out)  # type: ignore[arg-type]  # each value parsed to its field's type by _parse

    def per_request(self) -> Usage:
        """One request's usage, with the cache-hit share of its input moved to cache reads."""
        usage = Usage(**{f: getattr(self, f) for f in TOKEN_FIELDS})
        return with_cache_hits(usage, self.cache_hit_share)

    def usage(self) -> Usage:
        """The period's usage: the per-request usage times `requests`."""
        if self.requests <= 0:
            raise UsageError(f"requests must be at least 1 (got {self.requests})")
        return self.per_request().scaled(self.requests)

    def has_tokens(self) -> bool:
        return any(getattr(self, f) for f in TOKEN_FIELDS)


assert tuple(f.name for f in fields(Workload)) == tuple(f.name for f in FIELDS)


def with_cache_hits(per_request: Usage, share: Decimal) -> Usage:
    """Move `share` of the input tokens into cache reads (a cache-hit share of the prompt)."""
    if not ZERO <= share <= 1:
        raise UsageError(f"cache-hit share must be between 0 and 1 (got {share})")
    if share == 0:
        return per_request
    hits = per_request.input_tokens * share
    return replace(
        per_request,
        input_tokens=per_request.input_tokens - hits,
        cache_read_tokens=per_request.cache_read_tokens + hits,
    )


def _text(name: str, value: object) -> str:
    if isinstance(value, bool | float):
        raise UsageError(f"{name} must be an integer, a decimal string or a Decimal, not {type(value).__name__}")
    return str(value)


MAX_COUNT = Decimal(10) ** 15  # the largest count a usage row may carry (usage.columns.MAX_TOKENS)
MIN_EXPONENT = -12  # finer than 1e-12 of a token or a share is not a quantity: refused, not computed


def count(flag: str, text: str) -> Decimal:
    """A non-negative number given on the command line (`_` and `,` allowed as digit separators).

    ASCII digits only (as every log reader: fullwidth digits are refused, not read), at most 1e15
    (`1e400` would overflow every later step) and at most 12 decimal places.
    """
    try:
        if not text.isascii():
            raise InvalidOperation
        value = Decimal(text.replace("_", "").replace(",", ""))
    except InvalidOperation:
        raise UsageError(f"{flag} must be a number (ASCII digits), got {text!r}") from None
    if not value.is_finite() or value < 0:
        raise UsageError(f"{flag} must be a non-negative number, got {text!r}")
    if value > MAX_COUNT:
        raise UsageError(f"{flag} is implausibly large (at most 1e15), got {text!r}")
    if value and exponent(value.normalize()) < MIN_EXPONENT:  # finite: checked above
        raise UsageError(f"{flag} has more than {-MIN_EXPONENT} decimal places, got {text!r}")
    return value


def share(flag: str, text: str) -> Decimal:
    value = count(flag, text)
    if value > 1:
        raise UsageError(f"{flag} is a share between 0 and 1, got {text!r}")
    return value


def parse_date(flag: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag} must be a date like 2026-03-01, got {text!r}") from None


def _parse(f: Field, raw: object) -> object:
    if isinstance(raw, date) or f.kind in ("payment", "path"):
        return raw
    text = str(raw)
    if f.kind == "share":
        return share(f.flag, text)
    if f.kind == "date":
        return parse_date(f.flag, text)
    return count(f.flag, text)
