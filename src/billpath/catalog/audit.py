"""`billpath catalog audit`: what would make a price or a ranking untrue, checked over the built catalog.

Checks (each finding names the offer or id and why):

* `retired-offer`: an offer still priced after a retirement that `catalog/data/retirements.toml` states;
* `reseller-outlives-maker`: a reseller's offer of a proprietary model priced after the maker's own endpoint ended;
* `unresolved-id`: a priced id of a major maker in the vendored litellm / genai-prices data that does not
  resolve, resolves to another maker's model, or selects a channel other than its own or the maker's;
* `kind-vs-maker`: an offer reported `direct` on a channel whose maker did not make the model, or a direct
  channel whose maker makes none of the models it sells;
* `price-vs-source`: a price that differs from the other source beyond rounding with no rule to decide it
  (every disagreement `catalog check` lists carries the rule that decided it; those are explained);
* `moving-alias`: the moving-alias table (`catalog/data/moving-aliases.toml`) against the catalog as loaded
  (your updates included): every target a model, no chain of aliases, windows without gap or overlap, each
  window priced on every day by its target on the alias's channel (so a retirement inside a window, or an alias
  left in force after its target ends, is a finding), and every spelling of the alias resolving to it.

It also counts the single-source offers that decide a ranking: offers imported from one source only that
rank first for their model on a reference workload (1M input + 1M output tokens, standard variants). They
are explained, not errors: `compare` and `recommend` say so beside them. The counts are kept in
docs/catalog.md: regenerate with `python -m billpath.catalog.audit --docs`.
"""

from __future__ import annotations

import sys
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

from billpath.catalog import freshness, moving
from billpath.catalog.store import Catalog, load_catalog

DOCS = Path(__file__).resolve().parents[3] / "docs" / "catalog.md"
BEGIN, END = (
    "<!-- catalog-audit:begin (generated: python -m billpath.catalog.audit --docs) -->",
    "<!-- catalog-audit:end -->",
)
MAJOR = ("anthropic", "openai", "google", "meta", "mistral", "deepseek", "xai", "alibaba")
KINDS = (
    "retired-offer",
    "reseller-outlives-maker",
    "unresolved-id",
    "kind-vs-maker",
    "price-vs-source",
    "moving-alias",
)
# ids the resolution check leaves out, each with why (see tests/test_model_identity.py)
NOT_PRICEABLE = {
    "anthropic/claude-opus-4.8-fast": "OpenRouter's fast tier of Opus 4.8: the curated offer has no fast variant",
    "openai/gpt-chat-latest-20260505": "a dated form of a moving alias; the sources never say which model it was",
}


def _retired(catalog: Catalog, rules: list[dict]) -> list[dict]:
    out = []
    for o in catalog.offers:
        for r in rules:
            matches = r["channel"] in ("*", o.channel) and any(fnmatch(o.model, g) for g in r["models"])
            if matches and (o.effective_to is None or o.effective_to > r["on"]):
                out.append(_finding("retired-offer", o, f"priced after its retirement on {r['on']}"))
    return out


def _outliving(catalog: Catalog) -> list[dict]:
    out = []
    for m in catalog.models.values():
        if not freshness.proprietary({"id": m.id, "open_weights": m.open_weights}):
            continue
        offers = catalog.offers_for(m.id)
        own = [
            o
            for o in offers
            if o.channel == catalog.direct_channel(m.id) or freshness.OPERATED_BY.get(o.channel) == m.maker
        ]
        ends = [o.effective_to for o in own if o.effective_to is not None]
        if not own or len(ends) < len(own):
            continue
        last = max(ends)
        for o in offers:
            if catalog.offer_kind(o) == "aggregator" and (o.effective_to is None or o.effective_to > last):
                out.append(_finding("reseller-outlives-maker", o, f"the maker's own endpoint ended {last}"))
    return out


def _unresolved(catalog: Catalog) -> tuple[list[dict], int]:
    from billpath.catalog.importers import genai_prices, litellm
    from billpath.catalog.importers.canon import maker_for, parse

    out, checked = [], 0
    seen: set[tuple[str, str]] = set()
    from billpath.catalog.build import drop_mislabelled, import_rules

    records = drop_mislabelled([*genai_prices.records(), *litellm.records()], import_rules().get("drop_id", []))
    for r in records:
        for name in dict.fromkeys([r.raw_id, *r.ids]):
            if "-latest" in name or name in NOT_PRICEABLE or (name, r.channel) in seen:
                continue
            seen.add((name, r.channel))
            p = parse(name)
            maker = maker_for(p.base, p.org)
            if maker not in MAJOR:
                continue
            checked += 1
            got = catalog.lookup(name)
            why = None
            if got is None:
                why = "does not resolve"
            elif catalog.models[got.model].maker != maker:
                why = f"resolves to {got.model} by {catalog.models[got.model].maker}, not {maker}"
            elif got.channel not in (None, r.channel, catalog.direct_channel(got.model)):
                why = f"selects {got.channel}/{got.variant}, not {r.channel} or the maker's API"
            if why:
                out.append({"kind": "unresolved-id", "id": name, "channel": r.channel, "source": r.source, "why": why})
    return out, checked


def _kinds(catalog: Catalog) -> list[dict]:
    out = []
    makers = {m.maker for m in catalog.models.values()}
    for c in catalog.channels.values():
        if c.kind == "direct" and (c.maker or c.id) not in makers:
            out.append(
                {"kind": "kind-vs-maker", "channel": c.id, "why": f"direct, but no model is made by {c.maker or c.id}"}
            )
    for o in catalog.offers:
        ch = catalog.channels[o.channel]
        if catalog.offer_kind(o) == "direct" and catalog.models[o.model].maker != (ch.maker or ch.id):
            out.append(_finding("kind-vs-maker", o, "reported direct for another maker's model"))
    return out


def _moving(catalog: Catalog) -> list[dict]:
    from billpath.catalog.store import MOVING_FAMILY

    stored = {k: m for k, m in catalog.models.items() if m.family != MOVING_FAMILY}
    periods = moving.standard_periods(
        (o.model, o.channel, o.variant_kind, o.effective_from, o.effective_to) for o in catalog.offers
    )
    makers, released = {k: m.maker for k, m in stored.items()}, {k: m.released for k, m in stored.items()}
    ids = set(catalog.moving)
    out = []
    for a in catalog.moving.values():
        found = moving.problems([a], makers, released, periods, set(catalog.channels), ids)
        for name in a.names:
            got = catalog.lookup(name)
            if got is None or got.model != a.id:
                found.append(f"the name {name!r} resolves to {got and got.model}, not to the alias")
        out += [{"kind": "moving-alias", "id": a.id, "channel": a.channel, "why": why} for why in found]
    return out


def _prices(check: dict) -> list[dict]:
    return [
        {
            "kind": "price-vs-source",
            "model": d["model"],
            "channel": d["channel"],
            "variant": d["variant"],
            "why": "no rule decided",
        }
        for d in check["disagreements"]
        if not d.get("rule")
    ]


def rank_deciders(catalog: Catalog, at: date) -> list[dict]:
    """Single-source offers that rank first for their model on 1M input + 1M output (standard variants)."""
    out = []
    for model in sorted({o.model for o in catalog.offers}):
        live = [
            o
            for o in catalog.offers_for(model)
            if o.live_at(at) and o.variant_kind in ("standard", "location") and catalog.offer_kind(o) != "application"
        ]
        if len(live) < 2:
            continue
        cost = {id(o): o.tiers[0].input_per_mtok + o.tiers[0].output_per_mtok for o in live}
        best = min(cost.values())
        first = [o for o in live if cost[id(o)] == best]
        if all(o.provenance == "single-source" for o in first) and any(cost[id(o)] > best for o in live):
            o = first[0]
            out.append({"model": model, "channel": o.channel, "variant": o.variant, "per_mtok_in_plus_out": str(best)})
    return out


def run_audit(at: date | None = None, catalog: Catalog | None = None, check: dict | None = None) -> dict:
    catalog = catalog or load_catalog()
    at = at or date.today()
    if check is None:
        from billpath.catalog.crosscheck import run_check

        check = run_check()
    from billpath.catalog.build import DATA_DIR

    rules = freshness.load_rules(DATA_DIR / "retirements.toml")
    unresolved, checked = _unresolved(catalog)
    findings = [
        *_retired(catalog, rules),
        *_outliving(catalog),
        *unresolved,
        *_kinds(catalog),
        *_prices(check),
        *_moving(catalog),
    ]
    provenance: dict[str, int] = {}
    for o in catalog.offers:
        provenance[o.provenance] = provenance.get(o.provenance, 0) + 1
    deciders = rank_deciders(catalog, at)
    return {
        "at": at.isoformat(),
        "unexplained": len(findings),
        "by_kind": {k: sum(1 for f in findings if f["kind"] == k) for k in KINDS},
        "findings": findings,
        "ids_checked": checked,
        "moving_aliases": len(catalog.moving),
        "offers_by_provenance": dict(sorted(provenance.items())),
        "disagreements_explained": check["count"],
        "single_source_rank_deciders": len(deciders),
        "rank_deciders": deciders,
    }


def _finding(kind: str, o, why: str) -> dict:
    return {"kind": kind, "model": o.model, "channel": o.channel, "variant": o.variant, "why": why}


def docs_block(payload: dict) -> str:
    prov = payload["offers_by_provenance"]
    return "\n".join(
        [
            BEGIN,
            f"`billpath catalog audit` finds **{payload['unexplained']}** unexplained problems on the bundled catalog "
            f"({', '.join(f'{k} {v}' for k, v in payload['by_kind'].items())}); it resolved "
            f"{payload['ids_checked']} priced ids of the major makers from the vendored sources, and checked "
            f"{payload['moving_aliases']} moving aliases (`catalog/data/moving-aliases.toml`).",
            "",
            "Offers by provenance: " + ", ".join(f"{k} {v}" for k, v in prov.items()) + ". "
            f"Single-source offers that rank first for their model (1M input + 1M output, at {payload['at']}): "
            f"**{payload['single_source_rank_deciders']}**; `compare` and `recommend` flag each where it leads. "
            "Source disagreements, each decided by a stated rule (`catalog check`): "
            f"{payload['disagreements_explained']}.",
            END,
        ]
    )


def write_docs(payload: dict, path: Path = DOCS) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    path.write_text(text[:start] + docs_block(payload) + text[end:], encoding="utf-8")


AUDIT_DATE = date(2026, 11, 26)  # the docs count is taken at the vendored sources' checked date

if __name__ == "__main__":
    if sys.argv[1:] == ["--docs"]:
        write_docs(run_audit(AUDIT_DATE))
        print(f"updated {DOCS}")
    else:
        print(__doc__)
