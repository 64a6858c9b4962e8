"""`billpath catalog update SOURCE [--from URL|FILE]`: the only code path that touches the network, and only
when asked. It reads a source's current price data, maps it onto the catalog's models, shows what changed
against the bundled snapshot, and writes a user-level override file (never the installed package).

An override offer starts on the day it was fetched: usage dated before keeps the bundled price.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from billpath.catalog.local_updates import write_override
from billpath.catalog.store import Offer, offer_from_dict
from billpath.errors import UsageError

DEFAULT_URLS = {
    "openrouter": "https://openrouter.ai/api/v1/models",
    "litellm": "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
}
SOURCES = ("openrouter", "litellm", "genai-prices")
COMPARED = ("input_per_mtok", "output_per_mtok", "cache_read_per_mtok", "cache_write_5m_per_mtok")


def fetch_json(location: str) -> dict:
    """A JSON document from a local file or an http(s) URL (the network is touched only here)."""
    if location.startswith(("http://", "https://")):
        import urllib.request

        request = urllib.request.Request(location, headers={"User-Agent": "billpath catalog update"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
        except OSError as exc:
            raise UsageError(f"could not fetch {location}: {exc}") from None
    else:
        path = Path(location)
        if path.exists() and not path.is_file():  # a FIFO or device would block, a directory cannot be read
            raise UsageError(f"could not read {location}: not a regular file")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"could not read {location}: {exc.strerror or exc}") from None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:  # bad JSON, too-long integers, nesting past the stack
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise UsageError(
            f"{location} is not JSON billpath can read ({detail}); give the source's JSON file or URL"
        ) from None


def _read_source(source: str, data: object, checked: str, location: str) -> list:
    """The source's records; a document of another shape is a one-line error naming it (never a KeyError)."""
    from billpath.catalog.update_check import MALFORMED

    if not isinstance(data, dict):
        raise UsageError(f"{location}: expected a JSON object from {source}, got {type(data).__name__}")
    try:
        return _records(source, data, checked, location)
    except UsageError:
        raise
    except (*MALFORMED, ArithmeticError, RecursionError) as exc:
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise UsageError(f"{location} is not {source} price data billpath can read ({detail})") from None


def _records(source: str, data: dict, checked: str, location: str) -> list:
    if source == "openrouter":
        from billpath.catalog.importers import openrouter

        url = location if location.startswith("http") else openrouter.MODELS_URL
        return list(openrouter.records(data, checked, url))
    if source == "litellm":
        from billpath.catalog.importers import litellm
        from billpath.catalog.importers.vendor import trim_litellm_data

        trimmed = data if "models" in data and "source" in data else trim_litellm_data(data, "live")
        trimmed["source"]["checked"] = checked
        return list(litellm.records(trimmed))
    from billpath.catalog.importers import genai_prices

    if "models" not in data or "source" not in data:
        raise UsageError(
            "genai-prices updates read billpath's extract format: run "
            "`python -m billpath.catalog.importers.vendor genai-prices` with the newer package installed"
        )
    data["source"]["checked"] = checked
    return list(genai_prices.records(data))


def endpoint_urls(models: list[str]) -> list[str]:
    """OpenRouter's per-provider endpoints URL for each model (named any way the catalog knows it)."""
    from billpath.catalog.store import load_catalog

    catalog = load_catalog()
    urls = []
    for name in models:
        model = catalog.resolve(name).model
        ids = [i for o in catalog.offers_for(model) if o.channel == "openrouter" for i in o.ids if "/" in i]
        ids = [i for i in ids if not i.startswith("openrouter/")]
        if not ids:
            raise UsageError(f"{model} has no OpenRouter id in the catalog: give its endpoints URL with --from")
        urls.append(f"https://openrouter.ai/api/v1/models/{ids[0].split(':')[0]}/endpoints")
    return urls


def plan_update(
    source: str,
    locations: list[str],
    today: date | None = None,
    endpoints: list[str] = (),
    unit_check: Callable[[Offer], list[str]] | None = None,
) -> dict:
    """Read the source, merge it onto the catalog's models, check every offer as the bundled catalog is
    checked (plus: no component the bundled offer charges for becomes $0; `unit_check`, the pricing
    engines' own test that its prices are representable), and diff the rest against the bundled offers.

    Offers that fail are left out of the override and listed under `refused` with their reasons.
    """
    from billpath.catalog.importers import merge
    from billpath.catalog.store import SNAPSHOT, Catalog, load_catalog
    from billpath.catalog.update_check import update_problems

    if source not in SOURCES:
        raise UsageError(f"unknown source {source!r}; known: {', '.join(SOURCES)}")
    if endpoints and source != "openrouter":
        raise UsageError("--endpoints is for openrouter only")
    locations = [*locations, *endpoint_urls(list(endpoints))]
    locations = locations or ([DEFAULT_URLS[source]] if source in DEFAULT_URLS else [])
    if not locations:
        raise UsageError(f"give --from FILE for {source}")
    today = today or date.today()
    checked = today.isoformat()
    records = []
    for location in locations:
        for r in _read_source(source, fetch_json(location), checked, location):
            r.source, r.effective_from = "update", today
            r.notes = [*r.notes, f"user update from {source} ({location}), fetched {checked}"]
            records.append(r)
    bundled = load_catalog(SNAPSHOT) if SNAPSHOT.exists() else Catalog({}, {})
    channels = set(bundled.channels)
    records = [r for r in records if r.channel in channels]
    models = [SimpleNamespace(id=m.id, aliases=m.aliases) for m in bundled.models.values()]
    seed = [{"model": o.model, "ids": list(o.ids)} for o in bundled.offers]
    try:
        result = merge.run(records, models, [], today, seed_offers=seed)
    except (ArithmeticError, TypeError, ValueError, KeyError, AttributeError) as exc:
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise UsageError(f"{source} data from {', '.join(locations)} could not be merged ({detail})") from None
    changed, added, unchanged, refused, kept = [], [], 0, [], []
    known_models = set(bundled.models) | {m["id"] for m in result.models}
    for o in result.offers:
        o["source"]["note"] = f"catalog update {source}"
        old = _current(bundled, o, today)
        if old is not None and old.batch_multiplier is not None and o["batch_multiplier"] is None:
            o["batch_multiplier"] = str(old.batch_multiplier)  # the source does not state batch: keep ours
            o["notes"].append("batch multiplier kept from the bundled catalog")
        problems = update_problems(o, known_models, channels, old)
        if not problems and unit_check is not None:
            problems = unit_check(offer_from_dict(o))
        if problems:  # the same checks as the bundled catalog: refused, the bundled price stays
            refused.append({**_row(o, None), "problems": problems})
            continue
        kept.append(o)
        if old is None:
            added.append(_row(o, None))
            continue
        diffs = _diff(old, o)
        if diffs:
            changed.append(_row(o, diffs))
        else:
            unchanged += 1
    used = {o["model"] for o in kept}
    new_models = [m for m in result.models if m["id"] in used]
    return {
        "source": source,
        "from": locations,
        "fetched": checked,
        "changed": changed,
        "added": added,
        "unchanged": unchanged,
        "refused": refused,
        "new_models": [m["id"] for m in new_models],
        "override": {
            "source": source,
            "from": locations,
            "fetched": checked,
            "models": new_models,
            "offers": kept,
        },
    }


def _current(catalog, offer: dict, at: date):
    for o in catalog.offers_at(offer["model"], at):
        if o.channel == offer["channel"] and o.variant == offer["variant"]:
            return o
    return None


def _diff(old, new: dict) -> list[dict]:
    out = []
    base = old.tiers[0]
    for f in COMPARED:
        a, b = getattr(base, f), new["tiers"][0][f]
        if b is not None and (a is None or a != Decimal(b)):
            out.append({"field": f, "old": None if a is None else str(a), "new": b})
    return out


def _row(o: dict, diffs: list[dict] | None) -> dict:
    return {"model": o["model"], "channel": o["channel"], "variant": o["variant"], "differences": diffs or []}


def apply_update(plan: dict) -> Path | None:
    """Write the checked override atomically (nothing when every offer was refused)."""
    if not plan["override"]["offers"]:
        return None
    return write_override(plan["source"], plan["override"])
