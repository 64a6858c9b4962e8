"""The runtime catalog: the built snapshot read with `json` into plain dataclasses (no pydantic on start-up)."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Literal, get_args

from billpath.catalog.local_updates import load_overrides, override_dir
from billpath.catalog.moving import FAMILY as MOVING
from billpath.catalog.moving import MovingAlias, from_json
from billpath.catalog.names import loose_name, normalize_name
from billpath.errors import CatalogError, UnknownChannel, UnknownModel

SNAPSHOT = Path(__file__).parent / "snapshot.json"


@dataclass(frozen=True, slots=True)
class TierPrices:
    above_input_tokens: int
    input_per_mtok: Decimal
    output_per_mtok: Decimal
    cache_read_per_mtok: Decimal | None
    cache_write_5m_per_mtok: Decimal | None
    cache_write_1h_per_mtok: Decimal | None
    reasoning_per_mtok: Decimal | None
    per_request: Decimal


# Every price field of a tier, in order (USD per million tokens, and per request).
PRICE_FIELDS = tuple(f for f in TierPrices.__dataclass_fields__ if f != "above_input_tokens")


@dataclass(frozen=True, slots=True)
class Source:
    url: str
    checked: str
    note: str | None = None


# What an offer can do besides being priced: the yes/no fields of `OfferFeatures`.
Capability = Literal[
    "prompt_caching", "cache_1h", "extended_thinking", "long_context", "web_search", "priority", "flex"
]
CAPABILITIES: tuple[Capability, ...] = get_args(Capability)


@dataclass(frozen=True, slots=True)
class OfferFeatures:
    """What an offer supports. Imported offers list only what they have, so an absent field means no."""

    prompt_caching: bool = False
    cache_1h: bool = False
    extended_thinking: bool = False
    long_context: bool = False
    max_context_tokens: int | None = None
    web_search: bool = False
    priority: bool = False
    flex: bool = False

    def has(self, capability: Capability) -> bool:
        return bool(getattr(self, capability))


@dataclass(frozen=True, slots=True)
class CreditTerms:
    """The fee on buying a channel's credits with one payment method."""

    pct: Decimal
    min_usd: Decimal


@dataclass(frozen=True)
class ChannelFees:
    """Fees outside token prices: on credit purchases (per payment method) and on bring-your-own-key usage."""

    credit: Mapping[str, CreditTerms]
    default_payment: str | None = None
    byok_pct: Decimal | None = None
    byok_free_requests_per_month: int = 0
    source: Source | None = None

    def as_json(self) -> dict[str, object]:
        """The snapshot's form (decimals as text), as listings print it."""
        return {
            "credit": {m: {"pct": str(t.pct), "min_usd": str(t.min_usd)} for m, t in self.credit.items()},
            "default_payment": self.default_payment,
            "byok_pct": None if self.byok_pct is None else str(self.byok_pct),
            "byok_free_requests_per_month": self.byok_free_requests_per_month,
            "source": None
            if self.source is None
            else {"url": self.source.url, "checked": self.source.checked, "note": self.source.note},
        }


# Days of the week as the catalog writes them, Monday first (ISO order).
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Windows = tuple[tuple[tuple[str, ...], str, str], ...]  # (days, start, end) of each peak window, sorted


@dataclass(frozen=True, slots=True)
class PeakWindow:
    """Hours of some days of the week (UTC) priced at the offer's own (peak) prices: `start` <= t < `end`."""

    days: tuple[str, ...]  # of DAYS
    start: str  # "HH:MM", UTC
    end: str  # "HH:MM" after `start`; "24:00" is the end of the day

    def as_json(self) -> dict[str, object]:
        return {"days": list(self.days), "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class TimeOfDay:
    """An offer priced by the time of day: its prices hold inside the peak windows; every other minute costs
    `off_peak_multiplier` times them (token prices; rule 6 of `billpath.pricing.rules`)."""

    peak: tuple[PeakWindow, ...]
    off_peak_multiplier: Decimal
    note: str | None = None

    def as_json(self) -> dict[str, object]:
        """The snapshot's form (decimals as text), as listings print it."""
        out: dict[str, object] = {
            "peak": [w.as_json() for w in self.peak],
            "off_peak_multiplier": str(self.off_peak_multiplier),
        }
        if self.note:
            out["note"] = self.note
        return out

    @property
    def windows(self) -> Windows:
        """The peak windows as one comparable value: offers with equal windows split the week alike."""
        return tuple(sorted((w.days, w.start, w.end) for w in self.peak))


@dataclass(frozen=True, eq=False)  # identity hash: offers are cached per object
class Offer:
    model: str
    channel: str
    variant: str
    variant_kind: str
    ids: tuple[str, ...]
    available_from: date | None
    effective_from: date
    effective_to: date | None
    tiers: tuple[TierPrices, ...]
    batch_multiplier: Decimal | None
    batch_discounts_cache: bool
    features: OfferFeatures
    notes: tuple[str, ...]
    source: Source
    # how the price is known: "curated" (hand-checked against the vendor's page), "corroborated" (imported, a
    # second source states the same base prices) or "single-source" (imported from one source only)
    provenance: str = "curated"
    time_of_day: TimeOfDay | None = None  # None: the same price at every hour

    def valid_at(self, at: date) -> bool:
        return self.effective_from <= at and (self.effective_to is None or at < self.effective_to)

    def live_at(self, at: date) -> bool:
        """Priced at `at` and already on the channel (unknown arrival dates count as live)."""
        return self.valid_at(at) and (self.available_from is None or self.available_from <= at)

    @property
    def channel_model_id(self) -> str:
        return self.ids[0] if self.ids else self.model


@dataclass(frozen=True)
class Channel:
    id: str
    kind: str
    name: str
    billing: tuple[str, ...]
    regions: tuple[str, ...]
    multi_maker: bool
    fees: ChannelFees
    notes: tuple[str, ...]
    source: Source
    maker: str | None = None  # direct channels: whose models it sells first-hand (None: the channel's id)
    unpriced: tuple[UnpricedVariant, ...] = ()  # deployments sold without a published price

    def unpublished(self, model: str, region: str) -> UnpricedVariant | None:
        """The deployment of `model` that keeps data in `region` here but has no published price, if any."""
        return next((u for u in self.unpriced if u.region == region and u.covers(model)), None)


@dataclass(frozen=True)
class UnpricedVariant:
    """A variant a channel sells without a published price (`[[channel.unpriced_variants]]`)."""

    id: str
    region: str
    models: tuple[str, ...]
    note: str
    source: Source

    def covers(self, model: str) -> bool:
        from fnmatch import fnmatch

        return any(fnmatch(model, g) for g in self.models)


@dataclass(frozen=True)
class Model:
    id: str
    name: str
    maker: str
    family: str
    released: date | None  # None: unknown (imported models without a dated id)
    aliases: tuple[str, ...]
    context_tokens: int | None
    open_weights: bool
    source: Source


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a user's model name means: a model, and perhaps the channel and variant its id selects."""

    model: str
    channel: str | None = None
    variant: str | None = None


def _dec(v: str | None) -> Decimal | None:
    return None if v is None else Decimal(v)


_FIELD_NAMES = {kind: frozenset(f.name for f in fields(kind)) for kind in (OfferFeatures, ChannelFees)}


def _strict(kind: type[OfferFeatures] | type[ChannelFees], data: dict) -> dict:
    """`data` unchanged, or a CatalogError naming the keys `kind` does not have (a snapshot newer than the code)."""
    unknown = data.keys() - _FIELD_NAMES[kind]
    if unknown:
        raise CatalogError(f"catalog snapshot: unknown {kind.__name__} field(s) {', '.join(sorted(unknown))}")
    return data


_FEATURES: dict[tuple, OfferFeatures] = {}  # offers share a few feature sets: one value each


def _features(f: dict) -> OfferFeatures:
    key = tuple(f.items())
    hit = _FEATURES.get(key)
    if hit is None:
        hit = _FEATURES[key] = OfferFeatures(**_strict(OfferFeatures, f))
    return hit


def _fees(f: dict) -> ChannelFees:
    _strict(ChannelFees, f)
    source = f.get("source")
    return ChannelFees(
        credit={m: CreditTerms(Decimal(t["pct"]), Decimal(t["min_usd"])) for m, t in f.get("credit", {}).items()},
        default_payment=f.get("default_payment"),
        byok_pct=_dec(f.get("byok_pct")),
        byok_free_requests_per_month=f.get("byok_free_requests_per_month", 0),
        source=Source(**source) if source else None,
    )


def _tier(t: dict) -> TierPrices:
    return TierPrices(
        above_input_tokens=t["above_input_tokens"],
        input_per_mtok=Decimal(t["input_per_mtok"]),
        output_per_mtok=Decimal(t["output_per_mtok"]),
        cache_read_per_mtok=_dec(t.get("cache_read_per_mtok")),  # the offers file leaves out absent prices
        cache_write_5m_per_mtok=_dec(t.get("cache_write_5m_per_mtok")),
        cache_write_1h_per_mtok=_dec(t.get("cache_write_1h_per_mtok")),
        reasoning_per_mtok=_dec(t.get("reasoning_per_mtok")),
        per_request=Decimal(t.get("per_request", "0")),
    )


_SCHEDULES: dict[str, TimeOfDay] = {}  # offers share a few schedules: one value each


def time_of_day(t: dict | None) -> TimeOfDay | None:
    """A snapshot-shaped schedule (`{"peak": [...], "off_peak_multiplier": "0.5"}`) as the runtime reads it."""
    if t is None:
        return None
    key = json.dumps(t, sort_keys=True)
    hit = _SCHEDULES.get(key)
    if hit is None:
        hit = _SCHEDULES[key] = TimeOfDay(
            peak=tuple(PeakWindow(tuple(w["days"]), w["start"], w["end"]) for w in t["peak"]),
            off_peak_multiplier=Decimal(t["off_peak_multiplier"]),
            note=t.get("note"),
        )
    return hit


def _offer(o: dict) -> Offer:
    return Offer(
        model=o["model"],
        channel=o["channel"],
        variant=o["variant"],
        variant_kind=o["variant_kind"],
        ids=tuple(o["ids"]),
        available_from=date.fromisoformat(o["available_from"]) if o["available_from"] else None,
        effective_from=date.fromisoformat(o["effective_from"]),
        effective_to=date.fromisoformat(o["effective_to"]) if o["effective_to"] else None,
        tiers=tuple(_tier(t) for t in o["tiers"]),
        batch_multiplier=_dec(o["batch_multiplier"]),
        batch_discounts_cache=o["batch_discounts_cache"],
        features=_features(o["features"]),
        notes=tuple(o["notes"]),
        source=Source(**o["source"]),
        provenance=o.get("provenance", "curated"),
        time_of_day=time_of_day(o.get("time_of_day")),
    )


def offer_from_dict(o: dict) -> Offer:
    """A snapshot-shaped offer dict as the runtime reads it (KeyError, TypeError or ValueError when malformed)."""
    return _offer(o)


class Catalog:
    """Models, channels and name index in memory; each model's offers parsed on first use.

    Built from a full dict (`from_dict`, tests) or from the split snapshot (`load_catalog`): an index read at
    start-up and one line of offers per model, so pricing one model never parses thousands of offers.
    """

    def __init__(
        self,
        models: dict[str, Model],
        channels: dict[str, Channel],
        offers: list[Offer] | None = None,
        aliases: dict[str, list] | None = None,
        offer_lines: _OfferLines | None = None,
        moving: dict[str, MovingAlias] | None = None,
        keys_file: _KeysFile | None = None,
    ) -> None:
        self.models = models
        self.channels = channels
        self.aliases = aliases or {}
        self.moving = moving or {}  # moving aliases by id (`catalog/moving.py`): offers materialised per window
        self._lines = offer_lines
        self._keys_file = keys_file
        self._all: list[Offer] | None = None
        self._by_model: dict[str, list[Offer]] = {}
        self._moving_offers: dict[str, list[Offer]] = {}
        self._families: dict[str, list[Model]] | None = None
        self._schedules: list[Windows] | None = None  # time_schedules, read once
        if offers is not None:
            self._set_all(offers)

    def _set_all(self, offers: list[Offer]) -> list[Offer]:
        self._all = [self._from_release(o) for o in offers]
        self._by_model = {}
        for o in self._all:
            self._by_model.setdefault(o.model, []).append(o)
        return self._all

    def _from_release(self, offer: Offer) -> Offer:
        """No price before the model exists: an offer is in effect from the maker's release date at the earliest.

        Imported offers often carry no start date (they default to long before the model), so without this a
        2020 date would price a 2026 model.
        """
        m = self.models.get(offer.model)
        released = m.released if m else None
        if released is None or offer.effective_from >= released:
            return offer
        if offer.effective_to is not None and offer.effective_to <= released:
            return offer  # a price period that ended before the release date: the catalog says so, keep it
        return replace(offer, effective_from=released)

    @property
    def offers(self) -> list[Offer]:
        """Every stored offer (parses the whole snapshot: listings only, never on the pricing path); a moving
        alias's materialised offers are reached through `offers_for` only."""
        if self._all is None:
            assert self._lines is not None
            return self._set_all([o for model in self._lines.models() for o in self.stored_offers(model)])
        return self._all

    def tier_thresholds(self) -> list[int]:
        """Every long-context threshold of the catalog's offers, highest first (a log's prompt classes).

        From the snapshot's text when no offer is parsed yet, so pricing a small log parses only its models.
        """
        if self._all is None and self._lines is not None:
            return self._lines.thresholds()
        return thresholds(self.offers)

    def time_schedules(self) -> list[Windows]:
        """Every distinct set of peak windows of the catalog's offers, in a fixed order (a log's time classes).

        From the snapshot's text when no offer is parsed yet: only the lines that mention a schedule are parsed.
        """
        if self._schedules is None:
            self._schedules = (
                self._lines.schedules() if self._all is None and self._lines is not None else schedules(self.offers)
            )
        return self._schedules

    @classmethod
    def from_dict(cls, data: dict) -> Catalog:
        models, channels = _models(data["models"]), _channels(data["channels"])
        return cls(
            models=models,
            channels=channels,
            offers=[_offer(o) for o in data["offers"]],
            aliases=data["aliases"],
            moving=_moving(data.get("moving_aliases", [])),
        )

    @cached_property
    def _dotted(self) -> dict[str, list[str]]:
        """The dot-insensitive form (`loose_name`) of every name that has a dot -> those names. The keys of
        `aliases` are normalised already (`normalize_name`), so a name without a dot is its own loose form."""
        dotted: dict[str, list[str]] = {}
        for key in self.aliases:
            if "." in key:
                dotted.setdefault(key.replace(".", "-"), []).append(key)
        return dotted

    def _loose(self, name: str) -> set[tuple]:
        """The targets of every known name whose loose form is `name`'s."""
        key = loose_name(name)
        names = self._dotted.get(key, [])
        if key in self.aliases:
            names = [key, *names]
        return {tuple(self.aliases[n]) for n in names}

    def resolve(self, name: str) -> Resolved:
        """A user's model name -> model (and channel/variant when it is a channel's own id).

        Exact (case- and spacing-insensitive) names first, then dot-insensitive ones when they are
        unambiguous. Never a substring or a guess: an unknown name is an error naming the closest.
        """
        hit = self.lookup(name)
        if hit is None:
            closest = self.closest(name)
            near = ", ".join(closest) or "none"
            raise UnknownModel(
                f"unknown model {name!r}; closest known: {near} (search with `billpath models --search TEXT`)",
                suggestions=closest,
            )
        return hit

    def lookup(self, name: str) -> Resolved | None:
        """`resolve` without the error: None for a name that names no single model."""
        key = normalize_name(name)
        hit = self.aliases.get(key)
        if hit is None:
            targets = self._loose(name)
            if len({t[0] for t in targets}) == 1:
                hit = list(sorted(targets, key=lambda t: (t[1] is not None, t))[0])
        if hit is not None:
            return Resolved(*hit)
        from billpath.catalog import ids  # the channel id grammars: only for names outside the index

        found = ids.lookup(self, name, self._keys)
        return None if found is None else Resolved(*found)

    @cached_property
    def _keys(self) -> dict[str, set[str]]:
        """The id grammar's match key -> models of every known name: stored by `catalog build` for the
        snapshot (plus the local updates' names), parsed here for a catalog built in memory."""
        if self._keys_file is not None:
            return self._keys_file.read()
        from billpath.catalog import ids

        return ids.key_index(self)

    def closest(self, name: str, n: int = 3) -> list[str]:
        key = normalize_name(name)
        matches = difflib.get_close_matches(key, list(self.aliases), n=12, cutoff=0.5)
        seen: list[str] = []
        for m in matches:
            model = self.aliases[m][0]
            if model not in seen:
                seen.append(model)
        return seen[:n] or self._sharing_words(key, n)

    def _sharing_words(self, key: str, n: int) -> list[str]:
        """Models whose id shares the most words with the name (when no spelling is close)."""
        words = {w for w in re.split(r"[-./:]", key) if len(w) >= 3}
        scored = []
        for model in self.models:
            shared = sum(1 for w in words if w in model)
            if shared:
                scored.append((-shared, len(model), model))
        return [m for _, _, m in sorted(scored)[:n]]

    def family_members(self, family: str) -> list[Model]:
        """Every model of a family (indexed once per catalog)."""
        if self._families is None:
            self._families = {}
            for m in self.models.values():
                self._families.setdefault(m.family, []).append(m)
        return self._families.get(family, [])

    def channel(self, channel_id: str) -> Channel:
        try:
            return self.channels[channel_id]
        except KeyError:
            near = difflib.get_close_matches(channel_id, list(self.channels), n=3, cutoff=0.4)
            hint = f"; closest known: {', '.join(near)}" if near else f"; known: {', '.join(self.channels)}"
            raise UnknownChannel(f"unknown channel {channel_id!r}{hint}") from None

    def offers_for(self, model: str) -> list[Offer]:
        """A model's offers; for a moving alias, its targets' offers clipped to the alias's windows."""
        alias = self.moving.get(model)
        if alias is None:
            return self.stored_offers(model)
        hit = self._moving_offers.get(model)
        if hit is None:
            hit = self._moving_offers[model] = materialise(alias, self.stored_offers)
        return hit

    def stored_offers(self, model: str) -> list[Offer]:
        """The offers the snapshot (and the user's updates) hold for `model`, before any alias window applies."""
        if model not in self._by_model and self._all is None and self._lines is not None:
            self._by_model[model] = [self._from_release(_offer(o)) for o in self._lines.read(model)]
        return self._by_model.get(model, [])

    def offers_at(self, model: str, at: date) -> list[Offer]:
        """Offers of `model` priced at `at` (any channel, any variant)."""
        return [o for o in self.offers_for(model) if o.valid_at(at)]

    def direct_channel(self, model: str) -> str | None:
        """The maker's own channel for a model, when the catalog has one (the channel named like the maker)."""
        maker = self.models[model].maker
        own = self.channels.get(maker)
        return maker if own is not None and own.kind == "direct" and (own.maker or own.id) == maker else None

    def offer_kind(self, offer: Offer) -> str:
        """The channel's kind for this offer: a direct channel is `direct` only for its maker's models; for
        another maker's model it is a reseller (`aggregator`): Perplexity's Claude, Mistral's GLM."""
        channel = self.channels[offer.channel]
        if channel.kind != "direct":
            return channel.kind
        model = self.models.get(offer.model)
        return "direct" if model is None or model.maker == (channel.maker or channel.id) else "aggregator"


MOVING_FAMILY = MOVING  # the family of a moving alias's own model entry (`build._moving_aliases`)


def materialise(alias: MovingAlias, stored) -> list[Offer]:
    """A moving alias's offers: each window's target offers clipped to the window, named after the alias.

    On the alias's channel they carry the alias's ids; on other channels they price the target of the day there
    (a comparison). `stored(model)` gives a model's own offers (an alias that is a model id reads its own).
    """
    out: list[Offer] = []
    for w in alias.windows:
        note = alias.note_for(w)
        last = w is alias.windows[-1] and alias.retired is not None
        for o in stored(w.target):
            start = o.effective_from if w.start is None else max(o.effective_from, w.start)
            ends = [d for d in (o.effective_to, w.end) if d is not None]
            end = min(ends) if ends else None
            if end is not None and end <= start:
                continue
            notes = [note, *o.notes]
            if last and end == w.end:
                notes.insert(1, f"no longer sold since {alias.retired}: {alias.id} was retired")
            out.append(
                replace(
                    o,
                    model=alias.id,
                    ids=alias.names if o.channel == alias.channel else o.ids,
                    effective_from=start,
                    effective_to=end,
                    notes=tuple(notes),
                )
            )
    return out


def _moving(items: list[dict]) -> dict[str, MovingAlias]:
    try:
        return {a.id: a for a in map(from_json, items)}
    except (KeyError, TypeError, ValueError) as exc:
        raise CatalogError(f"catalog snapshot: a malformed moving alias ({exc}): rebuild the catalog") from None


def _models(items: list[dict]) -> dict[str, Model]:
    return {
        m["id"]: Model(
            id=m["id"],
            name=m["name"],
            maker=m["maker"],
            family=m["family"],
            released=date.fromisoformat(m["released"]) if m.get("released") else None,
            aliases=tuple(m.get("aliases", ())),
            context_tokens=m.get("context_tokens"),
            open_weights=m.get("open_weights", False),
            source=Source(**m["source"]),
        )
        for m in items
    }


def _channels(items: list[dict]) -> dict[str, Channel]:
    return {
        c["id"]: Channel(
            id=c["id"],
            kind=c["kind"],
            name=c["name"],
            billing=tuple(c["billing"]),
            regions=tuple(c["regions"]),
            multi_maker=c["multi_maker"],
            fees=_fees(c["fees"]),
            notes=tuple(c["notes"]),
            source=Source(**c["source"]),
            maker=c.get("maker"),
            unpriced=tuple(
                UnpricedVariant(
                    id=u["id"],
                    region=u["region"],
                    models=tuple(u["models"]),
                    note=u["note"],
                    source=Source(url=u["source"]["url"], checked=u["source"]["checked"], note=u["source"].get("note")),
                )
                for u in c.get("unpriced_variants", ())
            ),
        )
        for c in items
    }


THRESHOLD = re.compile(rb'"above_input_tokens":(\d+)')
SCHEDULE = b'"time_of_day":'  # compact JSON: how an offers line names a schedule


class _OfferLines:
    """The per-model offers file: line i holds the offers of `models[i]`, split into lines on first use."""

    def __init__(self, path: Path, models: list[str], extra: dict[str, list[dict]] | None = None) -> None:
        self.path = path
        self.index = {m: i for i, m in enumerate(models)}
        self.extra = extra or {}  # user overrides: model -> offers replacing the bundled ones per channel
        self._lines: list[bytes] | None = None

    def models(self) -> list[str]:
        return sorted({*self.index, *self.extra})

    def _all_lines(self) -> list[bytes]:
        if self._lines is None:
            try:
                lines = self.path.read_bytes().split(b"\n")
            except FileNotFoundError:
                raise CatalogError(
                    f"catalog offers file {self.path} is missing: run `billpath catalog build`"
                ) from None
            if lines[-1] == b"":
                lines.pop()
            if len(lines) != len(self.index):
                raise CatalogError(
                    f"catalog offers file {self.path} has {len(lines)} lines for {len(self.index)} models: "
                    "run `billpath catalog build`"
                )
            self._lines = lines
        return self._lines

    def thresholds(self) -> list[int]:
        """The offers' tier thresholds, read off the file's text (compact JSON) and the overrides."""
        found = {int(m) for line in self._all_lines() for m in THRESHOLD.findall(line)}
        found |= {
            int(t.get("above_input_tokens", 0)) for offers in self.extra.values() for o in offers for t in o["tiers"]
        }
        return sorted((t for t in found if t > 0), reverse=True)

    def schedules(self) -> list[Windows]:
        """The offers' time-of-day windows, from the few lines (and overrides) that have any."""
        found = [
            _offer(o) for line in self._all_lines() if SCHEDULE in line for o in json.loads(line) if "time_of_day" in o
        ]
        found += [_offer(o) for offers in self.extra.values() for o in offers if o.get("time_of_day")]
        return schedules(found)

    def read(self, model: str) -> list[dict]:
        where = self.index.get(model)
        bundled: list[dict] = [] if where is None else json.loads(self._all_lines()[where])
        override = self.extra.get(model)
        return _with_overrides(bundled, override) if override else bundled


class _KeysFile:
    """The snapshot's stored key index (`catalog build`), with the keys of names a local update adds."""

    def __init__(self, path: Path, extra: list[tuple[str, str]]) -> None:
        self.path = path
        self.extra = extra  # (name, model) outside the snapshot: local updates' aliases and models

    def read(self) -> dict[str, set[str]]:
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CatalogError(f"catalog key index {self.path} is missing: run `billpath catalog build`") from None
        index = {k: set(v) for k, v in stored.items()}
        if self.extra:
            from billpath.catalog import ids

            ids.add_keys(index, self.extra)
        return index


def _with_overrides(bundled: list[dict], override: list[dict]) -> list[dict]:
    """An override offer starts on its fetch date: the bundled offer of the same channel and variant ends there."""
    starts: dict[tuple[str, str], str] = {}
    for o in override:
        key = (o["channel"], o["variant"])
        starts[key] = min(starts.get(key, o["effective_from"]), o["effective_from"])
    out = []
    for o in bundled:
        start = starts.get((o["channel"], o["variant"]))
        if start is None or (o["effective_to"] is not None and o["effective_to"] <= start):
            out.append(o)
        elif o["effective_from"] < start:
            out.append({**o, "effective_to": start})
    return out + override


_CACHE: dict[Path, Catalog] = {}


def thresholds(offers: Iterable[Offer]) -> list[int]:
    """Every long-context threshold of `offers`, highest first."""
    return sorted({t.above_input_tokens for o in offers for t in o.tiers if t.above_input_tokens > 0}, reverse=True)


def schedules(offers: Iterable[Offer]) -> list[Windows]:
    """Every distinct set of peak windows of `offers`, sorted."""
    return sorted({o.time_of_day.windows for o in offers if o.time_of_day is not None})


def default_variants(offers: Iterable[Offer]) -> dict[tuple[str, str], str]:
    """(model, channel) -> the variant a log without one is priced on: the channel's standard one. A service
    tier (flex, priority) is never a default: a channel that sells a model only in a tier has none."""
    best: dict[tuple[str, str], tuple] = {}
    for o in offers:
        if o.variant_kind == "service-tier":
            continue
        rank = (o.variant_kind != "standard", o.variant_kind != "location", o.variant)
        key = (o.model, o.channel)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, o.variant)
    return {k: v[1] for k, v in best.items()}


def load_catalog(path: Path | None = None) -> Catalog:
    """The bundled snapshot (or `path`), parsed once per process, with the user's `catalog update` overrides."""
    path = path or SNAPSHOT
    if path not in _CACHE:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CatalogError(f"catalog snapshot {path} is missing: run `billpath catalog build`") from None
        except json.JSONDecodeError as exc:
            raise CatalogError(f"catalog snapshot {path} is not valid JSON: {exc}") from None
        if "offers" in data:  # a single-file snapshot (tests, older builds)
            catalog = Catalog.from_dict(data)
        else:
            known = ({m["id"] for m in data["models"]}, {c["id"] for c in data["channels"]})
            overrides = _overrides(known) if path == SNAPSHOT else {}
            lines = _OfferLines(path.parent / data["offers_file"], data["offers_models"], overrides.get("offers"))
            models = _models(data["models"] + overrides["models"] if overrides else data["models"])
            extra = overrides.get("aliases")
            aliases = {**extra, **data["aliases"]} if extra else data["aliases"]
            keys = None
            if "keys_file" in data:  # names the snapshot does not hold (the bundled ones win, as in `aliases`)
                added = [(a, t[0]) for a, t in (extra or {}).items() if a not in data["aliases"]]
                added += [(m["id"], m["id"]) for m in overrides.get("models", [])] if overrides else []
                keys = _KeysFile(path.parent / data["keys_file"], added)
            catalog = Catalog(
                models=models,
                channels=_channels(data["channels"]),
                aliases=aliases,
                offer_lines=lines,
                moving=_moving(data.get("moving_aliases", [])),
                keys_file=keys,
            )
        _CACHE[path] = catalog
    return _CACHE[path]


def _overrides(known: tuple[set[str], set[str]]) -> dict:
    """User-level price updates written by `billpath catalog update` (never the installed package), each
    file checked in full as it is read (`known`: the bundled model and channel ids): a broken one is an
    error naming it, never a KeyError later."""
    return load_overrides(known=known) if override_dir().is_dir() else {}
