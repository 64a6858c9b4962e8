"""Strict schema of the hand-edited catalog files (pydantic; unknown fields fail).

Only `catalog build` / `catalog validate` import this module; the runtime reads the built snapshot.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$", max_length=80)]
Price = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)]
Multiplier = Annotated[Decimal, Field(gt=0, le=100, decimal_places=4)]
ChannelKind = Literal["direct", "cloud", "aggregator", "application"]
VariantKind = Literal["standard", "location", "service-tier"]


STRICT = ConfigDict(extra="forbid", frozen=True)  # unknown fields fail; specs are values


class Strict(BaseModel):
    model_config = STRICT


class SourceSpec(Strict):
    """Where a fact comes from and when a person last checked it."""

    url: str = Field(min_length=8)
    checked: date
    note: str | None = None


class Prices(Strict):
    """Per-million-token prices of one tier; `None` means the channel does not sell that component."""

    input_per_mtok: Price
    output_per_mtok: Price
    cache_read_per_mtok: Price | None = None
    cache_write_5m_per_mtok: Price | None = None
    cache_write_1h_per_mtok: Price | None = None
    reasoning_per_mtok: Price | None = None  # None: reasoning is billed as output
    per_request: Price = Decimal(0)


class Tier(Prices):
    """Prices for requests whose prompt (input + cache read + cache write) exceeds `above_input_tokens`.

    The whole request moves to the tier, not just the tokens above the threshold.
    """

    above_input_tokens: int = Field(gt=0)


Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Clock = Annotated[str, Field(pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")]  # HH:MM, UTC; 24:00 ends a day
OffPeakMultiplier = Annotated[Decimal, Field(gt=0, le=1, decimal_places=4)]


class PeakWindow(Strict):
    """Hours of some days of the week, in UTC, priced at the offer's own (peak) prices: `start` <= t < `end`."""

    days: list[Day] = Field(min_length=1)
    start: Clock
    end: Clock

    @model_validator(mode="after")
    def _ordered(self) -> PeakWindow:
        if len(set(self.days)) != len(self.days):
            raise ValueError(f"days named twice: {self.days}")
        if self.end <= self.start:
            raise ValueError(f"`end` ({self.end}) must be after `start` ({self.start}); split a window across midnight")
        return self


class TimeOfDay(Strict):
    """Time-of-day prices: the offer's prices hold inside the `peak` windows; every other minute of the week
    costs `off_peak_multiplier` times every token price (rule 6 of `billpath.pricing.rules`)."""

    peak: list[PeakWindow] = Field(min_length=1)
    off_peak_multiplier: OffPeakMultiplier
    note: str | None = None  # what the windows leave out (DeepSeek: Chinese public holidays are off-peak)


class ChannelTimeOfDay(TimeOfDay):
    """The schedule a channel states once for every offer it prices by the time of day: it replaces the
    windows and multiplier of every imported offer of the channel that has a schedule (a source may state
    the windows less precisely: genai-prices has no days of the week). `models` are models the channel also
    prices so whose source states no schedule but lists the peak prices (DeepSeek's legacy ids, billed as
    Flash): their current (open-ended) imported offers on the channel take the schedule too."""

    models: list[Id] = []
    source: SourceSpec


class Features(Strict):
    prompt_caching: bool = True
    cache_1h: bool = False
    extended_thinking: bool = False
    long_context: bool = False
    max_context_tokens: int | None = Field(default=None, gt=0)
    web_search: bool = False
    priority: bool = False
    flex: bool = False


class Variant(Strict):
    """A variant of an offer priced as a multiple of the base (regional endpoint, US-only, fast mode)."""

    id: Id
    kind: VariantKind = "location"
    multiplier: Multiplier
    ids: list[str] = []
    note: str
    batch: bool | None = None  # None: same as the base offer
    source: SourceSpec | None = None


class OfferSpec(Strict):
    """A model sold on a channel, valid from `effective_from` until the next dated offer (or `effective_to`)."""

    model: Id
    variant: Id = "standard"
    ids: list[str] = Field(min_length=1)  # the channel's own ids; the first is the one it documents
    inherit: Id | None = None  # take prices (and tiers) from this channel's offer for the same model
    multiplier: Multiplier = Decimal(1)
    prices: Prices | None = None
    tiers: list[Tier] = []
    batch_multiplier: Multiplier | None = None  # None: no batch on this channel
    batch_discounts_cache: bool = True  # Anthropic: yes; Gemini keeps cache reads at the standard rate
    variant_kind: VariantKind = "standard"
    features: Features = Features()
    time_of_day: TimeOfDay | None = None  # None: the same prices at every hour
    available_from: date | None = None  # when the model reached this channel, where a source says so
    effective_from: date
    effective_to: date | None = None
    variants: list[Variant] = []
    note: str | None = None
    source: SourceSpec

    @model_validator(mode="after")
    def _prices_or_inherit(self) -> OfferSpec:
        if (self.prices is None) == (self.inherit is None):
            raise ValueError("give exactly one of `prices` or `inherit` (a channel id to take prices from)")
        if self.inherit and self.tiers:
            raise ValueError("an inheriting offer takes its tiers from the parent; remove `tiers`")
        bounds = [t.above_input_tokens for t in self.tiers]
        if bounds != sorted(set(bounds)):
            raise ValueError(f"tiers must be in increasing `above_input_tokens` order, got {bounds}")
        if self.effective_to and self.effective_to <= self.effective_from:
            raise ValueError("`effective_to` must be after `effective_from`")
        return self


class CreditFee(Strict):
    pct: Decimal = Field(ge=0, le=100)
    min_usd: Decimal = Field(default=Decimal(0), ge=0)


class Fees(Strict):
    """ChannelSpec fees outside token prices (OpenRouter: on credit purchases, and on BYOK usage)."""

    credit: dict[str, CreditFee] = {}
    default_payment: str | None = None
    byok_pct: Decimal | None = Field(default=None, ge=0, le=100)
    byok_free_requests_per_month: int = 0
    source: SourceSpec | None = None

    @model_validator(mode="after")
    def _default_known(self) -> Fees:
        if self.credit and self.default_payment not in self.credit:
            raise ValueError(f"`default_payment` must be one of {sorted(self.credit)}")
        return self


class UnpricedVariant(Strict):
    """A deployment a channel sells whose price nobody publishes (Claude's US Data Zone on Microsoft Foundry):
    named so that answers needing it (`--require region:us`, re-pricing US-only rows) say the price is not
    published instead of assuming another variant's."""

    id: Id
    region: str  # the data-residency region it keeps inference in: us, eu
    models: list[str] = Field(min_length=1)  # globs on canonical model ids
    note: str
    source: SourceSpec


class ChannelSpec(Strict):
    id: Id
    kind: ChannelKind
    name: str
    # a `direct` channel is direct only for its maker's models (default: the maker named like the channel);
    # for every other maker's model it is a reseller (Perplexity's Claude, Mistral's GLM)
    maker: Id | None = None
    billing: list[str] = []  # whose invoice it lands on: aws, azure, gcp, or the vendor itself
    regions: list[str] = []  # data-residency choices: us, eu, ...
    multi_maker: bool = False
    fees: Fees = Fees()
    notes: list[str] = []
    source: SourceSpec
    # variants every offer of the channel has (Together's US-only endpoint: 1.25x), priced from the standard one
    variants: list[Variant] = []
    # the batch price of offers that state none, where the channel publishes one rule for most models
    batch_multiplier: Multiplier | None = None
    batch_note: str | None = None
    # deployments sold without a published price: no offer, and never priced as another variant
    unpriced_variants: list[UnpricedVariant] = []
    # the time-of-day schedule the channel states for all the offers it prices by the time of day
    time_of_day: ChannelTimeOfDay | None = None


class ChannelFile(Strict):
    """One file per channel: `catalog/data/channels/<id>.toml`."""

    channel: ChannelSpec
    offers: list[OfferSpec] = []

    @field_validator("offers")
    @classmethod
    def _unique_offers(cls, offers: list[OfferSpec]) -> list[OfferSpec]:
        seen: set[tuple[str, str, date]] = set()
        for o in offers:
            key = (o.model, o.variant, o.effective_from)
            if key in seen:
                raise ValueError(f"duplicate offer {key}: give each dated price block its own effective_from")
            seen.add(key)
        return offers


class ModelSpec(Strict):
    id: Id
    name: str
    maker: Id
    family: str
    released: date | None = None  # on the maker's own API (or first public weights); None: unknown
    aliases: list[str] = []
    context_tokens: int | None = None
    open_weights: bool = False
    source: SourceSpec


class ModelsFile(Strict):
    models: list[ModelSpec]

    @field_validator("models")
    @classmethod
    def _sorted_unique(cls, models: list[ModelSpec]) -> list[ModelSpec]:
        ids = [m.id for m in models]
        for a, b in pairwise(ids):
            if a >= b:
                raise ValueError(f"models must be sorted by id and unique: move {a!r} after {b!r}")
        return models
