"""Importer for OpenRouter's own API JSON: `/api/v1/models` and `/api/v1/models/{author}/{slug}/endpoints`.

Prices there are USD per token as decimal strings (read exactly). The models list gives the price of the
default route; each endpoint gives one provider's price for the same model id, so the spread that default
routing hides becomes one `provider-<tag>` variant per provider. Negative prices (OpenRouter's "-1" for
router models whose price depends on the pick) and $0 text prices (`:free`) are not imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from billpath.catalog.importers.common import Imported, tier_dict
from billpath.money import MTOK

SOURCE = "openrouter"
MODELS_URL = "https://openrouter.ai/api/v1/models"
_FIELDS = {
    "input_per_mtok": "prompt",
    "output_per_mtok": "completion",
    "cache_read_per_mtok": "input_cache_read",
    "cache_write_5m_per_mtok": "input_cache_write",
    "reasoning_per_mtok": "internal_reasoning",
}
_SLUG = re.compile(r"[^a-z0-9]+")


def _num(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def tiers_from(pricing: dict) -> list[dict] | None:
    """One tier from an OpenRouter `pricing` object; None when it is not a token price."""
    prices = {}
    for name, key in _FIELDS.items():
        value = _num(pricing.get(key))
        prices[name] = None if value is None else value * MTOK
    inp, out = prices["input_per_mtok"], prices["output_per_mtok"]
    if inp is None or out is None or inp < 0 or out < 0 or (inp == 0 and out == 0):
        return None
    if prices["reasoning_per_mtok"] in (None, Decimal(0)):
        prices["reasoning_per_mtok"] = None  # "0" here means: billed as completion tokens
    for name in ("cache_read_per_mtok", "cache_write_5m_per_mtok"):
        value = prices[name]
        if value is not None and value <= 0:
            prices[name] = None
    request = _num(pricing.get("request"))
    prices["per_request"] = request if request and request > 0 else None
    return [tier_dict(0, prices)]


def _created(entry: dict) -> date | None:
    ts = entry.get("created")
    if not isinstance(ts, int | float) or ts <= 0:
        return None
    return datetime.fromtimestamp(ts, UTC).date()


def _features(entry: dict, tiers: list[dict]) -> dict:
    return {
        "prompt_caching": tiers[0]["cache_read_per_mtok"] is not None,
        "max_context_tokens": entry.get("context_length"),
    }


def _usable(model_id: str) -> bool:
    return bool(model_id) and not model_id.endswith(":free") and "/" in model_id


def model_records(data: dict, checked: str, url: str = MODELS_URL) -> Iterator[Imported]:
    """Records from a `/api/v1/models` response."""
    for entry in data.get("data", []):
        mid = entry.get("id", "")
        tiers = tiers_from(entry.get("pricing") or {})
        if not _usable(mid) or tiers is None:
            continue
        ids = [mid, *([entry["canonical_slug"]] if entry.get("canonical_slug") not in (None, mid) else [])]
        yield Imported(
            source=SOURCE,
            provider="openrouter",
            raw_id=mid,
            ids=ids,
            channel="openrouter",
            location="standard",
            tier=None,
            tiers=tiers,
            features=_features(entry, tiers),
            url=url,
            checked=checked,
            version="api",
            name=entry.get("name"),
            context=entry.get("context_length"),
            notes=[_added(entry)] if _created(entry) else [],
        )


def _added(entry: dict) -> str:
    return f"listed on OpenRouter since {_created(entry)}"


def endpoint_records(data: dict, checked: str, url: str = MODELS_URL) -> Iterator[Imported]:
    """Records from a `/api/v1/models/{author}/{slug}/endpoints` response: one variant per provider."""
    model = data.get("data") or {}
    mid = model.get("id", "")
    if not _usable(mid):
        return
    for ep in model.get("endpoints", []):
        tiers = tiers_from(ep.get("pricing") or {})
        if tiers is None:
            continue
        tag = ep.get("tag") or ep.get("provider_name") or ""
        slug = _SLUG.sub("-", tag.lower()).strip("-")
        if not slug:
            continue
        quant = ep.get("quantization")
        notes = [f"served by {ep.get('provider_name') or tag} (pin it with provider routing)"]
        if quant and quant != "unknown":
            notes.append(f"quantization: {quant}")
        yield Imported(
            source=SOURCE,
            provider="openrouter",
            raw_id=mid,
            ids=[],
            channel="openrouter",
            location=f"provider-{slug}",
            tier=None,
            tiers=tiers,
            features=_features(ep, tiers),
            url=url.rstrip("/") + f"/{mid}/endpoints" if url == MODELS_URL else url,
            checked=checked,
            version="api",
            name=model.get("name"),
            context=ep.get("context_length"),
            notes=notes,
        )


def records(data: dict, checked: str, url: str = MODELS_URL) -> Iterator[Imported]:
    """Either response shape: a models list (`data` is a list) or one model's endpoints (`data.endpoints`)."""
    body = data.get("data")
    if isinstance(body, list):
        yield from model_records(data, checked, url)
    elif isinstance(body, dict) and "endpoints" in body:
        yield from endpoint_records(data, checked, url)
