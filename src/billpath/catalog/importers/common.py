"""The record every importer yields, and the helpers they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billpath.catalog.store import PRICE_FIELDS
from billpath.money import decimal_places, exact, exponent

TIER_FIELDS = PRICE_FIELDS
SINCE_UNKNOWN = date(1, 1, 1)  # an imported first price block whose start the source does not say


@dataclass
class Imported:
    """One offer as a source states it, before its id is mapped to a canonical model."""

    source: str  # "genai-prices" | "litellm" | "openrouter" | a user override name
    provider: str  # the source's own provider name
    raw_id: str  # the source's model id (the part that names the model)
    ids: list[str]  # ids a user may log for this offer
    channel: str
    location: str  # variant hint: "standard", "global", "regional", "us-gov", "data-zone", ...
    tier: str | None  # service tier: None, "priority", "flex", "fast"
    tiers: list[dict]  # snapshot tiers: above_input_tokens + TIER_FIELDS as exact decimal strings
    effective_from: date = SINCE_UNKNOWN
    effective_to: date | None = None
    batch_multiplier: Decimal | None = None
    batch_discounts_cache: bool = True
    features: dict = field(default_factory=dict)
    url: str = ""
    checked: str = ""
    version: str = ""
    name: str | None = None
    context: int | None = None
    notes: list[str] = field(default_factory=list)
    time_of_day: dict | None = None  # a snapshot-shaped schedule: the tiers are then the peak prices (rule 6)
    model: str = ""  # canonical model id, set by `canon`
    org: str | None = None  # maker hint from the id path (meta-llama/..., anthropic.)
    matched: str = ""  # how `canon` found the model: "primary" (its own id), "secondary" / "ids" (another name), "new"

    def key(self) -> tuple[str, str, str, str]:
        return (self.model, self.channel, self.variant, self.effective_from.isoformat())

    @property
    def variant(self) -> str:
        return self.tier or self.location


def dec(value: object) -> Decimal | None:
    """A source number as an exact Decimal, None when absent (see `number`)."""
    return None if value is None else number(value)


def number(value: object) -> Decimal:
    """A source number that must be there, as an exact Decimal (floats through their shortest repr, never
    binary noise)."""
    if value is None:
        raise ValueError("a price is missing")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


PLACES = Decimal("0.000001")


def clean_price(value: Decimal) -> Decimal:
    """Float noise off (12 significant digits: litellm's 8.900000000000001e-07 is 0.89 per Mtok), the published
    decimal restored (`published`), then at most 6 decimal places per million tokens, what the SQL evaluators
    hold exactly."""
    value = published(denoise(value))
    return value.quantize(PLACES) if decimal_places(value) > 6 else value


NOISE = Decimal("0.0001")  # a price within 0.01% of a 1-4 significant-digit decimal is that decimal


def published(value: Decimal) -> Decimal:
    """The decimal a vendor publishes, when an imported price is it plus noise: a price of five or more
    significant digits within 0.01% and within 3 units of its last digit of one with at most four is that one
    (Databricks' 2.99999 / 15.00002 per Mtok in litellm are 3 / 15; 1.31999 is 1.32). Prices of four digits or
    fewer (0.2955, 1.416) and exact fractions (5.0625 = 4.05 x 1.25) are kept."""
    norm = value.normalize()
    if norm == 0 or len(norm.as_tuple().digits) < 5:
        return value
    last = Decimal(1).scaleb(exponent(norm))  # one unit of the last digit
    for digits in range(1, 5):
        candidate = round(norm, digits - 1 - norm.adjusted())
        diff = abs(norm - candidate)
        if candidate != 0 and diff <= NOISE * abs(candidate) and diff <= 3 * last:
            return candidate.quantize(Decimal(1)) if exponent(candidate) > 0 else candidate.normalize()
    return value


def denoise(value: Decimal) -> Decimal:
    """Round a number read from a float to 12 significant digits (float noise sits in the 16th)."""
    return Decimal(0) if value == 0 else round(value, 11 - value.adjusted())


def tier_dict(above: int, prices: dict[str, Decimal | None]) -> dict:
    """A snapshot tier: every field present, decimals as exact strings, per_request defaulting to 0."""
    out: dict = {"above_input_tokens": above}
    for name in TIER_FIELDS:
        value = prices.get(name)
        if name == "per_request" and value is None:
            value = Decimal(0)
        out[name] = None if value is None else exact(clean_price(value))
    return out


def ratio(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    """a / b when it is a clean multiplier (at most 4 decimal places, as the schema allows), else None."""
    if a is None or b is None or b == 0:
        return None
    a, b = denoise(a), denoise(b)
    if b == 0:
        return None
    r = denoise(a / b)
    return r.normalize() if r == r.quantize(Decimal("0.0001")) and r > 0 else None
