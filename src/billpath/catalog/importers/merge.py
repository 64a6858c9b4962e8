"""Join imported records with the curated catalog: canonical models, one offer per price block, and the
list of every place the sources disagree with the rule that decided it.

Rules (each disagreement names the one applied):
* `curated`: a hand-checked curated file wins over every import for that model on that channel;
* `update`: a user's `catalog update` override wins over the bundled sources;
* `dated-history`: genai-prices has dated price blocks for the offer (litellm keeps no history), so it wins;
* `genai-prices-first`: otherwise genai-prices wins (exact decimals, a reference per provider);
* `fill-retired`: litellm's retirement date (`deprecation_date`) ends an offer the winner still lists;
* `fill-tiers` / `fill-batch`: where the winner's base price agrees with litellm but lacks litellm's
  long-context tiers or batch price (e.g. GPT-5.5 on Bedrock, Bedrock batch), litellm fills the gap;
* `first-id`: one source lists two prices under one offer (e.g. litellm `azure/` vs `azure_ai/`): the first id
  wins, except that a geo-prefixed Bedrock id (`us.`) wins over a bare one (AWS bills bare ids in-region).
Skipped, never priced: litellm entries at $0 in and out (its placeholder), genai-prices `:free` ids.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billpath.catalog.importers.canon import display_name, family_for, maker_for, parse
from billpath.catalog.importers.common import SINCE_UNKNOWN, Imported
from billpath.money import exact

_GEO = re.compile(r"^(us|eu|apac|jp|au|ca|us-gov|regional)\.")
DIRECT = (
    "anthropic",
    "openai",
    "google",
    "deepseek",
    "mistral",
    "xai",
    "cohere",
    "perplexity",
    "moonshot",
    "zai",
    "minimax",
    "alibaba",
    "meta",
)
SOURCE_ORDER = {"update": 0, "openrouter": 1, "genai-prices": 2, "litellm": 3}
LOCATION_ORDER = ("standard", "global", "regional", "data-zone", "us-gov")
GAP_FIELDS = ("tiers_above_input_tokens", "batch_multiplier", "retired")  # what a fill rule supplies
COMPARED = ("input_per_mtok", "output_per_mtok", "cache_read_per_mtok", "cache_write_5m_per_mtok")


@dataclass
class ModelInfo:
    id: str
    name: str | None
    org: str | None
    dates: set[date] = field(default_factory=set)
    context: int | None = None
    url: str = ""
    checked: str = ""
    note: str = ""

    def to_dict(self) -> dict:
        """Compact (the runtime index holds ~1,000 of these): defaults left out; `released` only when known."""
        out: dict[str, object] = {
            "id": self.id,
            "name": display_name(self.id, self.name),
            "maker": maker_for(self.id, self.org),
        }
        out["family"] = family_for(self.id)
        if self.dates:
            out["released"] = min(self.dates).isoformat()
        if self.context:
            out["context_tokens"] = self.context
        out["source"] = {"url": self.url, "checked": self.checked, "note": self.note}
        return out


@dataclass
class Result:
    models: list[dict]
    offers: list[dict]
    disagreements: list[dict]
    stats: dict


def _source_rank(r: Imported) -> int:
    return SOURCE_ORDER.get(r.source, 9)


def _tiers_key(r: Imported) -> str:
    return json.dumps([r.tiers, exact(r.batch_multiplier) if r.batch_multiplier else None], sort_keys=True)


def canonicalise(records: list[Imported], curated_models: list, curated_offers: list[dict]) -> dict[str, ModelInfo]:
    """Set `model` on every record; returns the new (imported) models."""
    registry: dict[str, str] = {}
    secondary: dict[str, str] = {}
    for m in curated_models:
        for name in (m.id, *m.aliases):
            registry.setdefault(parse(name).key, m.id)
    for o in curated_offers:
        for name in o["ids"]:
            if not name.endswith("-latest"):  # a moving alias names today's model, not the family
                registry.setdefault(parse(name).key, o["model"])
    infos: dict[str, ModelInfo] = {}
    curated_ids = {m.id for m in curated_models}
    records.sort(key=lambda r: (r.channel not in DIRECT, _source_rank(r), r.raw_id, r.channel, r.ids[:1]))
    for r in records:
        if r.raw_id.endswith("-latest"):  # a moving alias: name the model by a fixed id it lists, if any
            fixed = [i for i in r.ids if not i.endswith("-latest") and "/" not in i]
            if not fixed:
                r.model = ""
                continue
            r.raw_id = fixed[0]
        p = parse(r.raw_id)
        r.org = p.org
        keys = [parse(i).key for i in r.ids if not i.endswith("-latest")]
        model, r.matched = registry.get(p.key), "primary"
        if model is None:
            model, r.matched = secondary.get(p.key), "secondary"
        if model is None:
            model, r.matched = next((registry[k] for k in keys if k in registry), None), "ids"
        if model is None:
            model, r.matched = p.base[:80], "new"
            registry[p.key] = model
            for k in keys:  # the other names the source gives it: matched only when no primary id matches
                secondary.setdefault(k, model)
        r.model = model
        if model not in curated_ids:
            info = infos.get(model)
            if info is None:
                note = f"{r.source} {r.version}"
                info = infos[model] = ModelInfo(model, r.name, p.org, url=r.url, checked=r.checked, note=note)
            info.name = info.name or r.name
            info.org = info.org or p.org
            info.context = info.context or r.context
            if p.date:
                info.dates.add(p.date)
    return infos


def _bare_bedrock(r: Imported) -> bool:
    """A bare in-region Bedrock id: AWS bills it at the regional price, which litellm sometimes lists at global."""
    return r.channel == "aws-bedrock" and not _GEO.match(r.raw_id)


def _own_model(r: Imported, rep: Imported, infos: dict[str, ModelInfo]) -> bool:
    """A differently priced id that reached `rep`'s model only by another name (or by dropping a word like
    `-instruct`) is its own model: `gpt-3.5-turbo-instruct`, `command-r-08-2024`. A curated mapping stands."""
    base = parse(r.raw_id).base
    if base == parse(rep.raw_id).base or (r.matched == "primary" and r.model not in infos):
        return False
    tag = serving_tag(base, parse(rep.raw_id).base)
    if tag is not None and r.tier is None:  # one model served two ways by one host: a variant, not a model
        r.tier = tag
        return True
    if base not in infos:
        infos[base] = ModelInfo(base, r.name, r.org, set(), r.context, r.url, r.checked, f"{r.source} {r.version}")
        released = parse(r.raw_id).date
        if released:
            infos[base].dates.add(released)
    r.model = base
    return True


_SERVING = re.compile(r"^(instruct-)?(turbo|fp8|fp8-fast|fp8-dynamic|fast|versatile|specdec|hf|lite|reference)$")


def serving_tag(base: str, rep_base: str) -> str | None:
    """`llama-3.1-8b-instruct-turbo` beside `llama-3.1-8b-instruct`: the words that name how a host serves the
    model (`turbo`, `fp8`, `versatile`, …), when the ids differ only by them; None otherwise."""
    a, b = sorted((base, rep_base), key=len)
    if not b.startswith(a + "-"):
        return None
    tail = b[len(a) + 1 :]
    return tail.replace("instruct-", "") if _SERVING.match(tail) else None


def split_conflicts(
    records: list[Imported], infos: dict[str, ModelInfo], stats: dict, split: bool = True
) -> list[Imported]:
    """Within one source, ids that land on one offer with different prices: a dated id becomes its own model
    (e.g. gpt-4o-2024-05-13), otherwise the first id wins and the rest are dropped (counted).
    A second pass (split=False) settles conflicts among the dated models themselves."""
    groups: dict[tuple, list[Imported]] = defaultdict(list)
    snapshots: dict[str, set[date]] = defaultdict(set)  # every dated id each model is known by, any source
    for r in records:
        groups[(r.source, r.model, r.channel, r.location, r.tier, r.effective_from)].append(r)
        snapshots[r.model].update(d for d in (parse(i).date for i in (r.raw_id, *r.ids)) if d)
    out = []
    for group in groups.values():
        dated = [(parse(r.raw_id).date, r) for r in group]
        dated.sort(key=lambda dr: (_bare_bedrock(dr[1]), dr[0] is not None, -(dr[0].toordinal() if dr[0] else 0)))
        rep_date, rep = dated[0]
        ids = list(rep.ids)
        for when, r in dated[1:]:
            if _tiers_key(r) == _tiers_key(rep):
                ids += [i for i in r.ids if i not in ids]
            elif split and _own_model(r, rep, infos):
                out.append(r)
            elif when is not None and when != rep_date and split and _another_snapshot(r, rep_date, snapshots[r.model]):
                base = parse(r.raw_id).base
                r.model = f"{base}-{when.isoformat()}"[:80]
                if r.model not in infos:
                    known = infos.get(rep.model)
                    infos[r.model] = ModelInfo(
                        r.model,
                        f"{display_name(rep.model, known.name if known else r.name)} ({when.isoformat()})",
                        r.org,
                        {when},
                        r.context,
                        r.url,
                        r.checked,
                        f"{r.source} {r.version}",
                    )
                out.append(r)
            else:  # its price is dropped, not its name: the id still names this offer
                stats["conflicting_ids_dropped"] += 1
                stats.setdefault("first_id", []).append((rep, r))
                ids += [i for i in r.ids if i not in ids]
        rep.ids = ids
        out.append(rep)
    return split_conflicts(out, infos, stats, split=False) if split else out


def _another_snapshot(r: Imported, rep_date: date | None, known: set[date]) -> bool:
    """On a host, a dated id priced apart from the undated one names another snapshot only when the model has
    more than one; beside the one dated snapshot a model has (claude-haiku-4-5 / -20251001 on Bedrock) it is
    another route to the same model. The maker's own price list is taken at its word (gpt-4o-2024-05-13)."""
    return rep_date is not None or len(known) > 1 or r.channel in DIRECT


def _current(blocks: list[Imported], today: date) -> Imported:
    live = [b for b in blocks if b.effective_from <= today] or blocks
    return max(live, key=lambda b: b.effective_from)


def _collapse_locations(recs: list[Imported]) -> list[Imported]:
    """Location variants of one source priced the same as a preferred one are one offer (ids merged)."""
    by_loc: dict[str, list[Imported]] = defaultdict(list)
    for r in recs:
        by_loc[r.location].append(r)
    order = sorted(by_loc, key=lambda loc: (LOCATION_ORDER.index(loc) if loc in LOCATION_ORDER else 99, loc))
    kept: dict[str, list[Imported]] = {}
    for loc in order:
        plain = [r for r in by_loc[loc] if r.tier is None]
        sig = sorted(_tiers_key(r) + r.effective_from.isoformat() for r in plain)
        target = next(
            (
                k
                for k, rs in kept.items()
                if sig and sorted(_tiers_key(r) + r.effective_from.isoformat() for r in rs if r.tier is None) == sig
            ),
            None,
        )
        if target is None or loc in LOCATION_ORDER[:2]:
            kept[loc] = by_loc[loc]
            continue
        into = {r.effective_from: r for r in kept[target] if r.tier is None}
        for r in plain:
            into[r.effective_from].ids += [i for i in r.ids if i not in into[r.effective_from].ids]
    return [r for rs in kept.values() for r in rs]


def _variant_names(recs: list[Imported]) -> tuple[str, dict[tuple[str, str | None], tuple[str, str]]]:
    locs = sorted(
        {r.location for r in recs}, key=lambda loc: (LOCATION_ORDER.index(loc) if loc in LOCATION_ORDER else 99, loc)
    )
    base = locs[0]
    names: dict[tuple[str, str | None], tuple[str, str]] = {}
    for r in recs:
        if r.tier is None:
            names[(r.location, None)] = (r.location, "standard" if r.location == base else "location")
        else:
            vid = r.tier if r.location == base else f"{r.location}-{r.tier}"
            names[(r.location, r.tier)] = (vid, "service-tier")
    return base, names


def _compare(chosen: dict, other: dict) -> list[dict]:
    """Differences between two offers' current prices (base tier, tiers, batch)."""
    diffs = []
    for f in COMPARED:
        a, b = chosen["tiers"][0].get(f), other["tiers"][0].get(f)
        if a is not None and b is not None and Decimal(a) != Decimal(b):
            diffs.append({"field": f, "chosen": a, "other": b, "relative_difference": _rel(a, b)})
    ta = [t["above_input_tokens"] for t in chosen["tiers"][1:]]
    tb = [t["above_input_tokens"] for t in other["tiers"][1:]]
    if ta != tb:
        diffs.append({"field": "tiers_above_input_tokens", "chosen": ta, "other": tb, "relative_difference": None})
    ba, bb = chosen.get("batch_multiplier"), other.get("batch_multiplier")
    if ba != bb:
        diffs.append({"field": "batch_multiplier", "chosen": ba, "other": bb, "relative_difference": None})
    ea, eb = chosen.get("effective_to"), other.get("effective_to")
    if eb is not None and ea is None:
        diffs.append({"field": "retired", "chosen": ea, "other": eb, "relative_difference": None})
    return diffs


def _rel(a: str, b: str) -> str:
    x, y = Decimal(a), Decimal(b)
    top = max(abs(x), abs(y))
    return "0" if top == 0 else exact((abs(x - y) / top * 100).quantize(Decimal("0.01")))


def _offer(r: Imported, variant: str, kind: str, extra_notes: list[str]) -> dict:
    label = f"{r.source} {r.version}".strip()
    start = r.effective_from
    return {
        "model": r.model,
        "channel": r.channel,
        "variant": variant,
        "variant_kind": kind,
        "ids": r.ids,
        "available_from": None,
        "effective_from": start.isoformat(),
        "effective_to": r.effective_to.isoformat() if r.effective_to else None,
        "tiers": r.tiers,
        "batch_multiplier": exact(r.batch_multiplier) if r.batch_multiplier else None,
        "batch_discounts_cache": r.batch_discounts_cache,
        "features": {k: v for k, v in r.features.items() if v not in (None, False)},
        "notes": [
            *r.notes,
            *extra_notes,
            f"imported from {label}" + ("" if start != SINCE_UNKNOWN else "; start date unknown"),
        ],
        "source": {"url": r.url, "checked": r.checked, "note": label},
        **({"time_of_day": r.time_of_day} if r.time_of_day else {}),
    }


def _fill(winner: list[Imported], other: list[Imported], today: date) -> tuple[list[str], list[str]]:
    """litellm fills a retirement date the winner lacks, and long-context tiers and batch when base prices agree."""
    w, o = _current(winner, today), _current(other, today)
    rules, notes = [], []
    last = winner[-1]
    if o.effective_to and last.effective_to is None and last.effective_from < o.effective_to:
        last.effective_to = o.effective_to
        rules.append("fill-retired")
        notes.append(f"retired {o.effective_to.isoformat()} ({o.source} {o.version})")
    if w.tiers[0]["input_per_mtok"] != o.tiers[0]["input_per_mtok"] or (
        w.tiers[0]["output_per_mtok"] != o.tiers[0]["output_per_mtok"]
    ):
        return rules, notes
    if len(w.tiers) == 1 and len(o.tiers) > 1 and len(winner) == 1:
        w.tiers = [w.tiers[0], *o.tiers[1:]]
        rules.append("fill-tiers")
        notes.append(f"long-context tiers from {o.source} {o.version}")
    if w.batch_multiplier is None and o.batch_multiplier is not None and w.tier is None:
        for b in winner:
            b.batch_multiplier, b.batch_discounts_cache = o.batch_multiplier, o.batch_discounts_cache
        rules.append("fill-batch")
        notes.append(f"batch price from {o.source} {o.version}")
    return rules, notes


def run(
    records: Iterable[Imported],
    curated_models: list,
    curated_offers: list[dict],
    today: date,
    skip: set[tuple[str, str]] | frozenset = frozenset(),
    seed_offers: Iterable[dict] = (),
) -> Result:
    """`seed_offers` only teach names (a `catalog update` maps ids to the catalog's models); they do not win."""
    recs = list(records)
    stats: dict = defaultdict(int)
    stats["records"] = len(recs)
    infos = canonicalise(recs, curated_models, [*curated_offers, *seed_offers])
    stats["moving_aliases_skipped"] = sum(1 for r in recs if not r.model)
    recs = split_conflicts([r for r in recs if r.model], infos, stats)
    before = len(recs)
    recs = [r for r in recs if (r.model, r.channel) not in skip]
    stats["skipped_by_import_rules"] = before - len(recs)
    curated_at: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for o in curated_offers:
        curated_at[(o["model"], o["channel"])].append(o)
    by_mc: dict[tuple[str, str], list[Imported]] = defaultdict(list)
    for r in recs:
        by_mc[(r.model, r.channel)].append(r)
    offers: list[dict] = []
    disagreements: list[dict] = []
    for (model, channel), group in sorted(by_mc.items()):
        curated = curated_at.get((model, channel))
        for variant, kind, sources in _slots(group):
            if curated:
                _check_curated(curated, variant, sources, today, disagreements)
            else:
                offers += _merge_slot(variant, kind, sources, today, disagreements)
    disagreements += _first_id_entries(stats.pop("first_id", []))
    used = {o["model"] for o in offers}
    models = [infos[m].to_dict() for m in sorted(infos) if m in used]
    stats["models"] = len(models)
    stats["offers"] = len(offers)
    return Result(models=models, offers=offers, disagreements=disagreements, stats=dict(stats))


def _slots(group: list[Imported]) -> list[tuple[str, str, dict[str, list[Imported]]]]:
    """One model on one channel: (variant, kind, records per source) for each location and service tier."""
    by_source: dict[str, list[Imported]] = defaultdict(list)
    for r in group:
        by_source[r.source].append(r)
    collapsed = [r for src in sorted(by_source, key=_rank) for r in _collapse_locations(by_source[src])]
    _base, names = _variant_names(collapsed)
    slots: dict[tuple[str, str | None], dict[str, list[Imported]]] = defaultdict(lambda: defaultdict(list))
    for r in collapsed:
        slots[(r.location, r.tier)][r.source].append(r)
    return [(*names[slot], slots[slot]) for slot in sorted(slots, key=lambda k: (k[0], k[1] or ""))]


def _rank(source: str) -> int:
    return SOURCE_ORDER.get(source, 9)


def _merge_slot(
    variant: str, kind: str, sources: dict[str, list[Imported]], today: date, out: list[dict]
) -> list[dict]:
    """The winning source's price blocks for one offer; every other source that disagrees is recorded in `out`."""
    order = sorted(sources, key=_rank)
    winner = order[0]
    blocks = sorted(sources[winner], key=lambda b: b.effective_from)
    rule = {"update": "update"}.get(winner) or ("dated-history" if len(blocks) > 1 else "genai-prices-first")
    extra_notes: list[str] = []
    agreeing: list[str] = []
    for other in order[1:]:
        chosen = _offer(_current(blocks, today), variant, kind, [])
        diffs = _compare(chosen, _offer(_current(sources[other], today), variant, kind, []))
        if not any(d["field"] in ("input_per_mtok", "output_per_mtok") for d in diffs):
            agreeing.append(other)
        fill_rules, fill_notes = _fill(blocks, sources[other], today) if other == "litellm" else ([], [])
        extra_notes += fill_notes
        if diffs:
            prices_differ = any(d["field"] not in GAP_FIELDS for d in diffs)
            rules = [rule, *fill_rules] if prices_differ else fill_rules
            m, c = blocks[0].model, blocks[0].channel
            out.append(_entry(m, c, variant, winner, other, diffs, rules))
    also = [i for src in order[1:] for r in sources[src] for i in r.ids]  # every source's ids name this offer
    for b in blocks:
        b.ids = list(dict.fromkeys([*b.ids, *also]))
    provenance = "corroborated" if agreeing else "single-source"
    out_offers = [_offer(b, variant, kind, extra_notes) for b in blocks]
    for o in out_offers:
        o["provenance"] = provenance
        if agreeing:
            o["source"]["note"] += f"; corroborated by {', '.join(agreeing)}"
    return out_offers


def _first_id_entries(pairs: list[tuple[Imported, Imported]]) -> list[dict]:
    """Disagreements inside one source, settled by `first-id`."""
    out = []
    for rep, dropped in pairs:
        diffs = _compare(_offer(rep, "-", "-", []), _offer(dropped, "-", "-", []))
        if diffs:
            chosen, other = f"{rep.source}:{rep.ids[0]}", f"{dropped.source}:{dropped.ids[0]}"
            out.append(_entry(rep.model, rep.channel, rep.variant, chosen, other, diffs, ["first-id"]))
    return out


def _check_curated(curated: list[dict], variant: str, sources: dict, today: date, out: list[dict]) -> None:
    """A curated offer wins; each source that states something else for it is recorded (rule `curated`)."""
    order = sorted(sources, key=_rank)
    also = [i for src in order for r in sources[src] for i in r.ids]  # the sources' ids name the curated offer too
    for o in curated:
        if o["variant"] == variant:
            o["ids"] = list(dict.fromkeys([*o["ids"], *also]))
    mine = [o for o in curated if o["variant"] == variant and o["effective_from"] <= today.isoformat()]
    mine = [o for o in mine if o["effective_to"] is None or o["effective_to"] > today.isoformat()]
    if not mine:
        return
    chosen = mine[0]
    for src in order:
        other = _offer(_current(sources[src], today), variant, "", [])
        diffs = _compare(chosen, other)
        if diffs:
            out.append(_entry(chosen["model"], chosen["channel"], variant, "curated", src, diffs, ["curated"]))


def _entry(model, channel, variant, chosen, other, diffs, rules) -> dict:
    return {
        "model": model,
        "channel": channel,
        "variant": variant,
        "chosen": chosen,
        "other": other,
        "rule": "+".join(rules) if rules else "genai-prices-first",
        "differences": diffs,
    }
