"""Importer for litellm's price map (vendored, trimmed copy: catalog/sources/litellm.json). Never imports litellm.

litellm states prices per token as JSON floats; each is read through its shortest repr into an exact
Decimal and scaled to per million tokens. It has no price history and no OpenRouter entries. An entry
priced 0 in and 0 out is not a price (litellm's own fallback would bill unknown names at $0): skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

from billpath.catalog.importers.common import Imported, clean_price, dec, ratio, tier_dict
from billpath.catalog.importers.vendor import LL_FILE
from billpath.money import MTOK, exact

SOURCE = "litellm"
# litellm_provider -> billpath channel (providers not listed are not imported)
CHANNELS = {
    "openai": "openai",
    "anthropic": "anthropic",
    "gemini": "google",
    "deepseek": "deepseek",
    "bedrock": "aws-bedrock",
    "bedrock_converse": "aws-bedrock",
    "bedrock_mantle": "aws-bedrock",
    "azure": "azure",
    "azure_ai": "azure",
    "vertex_ai": "google-vertex",
    "together_ai": "together",
    "fireworks_ai": "fireworks",
    "groq": "groq",
    "mistral": "mistral",
    "xai": "xai",
    "cohere_chat": "cohere",
    "cerebras": "cerebras",
    "perplexity": "perplexity",
    "moonshot": "moonshot",
    "zai": "zai",
    "minimax": "minimax",
    "deepinfra": "deepinfra",
    "novita": "novita",
    "nebius": "nebius",
    "sambanova": "sambanova",
    "databricks": "databricks",
    "cloudflare": "cloudflare",
    "baseten": "baseten",
    "ovhcloud": "ovhcloud",
    "dashscope": "alibaba",  # Alibaba Cloud Model Studio (Qwen's maker; it also resells DeepSeek, GLM, Kimi)
    "meta": "meta",  # Meta's own API (ai.developer.meta.com)
}
# litellm key prefixes that name the provider (or a route inside it), not the model
_PREFIXES = tuple(sorted({*CHANNELS, "vertex_ai", "cohere", "moonshot", "together-ai"}, key=len, reverse=True))
_FIELDS = {
    "input_per_mtok": "input_cost_per_token",
    "output_per_mtok": "output_cost_per_token",
    "cache_read_per_mtok": "cache_read_input_token_cost",
    "cache_write_5m_per_mtok": "cache_creation_input_token_cost",
    "cache_write_1h_per_mtok": "cache_creation_input_token_cost_above_1hr",
    "reasoning_per_mtok": "output_cost_per_reasoning_token",
}
_ABOVE = re.compile(r"^input_cost_per_token_above_(\d+)k_tokens$")
_AWS_REGION = re.compile(r"^(us|eu|ap|ca|sa|me|af|il|mx)(-gov)?-[a-z]+-\d$")
SERVICE_TIERS = ("priority", "flex")
CLAUDE_PLATFORM_AWS = "claude-platform-aws"  # litellm files it under bedrock/claude_platform/


def channel_for(provider: str) -> str | None:
    if provider.startswith("vertex_ai"):
        return "google-vertex"
    return CHANNELS.get(provider)


def split_key(key: str, provider: str) -> tuple[str, str] | None:
    """A litellm key -> (model part, location); None for routes billpath does not model."""
    parts = key.split("/")
    if parts[0] in _PREFIXES or parts[0].replace("_", "-") in _PREFIXES:
        parts = parts[1:]
    location = "standard"
    channel = channel_for(provider)
    if channel == "aws-bedrock":
        if parts and parts[0] == "claude_platform":
            return "/".join(parts[1:]), "standard"  # Anthropic's own API billed through AWS: its own channel
        if len(parts) > 1 and _AWS_REGION.match(parts[0]):
            region = parts.pop(0)
            location = "us-gov" if "-gov-" in region else region
        model = "/".join(parts)
        if model.startswith("global."):
            location = "global"
        elif model.startswith("us-gov."):
            location = "us-gov"
        elif location == "standard":
            location = "regional"
        return model, location
    if channel == "azure":
        if provider == "azure" and len(parts) > 1 and parts[0] in ("us", "eu", "apac", "global"):
            zone = parts.pop(0)
            location = "global" if zone == "global" else "data-zone"
        else:
            location = "global"
        model = "/".join(parts)
        if provider == "azure_ai" and model.startswith("FW-"):
            return model[3:], "fireworks"  # Fireworks-hosted deployment in Azure AI Foundry
        return model, location
    if channel == "google-vertex":
        return "/".join(parts), "global"
    model = "/".join(parts)
    if provider == "databricks" and model.startswith("databricks-"):
        model = model[len("databricks-") :]
    return model, location


def _logged_id(key: str) -> str:
    """The id the channel's own API takes: the litellm key without its provider route (`deepinfra/Qwen/QwQ-32B`
    is logged as `Qwen/QwQ-32B`; `bedrock/us-gov-west-1/…` keeps its region, which names the endpoint)."""
    head, _, rest = key.partition("/")
    return rest if rest and (head in _PREFIXES or head.replace("_", "-") in _PREFIXES) else key


def _per_mtok(entry: dict, field: str, suffix: str = "") -> Decimal | None:
    value = dec(entry.get(field + suffix))
    return None if value is None else value * MTOK


def _tiers(entry: dict, suffix: str = "") -> list[dict] | None:
    flat = {name: _per_mtok(entry, field, suffix) for name, field in _FIELDS.items()}
    if flat["input_per_mtok"] is None or flat["output_per_mtok"] is None:
        return None
    if flat["input_per_mtok"] == 0 and flat["output_per_mtok"] == 0:
        return None  # no price: litellm's $0 placeholder
    per_request = dec(entry.get("input_cost_per_request"))
    flat["per_request"] = per_request if not suffix else None
    out = [tier_dict(0, flat)]
    thresholds = sorted({int(m.group(1)) for k in entry if (m := _ABOVE.match(k))})
    for k in thresholds:
        tag = f"_above_{k}k_tokens"
        at = dict(flat)
        for name, field in _FIELDS.items():
            if name == "cache_write_1h_per_mtok":
                value = _per_mtok(entry, f"cache_creation_input_token_cost_above_1hr{tag}", suffix)
            else:
                value = _per_mtok(entry, field + tag, suffix)
            if value is not None:
                at[name] = value
        if f"input_cost_per_token{tag}{suffix}" not in entry and f"output_cost_per_token{tag}{suffix}" not in entry:
            continue
        out.append(tier_dict(k * 1000, at))
    return out


def _batch(entry: dict) -> tuple[Decimal | None, bool]:
    r_in = ratio(dec(entry.get("input_cost_per_token_batches")), dec(entry.get("input_cost_per_token")))
    r_out = ratio(dec(entry.get("output_cost_per_token_batches")), dec(entry.get("output_cost_per_token")))
    if r_in is None or r_in != r_out:
        return None, True
    cr, cr_b = entry.get("cache_read_input_token_cost"), entry.get("cache_read_input_token_cost_batches")
    return r_in, not (cr_b is not None and cr_b == cr)


def load(path: Path = LL_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def records(data: dict | None = None) -> Iterator[Imported]:
    """Every priced litellm chat entry on a mapped channel; priority/flex prices as service tiers."""
    data = data if data is not None else load()
    for key, entry in data["models"].items():
        yield from _entry_records(key, entry, data["source"])


def _entry_records(key: str, entry: dict, src: dict) -> Iterator[Imported]:
    provider = entry.get("litellm_provider", "")
    channel = channel_for(provider)
    if channel == "aws-bedrock" and key.startswith("bedrock/claude_platform/"):
        channel = CLAUDE_PLATFORM_AWS
    split = split_key(key, provider) if channel else None
    tiers = _tiers(entry)
    if channel is None or split is None or tiers is None or not split[0] or split[0].startswith("ft:"):
        return
    model, location = split
    retired, retired_note = _retirement(entry)
    batch_mult, batch_cache = _batch(entry)
    common = {
        "source": SOURCE,
        "provider": provider,
        "raw_id": model,
        "ids": list(dict.fromkeys([key, _logged_id(key)])),
        "channel": channel,
        "url": entry.get("source") or src["url"],
        "checked": src["checked"],
        "version": src["version"],
        "context": entry.get("max_input_tokens"),
        "effective_to": retired,
        "features": _features(entry, tiers),
    }
    batch = {"batch_multiplier": batch_mult, "batch_discounts_cache": batch_cache}
    yield Imported(**common, **batch, location=location, tier=None, tiers=tiers, notes=retired_note)
    uplift = dec(entry.get("regional_endpoint_uplift_multiplier"))
    if channel == "google-vertex" and uplift and uplift != 1:
        note = f"regional endpoint: x{uplift} over global (litellm uplift multiplier)"
        regional = [_scale(t, uplift) for t in tiers]
        yield Imported(**common, **batch, location="regional", tier=None, tiers=regional, notes=[note, *retired_note])
    for name in SERVICE_TIERS:
        st = _tiers(entry, f"_{name}")
        if st is not None:
            yield Imported(
                **common, location=location, tier=name, tiers=st, notes=[f"{name} service tier", *retired_note]
            )


def _features(entry: dict, tiers: list[dict]) -> dict:
    return {
        "prompt_caching": tiers[0]["cache_read_per_mtok"] is not None,
        "cache_1h": tiers[0]["cache_write_1h_per_mtok"] is not None,
        "extended_thinking": bool(entry.get("supports_reasoning")),
        "web_search": bool(entry.get("supports_web_search")),
        "long_context": len(tiers) > 1,
        "max_context_tokens": entry.get("max_input_tokens"),
    }


def _retirement(entry: dict) -> tuple[date | None, list[str]]:
    """litellm's `deprecation_date` is the day the model stops answering: the offer ends there."""
    when = entry.get("deprecation_date")
    try:
        day = date.fromisoformat(when) if isinstance(when, str) else None
    except ValueError:
        return None, []
    if day is None:
        return None, []
    return day, [f"retired {day.isoformat()} (litellm deprecation_date)"]


def _scale(tier: dict, factor: Decimal) -> dict:
    out = {}
    for k, v in tier.items():
        out[k] = v if k == "above_input_tokens" or v is None else exact(clean_price(Decimal(v) * factor))
    return out
