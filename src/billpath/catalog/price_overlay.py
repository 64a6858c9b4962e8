"""User price overlays (`--prices FILE`): negotiated discounts and explicit prices on top of the catalog.

File format (TOML), validated strictly; see examples/prices.toml:

    [[discounts]]                  # percent off a channel's list prices
    channel = "aws-bedrock"
    percent_off = "7"
    models = ["claude-sonnet-4-6"]  # optional: default every model on the channel
    min_monthly_usd = "5000"        # optional: only from this monthly list spend on the channel
    note = "EDP"

    [[prices]]                     # explicit per-Mtok prices for one model on one channel
    model = "claude-sonnet-4-6"
    channel = "openrouter"
    variant = "standard"           # optional: default the channel's standard (or first) offer
    input_per_mtok = "2.85"
    output_per_mtok = "14.25"

Explicit prices are final: a channel discount does not apply to the fields they set. They apply to every
prompt size: on an offer with long-context tiers, the fields given replace the catalog's price in each
tier, and the offer's note says which tiers that flattened.

Every offer an overlay rewrites is checked when the overlay is loaded, not when it is first priced:
prices of a plausible magnitude (`validate.MAX_PER_MTOK`), and, through `check` (the pricing engines' own
test, `pricing.table.unit_problems`), representable exactly in the table evaluator's integer money unit,
so an overlay that loads can never leave rows unpriced later.

A discount without `min_monthly_usd`, and every explicit price, rewrites the catalog's offers, so every
command (compare, recommend, price-log, scenarios, ...) sees them. A discount with `min_monthly_usd`
depends on the month's spend, so it is applied where a monthly bill is computed (compare, recommend,
scenarios) and listed in `OverlaidCatalog.volume_discounts`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from billpath.catalog.plans import Discount
from billpath.catalog.store import PRICE_FIELDS as STORE_PRICE_FIELDS
from billpath.catalog.store import Catalog, Offer, Source, TierPrices
from billpath.catalog.toml_input import load_toml
from billpath.errors import BillpathError, CatalogError

if TYPE_CHECKING:  # pydantic is imported only when an overlay is read
    from billpath.catalog.plans_schema import OverlayFile

# An overlay may set every price but the reasoning price (reasoning stays billed as the offer says).
OVERLAY_PRICE_FIELDS = tuple(f for f in STORE_PRICE_FIELDS if f != "reasoning_per_mtok")


class OverlaidCatalog(Catalog):
    """A catalog seen through a user's overlay, applied lazily per model (pricing one model never touches the
    rest); spend-dependent discounts are kept aside in `volume_discounts`."""

    def __init__(self, base: Catalog, rewrite: Callable[[Offer], Offer], discounts: list[Discount], path: str) -> None:
        super().__init__(models=base.models, channels=base.channels, aliases=base.aliases, moving=base.moving)
        self._base = base
        self._rewrite = rewrite  # Offer -> Offer
        self.volume_discounts = discounts

    def stored_offers(self, model: str) -> list[Offer]:
        """The base catalog's offers rewritten; a moving alias's offers are then materialised from these."""
        if model not in self._by_model:
            self._by_model[model] = [self._rewrite(o) for o in self._base.stored_offers(model)]
        return self._by_model[model]

    @property
    def offers(self) -> list[Offer]:
        if self._all is None:
            return self._set_all([self._rewrite(o) for o in self._base.offers])
        return self._all

    def tier_thresholds(self) -> list[int]:
        return self._base.tier_thresholds()  # an overlay sets prices within tiers, never a tier's threshold


def _scale_tier(t: TierPrices, factor: Decimal) -> TierPrices:
    def scaled(value: Decimal | None) -> Decimal | None:
        return None if value is None else value * factor

    return replace(
        t,
        input_per_mtok=t.input_per_mtok * factor,
        output_per_mtok=t.output_per_mtok * factor,
        cache_read_per_mtok=scaled(t.cache_read_per_mtok),
        cache_write_5m_per_mtok=scaled(t.cache_write_5m_per_mtok),
        cache_write_1h_per_mtok=scaled(t.cache_write_1h_per_mtok),
        reasoning_per_mtok=scaled(t.reasoning_per_mtok),
        per_request=t.per_request * factor,
    )


def load_overlay(path: Path | str) -> OverlayFile:
    """Parse and strictly validate an overlay file; errors say what to fix."""
    from pydantic import ValidationError

    from billpath.catalog.plans_schema import OverlayFile, validation_error

    path = Path(path)
    data = load_toml(path, "price overlay")  # bounded: size, UTF-8, nesting, dotted keys, FIFOs
    try:
        return OverlayFile.model_validate(data)
    except ValidationError as exc:
        raise validation_error(path, exc) from None


def apply_overlay(
    catalog: Catalog, path: Path | str | None, check: Callable[[Offer], list[str]] | None = None
) -> Catalog:
    """The catalog with the overlay at `path` applied (the catalog itself when `path` is None).

    Every entry is checked against the catalog now (unknown channel, model or variant is an error that
    says what to fix), and so is every offer it rewrites (magnitudes, and `check`: the pricing engines'
    test that the rewritten prices are representable); offers are rewritten again, lazily, when a command
    first asks for a model's offers.
    """
    from billpath.catalog.validate import MAX_PER_MTOK, MAX_PER_REQUEST

    if path is None:
        return catalog
    overlay = load_overlay(path)
    name = Path(path).name
    aside: list[Discount] = list(catalog.volume_discounts) if isinstance(catalog, OverlaidCatalog) else []
    scale: list[tuple[str, set[str], Decimal, str]] = []  # channel, models (empty: all), factor, note
    for i, d in enumerate(overlay.discounts):
        where = f"{path}: discounts[{i}]"
        _known_channel(catalog, d.channel, where)
        models = {_model(catalog, m, where) for m in d.models}
        for m in sorted(models):
            if not any(o.channel == d.channel for o in catalog.offers_for(m)):
                raise CatalogError(f"{where}: {d.channel} does not sell {m}; fix `models`")
        label = f"your discount: {d.percent_off}% off list ({name}{': ' + d.note if d.note else ''})"
        if d.min_monthly_usd is not None:
            aside.append(
                Discount(
                    channel=d.channel,
                    kind="volume",
                    percent_off=d.percent_off,
                    min_monthly_usd=d.min_monthly_usd,
                    models=tuple(sorted(models)),
                    note=label + f", from ${d.min_monthly_usd:,} of monthly spend",
                    source=Source(url=f"file:{path}", checked="user"),
                )
            )
        else:
            scale.append((d.channel, models, 1 - d.percent_off / 100, label))
    explicit: dict[tuple[str, str, str], tuple[dict, str]] = {}
    explicit_where: dict[tuple[str, str, str], str] = {}
    for i, p in enumerate(overlay.prices):
        where = f"{path}: prices[{i}]"
        _known_channel(catalog, p.channel, where)
        model = _model(catalog, p.model, where)
        mine = [o for o in catalog.offers_for(model) if o.channel == p.channel]
        if not mine:
            raise CatalogError(
                f"{where}: {p.channel} has no offer for {model} in the catalog; fix `channel` or `model`"
            )
        variants = sorted({o.variant for o in mine})
        if p.variant and p.variant not in variants:
            raise CatalogError(
                f"{where}: variant {p.variant!r} unknown for {model} on {p.channel}; use one of {variants}"
            )
        variant = p.variant or next((o.variant for o in mine if o.variant_kind == "standard"), mine[0].variant)
        given = {f: getattr(p, f) for f in OVERLAY_PRICE_FIELDS if getattr(p, f) is not None}
        if not given:
            raise CatalogError(f'{where}: give at least one price, e.g. input_per_mtok = "2.5"')
        for f, v in given.items():
            cap = MAX_PER_REQUEST if f == "per_request" else MAX_PER_MTOK
            if v > cap:
                unit = "per request" if f == "per_request" else "per million tokens"
                raise CatalogError(f"{where}: {f} {v} is over ${cap:,} {unit}, not a plausible price: check the unit")
        explicit_where[(model, p.channel, variant)] = where.split(": ")[-1]
        explicit[(model, p.channel, variant)] = (
            given,
            f"your negotiated price ({name}{': ' + p.note if p.note else ''})",
        )

    def rewrite(o: Offer) -> Offer:
        for channel, models, factor, label in scale:
            if o.channel == channel and (not models or o.model in models):
                o = replace(o, tiers=tuple(_scale_tier(t, factor) for t in o.tiers), notes=(*o.notes, label))
        hit = explicit.get((o.model, o.channel, o.variant))
        if hit:
            given, label = hit
            if len(o.tiers) > 1:  # the negotiated price holds at every prompt size
                above = ", ".join(f"{t.above_input_tokens:,}" for t in o.tiers[1:])
                label += f", at every prompt size (replaces the catalog's long-context prices above {above} tokens)"
            o = replace(o, tiers=tuple(replace(t, **given) for t in o.tiers), notes=(*o.notes, label))
        return o

    _check_rewritten(catalog, path, rewrite, scale, explicit_where, check)
    return OverlaidCatalog(catalog, rewrite, aside, str(path))


def _check_rewritten(catalog: Catalog, path, rewrite, scale, explicit: dict, check) -> None:
    """Rewrite every offer the overlay touches now and refuse the overlay if one cannot be priced exactly."""
    if check is None:
        return
    touched: list[tuple[str, Offer]] = []
    for i, (channel, models, _, _) in enumerate(scale):
        names = sorted(models) if models else sorted(catalog.models)
        for m in names:
            touched += [(f"discounts[{i}]", o) for o in catalog.offers_for(m) if o.channel == channel]
    for (model, channel, variant), where in explicit.items():
        touched += [(where, o) for o in catalog.offers_for(model) if (o.channel, o.variant) == (channel, variant)]
    seen: set[int] = set()
    for where, o in touched:
        if id(o) in seen:
            continue
        seen.add(id(o))
        problems = check(rewrite(o))
        if problems:
            raise CatalogError(
                f"{path}: {where}: with it, {problems[0]}; use fewer decimal places (or a smaller price) so every "
                "rewritten price stays exact"
            )


def _known_channel(catalog: Catalog, channel: str, where: str) -> str:
    if channel not in catalog.channels:
        import difflib

        near = difflib.get_close_matches(channel, list(catalog.channels), n=3, cutoff=0.4)
        raise CatalogError(f"{where}: unknown channel {channel!r}; use one of: {', '.join(near or catalog.channels)}")
    return channel


def _model(catalog: Catalog, name: str, where: str) -> str:
    try:
        model = catalog.resolve(name).model
    except BillpathError as exc:
        raise CatalogError(f"{where}: {exc}") from None
    alias = catalog.moving.get(model)
    if alias is not None and not any(w.target == model for w in alias.windows):
        targets = ", ".join(dict.fromkeys(w.target for w in alias.windows))
        raise CatalogError(
            f"{where}: {name!r} is a moving alias (it named {targets} over time): give the model your price is for"
        )
    return model


def volume_discounts(catalog: Catalog) -> list[Discount]:
    """Spend-dependent discounts in force: the overlay's, plus published ones with a percentage."""
    from billpath.catalog.plans import published_discounts

    published = [d for d in published_discounts() if d.percent_off is not None]
    return [*published, *(catalog.volume_discounts if isinstance(catalog, OverlaidCatalog) else [])]
