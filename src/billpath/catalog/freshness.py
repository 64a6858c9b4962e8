"""Freshness: retired models and offers end, at build time, so every command answers "no longer sold".

Two mechanisms, applied to every offer (curated and imported) after the sources are merged:

1. `catalog/data/retirements.toml` states retirements the sources miss, each with a reason and a source:
   `[[retire]] channel = "perplexity", models = ["mixtral-8x7b*", "pplx-*"], on = 2024-08-12`. `models` are
   globs on the canonical id; `channel = "*"` retires the model everywhere. An offer retired this way ends on
   that day (`effective_to`), so a log dated before it is still priced at its date's price. `on` may be an
   instant (`2025-09-05T16:00:00Z`): a day is priced at what was in effect at its start, so the offer then
   ends after that day (`moving.first_day`, the rule moving aliases follow too).
2. A reseller's offer of a proprietary model cannot outlive the maker's endpoint: when every offer the maker
   runs itself (its API, and the cloud it operates: Vertex for Google) has ended, every reseller's offer
   (aggregators, another maker's API) of that model ends on the maker's last day too. Clouds that host the
   licensed weights (Bedrock, Azure) keep their own retirement dates; open-weight models are exempt (anyone
   may host the weights after the maker stops).
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from fnmatch import fnmatch
from pathlib import Path

from billpath.catalog.moving import first_day, instant_text
from billpath.errors import CatalogError

# Families whose weights are not published: only the maker (and the clouds it licenses) can serve them.
PROPRIETARY = ("claude", "gpt", "o1", "o3", "o4", "chatgpt", "gemini", "grok", "sonar", "command-a")
OPEN_EXCEPTIONS = ("gpt-oss",)
# Clouds that are the maker's own endpoint for its models (Google runs Vertex AI).
OPERATED_BY = {"google-vertex": "google"}
FIELDS = {"channel", "models", "on", "reason", "source"}


def proprietary(model: dict) -> bool:
    mid = model["id"]
    if model.get("open_weights") or mid.startswith(OPEN_EXCEPTIONS):
        return False
    return mid.startswith(PROPRIETARY)


def load_rules(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open("rb") as f:
        data = tomllib.load(f)
    unknown = set(data) - {"retire"}
    if unknown:
        raise CatalogError(f"{path}: unknown table(s) {sorted(unknown)}; only [[retire]] is defined")
    rules = data.get("retire", [])
    for i, r in enumerate(rules):
        if set(r) != FIELDS:
            raise CatalogError(f"{path}: retire[{i}] must have exactly {sorted(FIELDS)} (got {sorted(r)})")
        if not isinstance(r["on"], date) or not r["models"]:
            raise CatalogError(f"{path}: retire[{i}]: `on` must be a date and `models` a non-empty list of globs")
        if not {"url", "checked"} <= set(r["source"]):
            raise CatalogError(f"{path}: retire[{i}]: the source needs `url` and `checked`")
        if isinstance(r["on"], datetime) and r["on"].tzinfo is None:
            raise CatalogError(f"{path}: retire[{i}]: `on` {r['on']} has no UTC offset: like 2025-09-05T16:00:00Z")
        # an instant ends the offer after its own day (a day is priced at what was in effect at its start)
        r["stated"], r["on"] = instant_text(r["on"]), first_day(r["on"])
    return rules


def _end(offer: dict, on: date, note: str) -> bool:
    """End an offer on `on` (keeps it when it already ended earlier); False when it starts after `on`."""
    start = date.fromisoformat(offer["effective_from"])
    if start >= on:
        return False
    end = offer["effective_to"]
    if end is None or date.fromisoformat(end) > on:
        offer["effective_to"] = on.isoformat()
        offer["notes"] = [*offer["notes"], note]
    return True


def apply(offers: list[dict], models: list[dict], channels: dict[str, dict], rules: list[dict]) -> tuple[list, dict]:
    """The offers with retirements applied (offers that start on or after their retirement are dropped)."""
    stats = {"retired_by_rule": 0, "ended_with_maker": 0, "dropped_after_retirement": 0}
    kept = []
    for o in offers:
        alive = True
        for r in rules:
            if r["channel"] in ("*", o["channel"]) and any(fnmatch(o["model"], g) for g in r["models"]):
                before = o["effective_to"]
                stated = r.get("stated") or instant_text(r["on"])
                alive = _end(o, first_day(r["on"]), f"no longer sold since {stated}: {r['reason']}")
                stats["retired_by_rule"] += alive and before != o["effective_to"]
                if not alive:
                    break
        if alive:
            kept.append(o)
        else:
            stats["dropped_after_retirement"] += 1
    by_id = {m["id"]: m for m in models}
    makers_last: dict[str, date | None] = {}
    for o in kept:
        m = by_id.get(o["model"])
        if m is None or not proprietary(m) or not _makers_own(o, m, channels):
            continue
        end = None if o["effective_to"] is None else date.fromisoformat(o["effective_to"])
        prev = makers_last.get(o["model"], date.min)
        makers_last[o["model"]] = None if end is None or prev is None else max(prev, end)
    out = []
    for o in kept:
        last = makers_last.get(o["model"])
        m = by_id.get(o["model"])
        if last is not None and m is not None and _reseller(o, m, channels):
            note = f"no longer sold since {last.isoformat()}: the maker's own endpoint ended then (proprietary weights)"
            before = o["effective_to"]
            if not _end(o, last, note):
                stats["dropped_after_retirement"] += 1
                continue
            stats["ended_with_maker"] += before != o["effective_to"]
        out.append(o)
    return out, stats


def _reseller(offer: dict, model: dict, channels: dict[str, dict]) -> bool:
    """An aggregator, or another maker's API reselling it; clouds host licensed weights on their own schedule
    (Claude on Bedrock outlives Anthropic's API endpoint for a model), so they are not held to the maker's."""
    kind = channels.get(offer["channel"], {}).get("kind")
    return kind == "aggregator" or (kind == "direct" and not _makers_own(offer, model, channels))


def _makers_own(offer: dict, model: dict, channels: dict[str, dict]) -> bool:
    ch = channels.get(offer["channel"], {})
    maker = model["maker"]
    if ch.get("kind") == "direct" and (ch.get("maker") or ch.get("id")) == maker:
        return True
    return OPERATED_BY.get(offer["channel"]) == maker
