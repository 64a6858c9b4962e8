"""The canonical usage record (one request, or an aggregated bucket of `requests` requests)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from billpath.errors import UsageError

# Minutes are counted in UTC from a Monday midnight long before any date a log can hold (the Monday before the
# Unix epoch, 1969-12-29, minus WEEKS_BACK weeks), in Python (`minute_index`) and in SQL (`billpath.usage.columns`,
# from Unix microseconds): every index is non-negative and an index modulo a week's minutes is the minute of the
# week, Monday 00:00 = 0.
WEEKS_BACK = 200_000
MINUTE_SHIFT = (WEEKS_BACK * 7 + 3) * 1440  # minutes from that Monday to 1970-01-01 00:00 UTC (a Thursday)
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

TOKEN_FIELDS = (
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "reasoning_tokens",
)


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts of a usage.

    `input_tokens` excludes cached tokens (Anthropic's convention); `cache_write_tokens` are
    5-minute writes and `cache_write_1h_tokens` 1-hour writes; `reasoning_tokens` are part of
    `output_tokens` (they are priced apart only where an offer prices them apart). `start` (and `end`, for
    a row that sums a period) place it in the week for time-of-day prices (rule 6 of `billpath.pricing.rules`).
    Counts are Decimal so a synthetic workload may hold fractional shares exactly.
    """

    input_tokens: Decimal = Decimal(0)
    output_tokens: Decimal = Decimal(0)
    cache_read_tokens: Decimal = Decimal(0)
    cache_write_tokens: Decimal = Decimal(0)
    cache_write_1h_tokens: Decimal = Decimal(0)
    reasoning_tokens: Decimal = Decimal(0)
    requests: Decimal = Decimal(1)
    batch: bool = False
    day: date | None = None
    start: datetime | None = None  # when it happened (a naive time is UTC): what time-of-day prices are judged on
    end: datetime | None = None  # the end of an aggregated period (exclusive), where the row states one

    def __post_init__(self) -> None:
        for name in (*TOKEN_FIELDS, "requests"):
            value = getattr(self, name)
            if not isinstance(value, Decimal):
                if isinstance(value, float | bool):
                    raise UsageError(f"{name} must be an integer or Decimal, not {type(value).__name__}")
                object.__setattr__(self, name, Decimal(value))
            if getattr(self, name) < 0:
                raise UsageError(f"{name} must not be negative (got {value})")
        if self.reasoning_tokens > self.output_tokens:
            raise UsageError(
                f"reasoning_tokens ({self.reasoning_tokens}) exceed output_tokens ({self.output_tokens}); "
                "reasoning is counted inside output"
            )

    @property
    def prompt_tokens(self) -> Decimal:
        """Every input-side token: what long-context tiers are judged on."""
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens + self.cache_write_1h_tokens

    @property
    def all_tokens(self) -> Decimal:
        """Every token (input, output, cache reads and writes): what a flat per-token rate applies to."""
        return self.prompt_tokens + self.output_tokens

    def scaled(self, share: Decimal, *, batch: bool | None = None) -> Usage:
        """This usage times `share` (token counts and requests), e.g. the batch part of a workload."""
        kw = {name: getattr(self, name) * share for name in (*TOKEN_FIELDS, "requests")}
        return replace(self, **kw, batch=self.batch if batch is None else batch)


def minute_index(at: datetime, *, ceil: bool = False) -> int:
    """The minute `at` falls in (`ceil`: the first minute at or after it), counted as MINUTE_SHIFT says; `at` is an
    aware time in any zone, a naive one is UTC."""
    since = (at if at.tzinfo is not None else at.replace(tzinfo=UTC)) - UNIX_EPOCH
    whole = -((-since) // timedelta(minutes=1)) if ceil else since // timedelta(minutes=1)
    return whole + MINUTE_SHIFT
