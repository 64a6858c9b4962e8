"""Turn the hand-edited catalog files into the flat snapshot the runtime reads.

Inheritance, multipliers and variants are resolved here, once, so pricing never has to:
every snapshot offer carries concrete per-Mtok prices for each tier.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

from pydantic import ValidationError

from billpath.catalog.names import normalize_name
from billpath.catalog.schema import Channel, ChannelFile, Model, ModelsFile, Offer, Prices, Variant
from billpath.errors import CatalogError
from billpath.money import exact, price_micro

DATA_DIR = Path(__file__).parent / "data"
SNAPSHOT = Path(__file__).parent / "snapshot.json"
PRICE_FIELDS = (
    "input_per_mtok",
    "output_per_mtok",
    "cache_read_per_mtok",
    "cache_write_5m_per_mtok",
    "cache_write_1h_per_mtok",
    "reasoning_per_mtok",
    "per_request",
)


def _load_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from exc


def _explain(path: Path, exc: ValidationError) -> CatalogError:
    lines = [f"{path}: {len(exc.errors())} problem(s):"]
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        hint = " (remove it or fix its spelling)" if err["type"] == "extra_forbidden" else ""
        lines.append(f"  {where}: {err['msg']}{hint}")
    return CatalogError("\n".join(lines))


def load_sources(data_dir: Path = DATA_DIR) -> tuple[list[Model], list[ChannelFile]]:
    """Read and strictly validate models.toml and every channels/*.toml."""
    models_path = data_dir / "models.toml"
    try:
        models = ModelsFile.model_validate(_load_toml(models_path)).models
    except ValidationError as exc:
        raise _explain(models_path, exc) from exc
    files = []
    for path in sorted((data_dir / "channels").glob("*.toml")):
        try:
            cf = ChannelFile.model_validate(_load_toml(path))
        except ValidationError as exc:
            raise _explain(path, exc) from exc
        if cf.channel.id != path.stem:
            raise CatalogError(f"{path}: channel id {cf.channel.id!r} must match the file name {path.stem!r}")
        files.append(cf)
    return models, files


def _scaled(prices: Prices, factor: Decimal) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in PRICE_FIELDS:
        value = getattr(prices, name)
        if value is None:
            out[name] = None
            continue
        scaled = value * factor
        price_micro(scaled)  # refuse prices SQL engines could not hold exactly
        out[name] = exact(scaled)
    return out


def _tiers(prices: Prices, tiers: list, factor: Decimal) -> list[dict]:
    out = [{"above_input_tokens": 0, **_scaled(prices, factor)}]
    out += [{"above_input_tokens": t.above_input_tokens, **_scaled(t, factor)} for t in tiers]
    return out


def _blocks(offer: Offer, channel: str, by_channel: dict[str, ChannelFile]) -> list[tuple[Offer, date, date | None]]:
    """The price blocks an offer is made of: its own, or each parent block overlapping its period.

    An inheriting offer follows the parent's price history: a parent price change is a new block here too.
    """
    if offer.inherit is None:
        return [(offer, offer.effective_from, offer.effective_to)]
    source = by_channel.get(offer.inherit)
    if source is None:
        raise CatalogError(f"{channel}: offer {offer.model} inherits from unknown channel {offer.inherit!r}")
    parents = sorted(
        (o for o in source.offers if o.model == offer.model and o.variant == "standard"),
        key=lambda o: o.effective_from,
    )
    blocks = []
    for i, p in enumerate(parents):
        if p.inherit:
            raise CatalogError(f"{channel}: {offer.model} inherits from an inheriting offer; point at the source")
        p_end = p.effective_to or (parents[i + 1].effective_from if i + 1 < len(parents) else None)
        start = max(p.effective_from, offer.effective_from)
        end = min((d for d in (p_end, offer.effective_to) if d), default=None)
        if end is None or start < end:
            blocks.append((p, start, end))
    if not blocks:
        raise CatalogError(
            f"{channel}: offer {offer.model} inherits from {offer.inherit}, which has no standard offer for it "
            f"in effect from {offer.effective_from}"
        )
    return blocks


def _expand(offer: Offer, channel: Channel, by_channel: dict[str, ChannelFile]) -> Iterable[dict]:
    inherited = None
    if offer.inherit:
        uplift = "" if offer.multiplier == 1 else f" x{offer.multiplier}"
        inherited = f"priced at {offer.inherit}'s list price{uplift}"
    for parent, start, end in _blocks(offer, channel.id, by_channel):
        assert parent.prices is not None
        base = {
            "model": offer.model,
            "channel": channel.id,
            "variant": offer.variant,
            "variant_kind": offer.variant_kind,
            "ids": offer.ids,
            "available_from": offer.available_from.isoformat() if offer.available_from else None,
            "effective_from": start.isoformat(),
            "effective_to": end.isoformat() if end else None,
            "tiers": _tiers(parent.prices, parent.tiers, offer.multiplier),
            "batch_multiplier": exact(offer.batch_multiplier) if offer.batch_multiplier else None,
            "batch_discounts_cache": offer.batch_discounts_cache,
            "features": offer.features.model_dump(),
            "notes": [n for n in (offer.note, inherited) if n],
            "source": {"url": offer.source.url, "checked": offer.source.checked.isoformat()},
        }
        yield base
        for v in offer.variants:
            yield _variant(base, parent, offer.multiplier, v, offer)


def _variant(base: dict, parent: Offer, multiplier: Decimal, v: Variant, offer: Offer) -> dict:
    source = v.source or offer.source
    assert parent.prices is not None
    return {
        **base,
        "variant": v.id,
        "variant_kind": v.kind,
        "ids": v.ids,
        "tiers": _tiers(parent.prices, parent.tiers, multiplier * v.multiplier),
        "batch_multiplier": base["batch_multiplier"] if v.batch in (None, True) else None,
        "notes": [v.note, *base["notes"]],
        "source": {"url": source.url, "checked": source.checked.isoformat()},
    }


def _close_periods(offers: list[dict]) -> None:
    """A dated price block ends where the next block of the same offer begins."""
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for o in offers:
        groups.setdefault((o["model"], o["channel"], o["variant"]), []).append(o)
    for key, group in groups.items():
        group.sort(key=lambda o: o["effective_from"])
        for a, b in pairwise(group):
            if a["effective_to"] is None:
                a["effective_to"] = b["effective_from"]
            elif a["effective_to"] > b["effective_from"]:
                raise CatalogError(f"offer {key}: periods overlap ({a['effective_to']} > {b['effective_from']})")


def _aliases(models: list[Model], offers: list[dict]) -> dict[str, list]:
    """Normalized name -> [model, channel or null, variant or null]. Ambiguous names are an error."""
    index: dict[str, list] = {}

    def add(name: str, target: list) -> None:
        key = normalize_name(name)
        if key in index and index[key] != target:
            if index[key][0] != target[0]:
                raise CatalogError(f"name {name!r} is ambiguous: {index[key][0]} and {target[0]}")
            if index[key][1] is None:
                return  # a canonical/model-level name wins over a channel id spelled the same
            if target[1] is not None and index[key][1:] != target[1:]:
                # same id on two variants (e.g. a bare id documented for both): keep the first, standard one
                return
        index[key] = target

    for m in models:
        for name in (m.id, m.name, *m.aliases):
            add(name, [m.id, None, None])
    for o in sorted(offers, key=lambda o: (o["variant_kind"] != "standard", o["channel"], o["variant"])):
        for name in o["ids"]:
            add(name, [o["model"], o["channel"], o["variant"]])
    return dict(sorted(index.items()))


def build(data_dir: Path = DATA_DIR, extra_offers: Iterable[dict] = ()) -> dict:
    """The snapshot as a JSON-ready dict; deterministic for the same inputs."""
    models, files = load_sources(data_dir)
    known = {m.id for m in models}
    by_channel = {f.channel.id: f for f in files}
    offers: list[dict] = []
    for f in files:
        for offer in f.offers:
            if offer.model not in known:
                raise CatalogError(
                    f"channels/{f.channel.id}.toml: unknown model {offer.model!r}; add it to models.toml"
                )
            offers.extend(_expand(offer, f.channel, by_channel))
    offers.extend(extra_offers)
    _close_periods(offers)
    offers.sort(key=lambda o: (o["model"], o["channel"], o["variant"], o["effective_from"]))
    return {
        "generated_by": "billpath catalog build  (DO NOT EDIT: edit catalog/data/*.toml and rebuild)",
        "models": [_model_dict(m) for m in models],
        "channels": [_channel_dict(f.channel) for f in files],
        "offers": offers,
        "aliases": _aliases(models, offers),
    }


def _model_dict(m: Model) -> dict:
    d = m.model_dump(mode="json", exclude={"source"})
    d["source"] = {"url": m.source.url, "checked": m.source.checked.isoformat()}
    return d


def _channel_dict(c: Channel) -> dict:
    return json.loads(c.model_dump_json())


def render(snapshot: dict) -> str:
    return json.dumps(snapshot, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def today() -> date:
    return date.today()
