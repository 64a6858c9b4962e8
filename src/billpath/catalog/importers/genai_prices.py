"""Importer for the genai-prices package data (vendored extract: catalog/sources/genai-prices.json).

genai-prices states prices per million tokens in Decimal, with dated price blocks (a price change is a
new block: imported as a dated offer) and request-context variants (batch, flex, priority, fast).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path

from billpath.catalog.importers.common import SINCE_UNKNOWN, Imported, dec, number, ratio, tier_dict
from billpath.catalog.importers.vendor import GP_FILE
from billpath.money import exact

SOURCE = "genai-prices"
KEYS = {
    "input_mtok": "input_per_mtok",
    "output_mtok": "output_per_mtok",
    "cache_read_mtok": "cache_read_per_mtok",
    "cache_write_mtok": "cache_write_5m_per_mtok",
    "cache_write_1h_mtok": "cache_write_1h_per_mtok",
    "output_reasoning_mtok": "reasoning_per_mtok",
    "requests_kcount": "per_request",
}
# genai-prices provider id -> billpath channel (providers not listed are not imported)
CHANNELS = {
    "anthropic": "anthropic",
    "openai": "openai",
    "google": "google",
    "deepseek": "deepseek",
    "aws": "aws-bedrock",
    "azure": "azure",
    "openrouter": "openrouter",
    "together": "together",
    "fireworks": "fireworks",
    "groq": "groq",
    "mistral": "mistral",
    "x-ai": "xai",
    "cohere": "cohere",
    "cerebras": "cerebras",
    "perplexity": "perplexity",
    "moonshotai": "moonshot",
    "zai": "zai",
    "minimax": "minimax",
    "novita": "novita",
    "databricks": "databricks",
    "cloudflare": "cloudflare",
    "baseten": "baseten",
    "ovhcloud": "ovhcloud",
}
TIER_WHEN = {
    ("service_tier", "priority"): "priority",
    ("service_tier", "flex"): "flex",
    ("service_tier", "fast"): "priority",  # genai-prices' OpenAI `fast` is the priority tier
    ("speed", "fast"): "fast",
}


def channel_for(provider: str, model_id: str) -> str | None:
    """genai-prices' `google` provider serves the Gemini API and Vertex: partner models are Vertex offers."""
    channel = CHANNELS.get(provider)
    if channel == "google" and not model_id.startswith(("gemini", "gemma", "learnlm")):
        return "google-vertex"
    return channel


def tiers_from(prices: dict, keys: dict[str, str] = KEYS) -> list[dict] | None:
    """Snapshot tiers from one price block; tiered components become one tier per threshold. None: no token price."""
    flat: dict[str, Decimal | None] = {}
    tiered: dict[str, list[tuple[int, Decimal]]] = {}
    for key, field in keys.items():
        value = prices.get(key)
        if value is None:
            continue
        scale = Decimal(1000) if key == "requests_kcount" else Decimal(1)
        if isinstance(value, dict):
            flat[field] = number(value["base"]) / scale
            tiered[field] = [(int(start), number(p) / scale) for start, p in value["tiers"]]
        else:
            flat[field] = number(value) / scale
    if flat.get("input_per_mtok") is None or flat.get("output_per_mtok") is None:
        return None
    out = [tier_dict(0, flat)]
    for above in sorted({start for steps in tiered.values() for start, _ in steps}):
        at = dict(flat)
        for field, steps in tiered.items():
            for start, price in steps:
                if start <= above:
                    at[field] = price
        out.append(tier_dict(above, at))
    return out


def _location(provider: str, model_id: str) -> str:
    if provider == "aws":
        if model_id.startswith("global."):
            return "global"
        return "us-gov" if model_id.startswith("us-gov.") else "regional"
    if provider == "azure":
        return "global"  # genai-prices' Azure prices are the Global deployment's
    return "standard"


def _user_ids(provider: str, ids: list[str]) -> list[str]:
    """Ids a user may log: genai-prices' pseudo `regional.` prefix is not a real Bedrock id."""
    return [i for i in ids if not i.startswith("regional.") and not i.endswith((":free", ":batch"))]


def _batch(base: dict, variant: dict) -> tuple[Decimal | None, bool]:
    """A batch variant as a multiplier on the base price, when input and output share one ratio."""
    r_in = ratio(_flat(variant.get("input_mtok")), _flat(base.get("input_mtok")))
    r_out = ratio(_flat(variant.get("output_mtok")), _flat(base.get("output_mtok")))
    if r_in is None or r_in != r_out:
        return None, True
    cr_base, cr_var = _flat(base.get("cache_read_mtok")), _flat(variant.get("cache_read_mtok"))
    discounts_cache = not (cr_var is None or cr_var == cr_base)
    return r_in, discounts_cache


def _flat(value: object) -> Decimal | None:
    """The base price of a possibly tiered genai-prices value."""
    return dec(value["base"]) if isinstance(value, dict) else dec(value)


Block = tuple[date, dict, list[str], dict | None]  # start, prices, notes, time-of-day schedule (snapshot form)
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
NO_WEEKDAYS = (
    "genai-prices states its peak windows for every day (it has no day of the week): a channel that is "
    "off-peak at weekends is priced at peak then, an upper bound"
)


def _blocks(entry: dict) -> list[Block]:
    """Dated price blocks. Time-of-day blocks (genai-prices: a price that holds between two UTC times of every
    day) become the schedule of the latest dated block: their price is its peak price, the dated block's its
    off-peak price, when that is one multiple of every peak price. Otherwise the peak block is priced at
    every hour, with a note (an upper bound)."""
    blocks = entry["prices"]
    timed = [b for b in blocks if "time_of_day" in b]
    out: list[Block] = []
    for b in blocks:
        if "time_of_day" not in b:
            start = date.fromisoformat(b["start_date"]) if "start_date" in b else SINCE_UNKNOWN
            out.append((start, b["prices"], [], None))
    if not timed:
        return out
    schedule = _schedule(timed, out[-1][1]) if out else None
    if schedule is None:
        peak = timed[0]
        note = (
            f"time-of-day prices: the {'-'.join(peak['time_of_day'])} UTC block is used at every hour (an upper bound)"
        )
        return [(SINCE_UNKNOWN, peak["prices"], [note], None)]
    start, _, notes, _ = out[-1]
    out[-1] = (start, timed[0]["prices"], notes, schedule)
    return out


def _schedule(timed: list[dict], off_peak: dict) -> dict | None:
    """The schedule of `timed` blocks over the `off_peak` prices (snapshot form), or None when it is not one:
    the blocks must share one price, and the off-peak prices be one multiple (0 to 1) of every one of it."""
    peak = timed[0]["prices"]
    if any(b["prices"] != peak for b in timed) or set(peak) != set(off_peak):
        return None
    ratios = set()
    for key, value in peak.items():
        if isinstance(value, dict) or isinstance(off_peak[key], dict):
            return None  # tiered prices: no single multiple
        p, o = number(value), number(off_peak[key])
        if p == 0:
            if o != 0:
                return None
            continue
        ratios.add(o / p)
    if len(ratios) != 1:
        return None
    (ratio,) = ratios
    if not 0 < ratio <= 1 or ratio != ratio.quantize(Decimal("0.0001")):
        return None
    windows = []
    for b in timed:
        clocks = [_utc_clock(t) for t in b["time_of_day"]]
        if None in clocks:
            return None
        start, end = clocks
        assert start is not None and end is not None
        if end == "00:00":
            end = "24:00"
        if end > start:
            windows.append({"days": EVERY_DAY, "start": start, "end": end})
        else:  # across midnight: two windows
            windows += [
                {"days": EVERY_DAY, "start": start, "end": "24:00"},
                {"days": EVERY_DAY, "start": "00:00", "end": end},
            ]
    return {"peak": windows, "off_peak_multiplier": exact(ratio.normalize()), "note": NO_WEEKDAYS}


def _utc_clock(text: str) -> str | None:
    """genai-prices' "01:00:00+00:00" as "01:00" (None: not a whole minute in UTC)."""
    t = time.fromisoformat(text)
    if t.utcoffset() not in (None, timedelta(0)) or t.second or t.microsecond:
        return None
    return f"{t.hour:02d}:{t.minute:02d}"


def load(path: Path = GP_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def records(data: dict | None = None) -> Iterator[Imported]:
    """Every token-priced genai-prices model on a mapped channel, one record per dated block and tier."""
    data = data if data is not None else load()
    src = data["source"]
    urls = {p["id"]: (p["pricing_urls"] or [src["url"]])[0] for p in data["providers"]}
    batch_ids = {
        (e["provider"], e["id"].removesuffix(":batch")): e for e in data["models"] if e["id"].endswith(":batch")
    }
    for entry in data["models"]:
        if not entry["id"].endswith((":free", ":batch")):
            yield from _entry_records(entry, src, urls, batch_ids.get((entry["provider"], entry["id"])))


def _entry_records(entry: dict, src: dict, urls: dict, batch_entry: dict | None) -> Iterator[Imported]:
    provider, mid = entry["provider"], entry["id"]
    channel = channel_for(provider, mid)
    if channel is None:
        return
    raw, tier_name = mid, None
    if provider == "openrouter" and mid.endswith("-fast"):  # OpenRouter's fast-mode id is a service tier
        raw, tier_name = mid.removesuffix("-fast"), "fast"
    blocks = _blocks(entry)
    batch_mult, batch_cache = None, True
    for v in entry.get("variants", []):
        if v["when"] == {"processing": "batch"}:
            batch_mult, batch_cache = _batch(blocks[-1][1], v["prices"])
    if batch_entry is not None:  # OpenRouter's `:batch` id
        batch_mult, batch_cache = _batch(blocks[-1][1], batch_entry["prices"][-1]["prices"])
    common = {
        "source": SOURCE,
        "provider": provider,
        "raw_id": raw,
        "ids": _user_ids(provider, entry["ids"]),
        "channel": channel,
        "location": _location(provider, mid),
        "url": urls.get(provider, src["url"]),
        "checked": src["checked"],
        "version": src["version"],
        "name": entry.get("name"),
        "context": entry.get("context_window"),
    }
    for start, prices, notes, schedule in blocks:
        tiers = tiers_from(prices)
        if tiers is not None:
            yield Imported(
                **common,
                tier=tier_name,
                tiers=tiers,
                effective_from=start,
                batch_multiplier=batch_mult if tier_name is None else None,
                batch_discounts_cache=batch_cache,
                features=_features(prices, tiers, entry),
                notes=list(notes),
                time_of_day=schedule,
            )
    yield from _service_tiers(entry, blocks, common)


def _service_tiers(entry: dict, blocks: list, common: dict) -> Iterator[Imported]:
    seen = set()
    for v in entry.get("variants", []):
        items = tuple(v["when"].items())
        name = TIER_WHEN.get(items[0]) if len(items) == 1 else None
        if name is None or name in seen:
            continue  # service_tier=priority and =fast both name OpenAI's priority tier: the first wins
        seen.add(name)
        merged = {**blocks[-1][1], **v["prices"]}
        tiers = tiers_from(merged)
        if tiers is None:
            continue
        start = date.fromisoformat(v["start_date"]) if "start_date" in v else SINCE_UNKNOWN
        yield Imported(
            **common,
            tier=name,
            tiers=tiers,
            effective_from=max(start, blocks[-1][0]),
            features=_features(merged, tiers, entry),
            notes=[f"{name} service tier ({'='.join(items[0])})"],
        )


def _features(prices: dict, tiers: list[dict], entry: dict) -> dict:
    return {
        "prompt_caching": prices.get("cache_read_mtok") is not None,
        "cache_1h": prices.get("cache_write_1h_mtok") is not None,
        "long_context": len(tiers) > 1,
        "max_context_tokens": entry.get("context_window"),
    }
