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

from billpath.catalog import channel_rules, freshness, moving, rounding
from billpath.catalog.ids import is_makers_own_id, stored_keys
from billpath.catalog.names import normalize_name
from billpath.catalog.schema import (
    ChannelFile,
    ChannelSpec,
    ModelsFile,
    ModelSpec,
    OfferSpec,
    Prices,
    TimeOfDay,
    Variant,
)
from billpath.catalog.store import PRICE_FIELDS
from billpath.errors import CatalogError
from billpath.money import exact, price_micro

DATA_DIR = Path(__file__).parent / "data"
SNAPSHOT = Path(__file__).parent / "snapshot.json"
OFFERS_FILE = Path(__file__).parent / "snapshot-offers.jsonl"
KEYS_FILE = Path(__file__).parent / "snapshot-keys.json"


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


def load_sources(data_dir: Path = DATA_DIR) -> tuple[list[ModelSpec], list[ChannelFile]]:
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


def schedule_dict(t: TimeOfDay) -> dict:
    """A time-of-day schedule in snapshot form (the multiplier as exact text; no note key when none)."""
    out: dict = {
        "peak": [{"days": list(w.days), "start": w.start, "end": w.end} for w in t.peak],
        "off_peak_multiplier": exact(t.off_peak_multiplier),
    }
    if t.note:
        out["note"] = t.note
    return out


def _blocks(
    offer: OfferSpec, channel: str, by_channel: dict[str, ChannelFile]
) -> list[tuple[OfferSpec, date, date | None]]:
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


def _expand(offer: OfferSpec, channel: ChannelSpec, by_channel: dict[str, ChannelFile]) -> Iterable[dict]:
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
            "provenance": "curated",
        }
        if offer.time_of_day is not None:  # the offer's own schedule (an inheriting offer's is its own too)
            base["time_of_day"] = schedule_dict(offer.time_of_day)
        yield base
        for v in offer.variants:
            yield _variant(base, parent, offer.multiplier, v, offer)


def _variant(base: dict, parent: OfferSpec, multiplier: Decimal, v: Variant, offer: OfferSpec) -> dict:
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


def _aliases(models: list[ModelSpec], offers: list[dict]) -> dict[str, list]:
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


def curated_offers(models: list[ModelSpec], files: list[ChannelFile]) -> list[dict]:
    """Every curated offer expanded to snapshot form (inheritance, multipliers and variants resolved)."""
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
    return offers


def import_sources(models: list[ModelSpec], curated: list[dict], channels: set[str], overrides: Iterable = ()):
    """Run the importers over the vendored sources (catalog/sources/) and merge them under the curated offers."""
    from billpath.catalog.importers import genai_prices, litellm, merge

    gp, ll = genai_prices.load(), litellm.load()
    rules = import_rules()
    skip = {(r["model"], r["channel"]) for r in rules.get("skip", [])}
    records = drop_mislabelled([*genai_prices.records(gp), *litellm.records(ll), *overrides], rules.get("drop_id", []))
    records, moving_dropped = drop_moving(records, moving.load_table(DATA_DIR / moving.TABLE))
    result = merge.run(records, models, curated, date.fromisoformat(gp["source"]["checked"]), skip=skip)
    result.stats["moving_alias_records_dropped"] = moving_dropped
    unknown = sorted({o["channel"] for o in result.offers} - channels)
    if unknown:
        raise CatalogError(f"imported offers on channels without a file: {unknown}; add channels/<id>.toml for each")
    return result, [gp["source"], ll["source"]]


def import_rules(data_dir: Path = DATA_DIR) -> dict:
    """Curated corrections to imported data (catalog/data/import-rules.toml), strictly checked."""
    path = data_dir / "import-rules.toml"
    rules = _load_toml(path) if path.exists() else {}
    for i, rule in enumerate(rules.get("skip", [])):
        if set(rule) != {"model", "channel", "reason"}:
            raise CatalogError(f"{path}: skip[{i}] must have exactly `model`, `channel` and `reason`")
    for i, rule in enumerate(rules.get("drop_id", [])):
        if set(rule) != {"ids", "reason"} or not rule["ids"]:
            raise CatalogError(f"{path}: drop_id[{i}] must have exactly `ids` (globs) and `reason`")
    unknown = set(rules) - {"skip", "drop_id"}
    if unknown:
        raise CatalogError(f"{path}: unknown table(s) {sorted(unknown)}; only [[skip]] and [[drop_id]] are defined")
    return rules


def drop_mislabelled(records: list, rules: list[dict]) -> list:
    """Ids a source lists that name no real model (`[[drop_id]]`): dropped, and a record left without its own
    id is not imported (litellm's Vertex `llama-4-maverick-17b-16e`: Maverick is 128E, 16E is Scout)."""
    from fnmatch import fnmatch

    globs = [g for r in rules for g in r["ids"]]
    if not globs:
        return records
    out = []
    for rec in records:
        if any(fnmatch(rec.raw_id, g) for g in globs):
            continue
        rec.ids = [i for i in rec.ids if not any(fnmatch(i, g) for g in globs)]
        out.append(rec)
    return out


def drop_moving(records: list, table: list[moving.MovingAlias]) -> tuple[list, int]:
    """Source records of a moving alias's id: on the alias's own channel they priced the id without dates, which
    the alias table supersedes (dropped); elsewhere an id spelled like it names a model only through a fixed id
    the record lists, as a `-latest` id does. An alias that is a model id itself (`gpt-4o`) is left alone."""
    names = {
        normalize_name(n): a.channel for a in table if not any(w.target == a.id for w in a.windows) for n in a.names
    }
    if not names:
        return records, 0
    out, dropped = [], 0
    for rec in records:
        channel = names.get(normalize_name(rec.raw_id))
        if channel is not None:
            fixed = [
                i for i in rec.ids if normalize_name(i) not in names and not moving.looks_moving(i) and "/" not in i
            ]
            if rec.channel == channel or not fixed:
                dropped += 1
                continue
            rec.raw_id = fixed[0]
        rec.ids = [i for i in rec.ids if normalize_name(i) not in names]
        out.append(rec)
    return out, dropped


def add_offer_ids(aliases: dict[str, list], offers: list[dict], makers: dict[str, str]) -> int:
    """Imported offers' ids into the name index, the maker's own channel first. A maker's own id (the model's
    bare id, perhaps dated) listed by another channel names the model, never that channel's variant: a log
    row `claude-haiku-4-5-20251001` without a channel is Anthropic's, not Bedrock's regional offer. Likewise an
    id several channels list (`meta-llama/llama-4-scout-17b-16e-instruct`) selects none of the resellers."""
    ranked = sorted(
        offers,
        key=lambda o: (
            o["channel"] != makers.get(o["model"]),
            o["variant_kind"] != "standard",
            o["model"],
            o["channel"],
        ),
    )
    dropped = 0
    for o in ranked:
        own = o["channel"] == makers.get(o["model"])
        for name in o["ids"]:
            target = [o["model"], o["channel"], o["variant"]]
            if not own and is_makers_own_id(name, o["model"]):
                target = [o["model"], None, None]
            dropped += _add_lenient(aliases, [name], target)
    return dropped


def unshare_ids(aliases: dict[str, list], offers: list[dict], makers: dict[str, str]) -> int:
    """An id several channels list (`meta-llama/llama-4-scout-17b-16e-instruct`, `openai/gpt-5.5`) selects none
    of the resellers: it names the model, or the maker's own offer when the maker lists it too."""
    channels: dict[str, set[str]] = {}
    for o in offers:
        for name in o["ids"]:
            channels.setdefault(normalize_name(name), set()).add(o["channel"])
    changed = 0
    for key, target in aliases.items():
        listed = channels.get(key, set())
        if target[1] is None or len(listed) < 2 or target[1] == makers.get(target[0]):
            continue
        maker = makers.get(target[0])
        own = [
            o
            for o in offers
            if o["channel"] == maker and o["model"] == target[0] and key in map(normalize_name, o["ids"])
        ]
        aliases[key] = [target[0], maker, own[0]["variant"]] if own else [target[0], None, None]
        changed += 1
    return changed


def _add_lenient(index: dict[str, list], names: Iterable[str], target: list) -> int:
    """Imported names never displace a curated one or an earlier import; returns how many were dropped."""
    dropped = 0
    for name in names:
        key = normalize_name(name)
        if key in index:
            dropped += index[key][0] != target[0]
            continue
        index[key] = target
    return dropped


def build(data_dir: Path = DATA_DIR, extra_offers: Iterable[dict] = (), imports: bool = True) -> dict:
    """The snapshot as a JSON-ready dict; deterministic for the same inputs (curated files + vendored sources)."""
    models, files = load_sources(data_dir)
    offers = curated_offers(models, files)
    offers.extend(extra_offers)
    _close_periods(offers)
    aliases = _aliases(models, offers)
    model_dicts = [_model_dict(m) for m in models]
    sources: list[dict] = []
    stats: dict = {}
    if imports:
        result, sources = import_sources(models, offers, {f.channel.id for f in files})
        _close_periods(result.offers)
        dropped = 0
        for m in result.models:
            dropped += _add_lenient(aliases, (m["id"], m["name"]), [m["id"], None, None])
        makers = {m["id"]: m["maker"] for m in model_dicts + result.models}
        for o in offers:  # curated offers gain the ids the sources list for them
            dropped += _add_lenient(aliases, o["ids"], [o["model"], o["channel"], o["variant"]])
        dropped += add_offer_ids(aliases, result.offers, makers)
        stats_unshared = unshare_ids(aliases, [*offers, *result.offers], makers)
        offers.extend(result.offers)
        model_dicts.extend(result.models)
    rules = freshness.load_rules(data_dir / "retirements.toml")
    offers, retired = freshness.apply(
        offers, model_dicts, {f.channel.id: _channel_dict(f.channel) for f in files}, rules
    )
    retired["rounded_prices_restored"] = rounding.restore(offers)
    offers, by_channel_rules = channel_rules.apply(offers, {f.channel.id: _channel_dict(f.channel) for f in files})
    retired.update(by_channel_rules)
    table = moving.load_table(data_dir / moving.TABLE)
    retired.update(_moving_aliases(table, model_dicts, offers, aliases, {f.channel.id for f in files}))
    if imports:
        stats = {**result.stats, "aliases_dropped_as_ambiguous": dropped, "disagreements": len(result.disagreements)}
        stats["ids_shared_by_channels"] = stats_unshared
        stats.update(retired)
    offers.sort(key=lambda o: (o["model"], o["channel"], o["variant"], o["effective_from"]))
    model_dicts.sort(key=lambda m: m["id"])
    return {
        "generated_by": "billpath catalog build  (DO NOT EDIT: edit catalog/data/*.toml and rebuild)",
        "imported_from": sources,
        "import_stats": stats,
        "models": model_dicts,
        "channels": [_channel_dict(f.channel) for f in files],
        "offers": offers,
        "aliases": dict(sorted(aliases.items())),
        "moving_aliases": [a.to_json() for a in table],
    }


def _moving_aliases(
    table: list[moving.MovingAlias], models: list[dict], offers: list[dict], index: dict[str, list], channels: set[str]
) -> dict:
    """The moving-alias table against the built catalog (a CatalogError when they disagree); then the ids are the
    aliases' own: each name indexed to its alias, taken out of the offers that listed it, and every alias that
    is not a model id gets a model entry of its own (its offers are materialised when the catalog loads)."""
    by_id = {m["id"]: m for m in models}
    periods = moving.standard_periods(
        (
            o["model"],
            o["channel"],
            o["variant_kind"],
            date.fromisoformat(o["effective_from"]),
            date.fromisoformat(o["effective_to"]) if o["effective_to"] else None,
        )
        for o in offers
    )
    released = {k: date.fromisoformat(m["released"]) if m.get("released") else None for k, m in by_id.items()}
    makers = {k: m["maker"] for k, m in by_id.items()}
    found = moving.problems(table, makers, released, periods, channels)
    if found:
        raise CatalogError(f"{DATA_DIR / moving.TABLE}: " + "; ".join(found))
    names = {normalize_name(n): a for a in table for n in a.names}
    taken = 0
    for o in offers:
        owners = [names.get(normalize_name(i)) for i in o["ids"]]
        kept = [i for i, a in zip(o["ids"], owners, strict=True) if a is None or a.id == o["model"]]
        taken += len(o["ids"]) - len(kept)
        o["ids"] = kept
    for key, a in names.items():
        index[key] = [a.id, None, None]
    for a in table:
        if a.id in by_id:
            continue
        targets = [by_id[w.target] for w in a.windows]
        entry = {
            "id": a.id,
            "name": f"{a.id} (moving alias: {', '.join(dict.fromkeys(t['id'] for t in targets))})",
            "maker": targets[-1]["maker"],
            "family": moving.FAMILY,
            "released": None,
            "aliases": [],
            "open_weights": all(t.get("open_weights", False) for t in targets),
            "source": {"url": a.url, "checked": a.checked},
        }
        models.append(entry)
        by_id[a.id] = entry
    models.sort(key=lambda m: m["id"])
    return {"moving_aliases": len(table), "ids_taken_by_moving_aliases": taken}


def _model_dict(m: ModelSpec) -> dict:
    d = m.model_dump(mode="json", exclude={"source"})
    d["source"] = {"url": m.source.url, "checked": m.source.checked.isoformat()}
    return d


def _channel_dict(c: ChannelSpec) -> dict:
    d = json.loads(c.model_dump_json(exclude={"time_of_day"}))
    if c.time_of_day is not None:  # only channels that state one (keeps every other channel's line as it was)
        d["time_of_day"] = {
            **schedule_dict(c.time_of_day),
            "models": list(c.time_of_day.models),
            "source": json.loads(c.time_of_day.source.model_dump_json()),
        }
    return d


def render(snapshot: dict) -> dict[str, str]:
    """The snapshot as files: an index (models, channels, aliases, which line holds each model's offers) read
    at start-up, one line of offers per model parsed only for the models a command prices, and the names'
    match keys read only when a name is not in the index.

    One JSON value per line and no byte offsets: compact to parse, and a price change is a one-line diff.
    """
    by_model: dict[str, list[dict]] = {}
    for o in snapshot["offers"]:
        by_model.setdefault(o["model"], []).append(o)
    models = sorted(by_model)
    lines = [
        json.dumps([_compact_offer(o) for o in by_model[m]], ensure_ascii=False, separators=(",", ":")) + "\n"
        for m in models
    ]
    head = {k: v for k, v in snapshot.items() if k not in ("offers",)}
    head["offers_file"] = OFFERS_FILE.name
    head["offers_models"] = models  # line i of the offers file holds models[i]'s offers (offsets found at load)
    head["keys_file"] = KEYS_FILE.name
    # The id grammar's match key of every alias and model id (`ids.lookup`), parsed here once instead of at
    # the first unknown name of every run: one key per line.
    only = {m["id"] for m in snapshot["models"] if m.get("family") == moving.FAMILY}  # reached by their own names
    keys = stored_keys(
        {k: v for k, v in snapshot["aliases"].items() if v[0] not in only},
        (m["id"] for m in snapshot["models"] if m["id"] not in only),
    )
    entries = (
        f"{json.dumps(k, ensure_ascii=False)}:{json.dumps(v, ensure_ascii=False, separators=(',', ':'))}"
        for k, v in keys.items()
    )
    keys_text = "{\n" + ",\n".join(entries) + "\n}\n"
    return {SNAPSHOT.name: _index_text(head), OFFERS_FILE.name: "".join(lines), KEYS_FILE.name: keys_text}


def _compact_offer(o: dict) -> dict:
    """The offers-file form: tier prices a channel does not sell (null) and zero per-request fees left out."""
    tiers = [
        {k: v for k, v in t.items() if v is not None and not (k == "per_request" and v == "0")} for t in o["tiers"]
    ]
    return {**o, "tiers": tiers}


def _index_text(head: dict) -> str:
    out = ["{"]
    items = list(head.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if isinstance(value, list) and value:
            body = ",\n".join(json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in value)
            out.append(f"{json.dumps(key)}: [\n{body}\n]{comma}")
        elif isinstance(value, dict) and value and key != "import_stats":
            body = ",\n".join(
                f"{json.dumps(k, ensure_ascii=False)}:{json.dumps(v, ensure_ascii=False, separators=(',', ':'))}"
                for k, v in value.items()
            )
            out.append(f"{json.dumps(key)}: {{\n{body}\n}}{comma}")
        else:
            out.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    return "\n".join(out) + "\n}\n"


def write(snapshot: dict, directory: Path = SNAPSHOT.parent) -> list[Path]:
    paths = []
    for name, text in render(snapshot).items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def stale_files(snapshot: dict, directory: Path = SNAPSHOT.parent) -> list[str]:
    """Names of the committed snapshot files that differ from a fresh build."""
    stale = []
    for name, text in render(snapshot).items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale


def today() -> date:
    return date.today()
