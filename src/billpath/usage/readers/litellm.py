"""LiteLLM proxy SpendLogs exports (`LiteLLM_SpendLogs` rows as CSV, a JSON array or JSON Lines).

`prompt_tokens` follows the OpenAI shape: cache reads and writes are INSIDE it. The cache and
reasoning counts live in the `metadata` JSON (its `usage_object`, or top-level keys). The channel
comes from `custom_llm_provider` (`bedrock`, `vertex_ai`, `azure`, `openrouter`, …) and the model id
form (`us.` prefix, `azure/eu/`). `spend` is LiteLLM's own float estimate, kept for reconciliation
(0.0 for models its tables do not know). `model_group` is the proxy's alias, not a model id.
"""

from __future__ import annotations

import json
from pathlib import Path

from billpath.errors import BillpathError
from billpath.usage.readers.base import (
    Sink,
    csv_records,
    guarded,
    iter_json_records,
    need,
    num,
    parse_json,
    position,
    records,
    sniff,
    text,
)

MARKERS = ("spend", "prompt_tokens")


def looks_like(obj: object) -> bool:
    rows = records(obj, "data", "logs")
    first = rows[0] if rows else None
    return (
        isinstance(first, dict)
        and all(k in first for k in MARKERS)
        and ("custom_llm_provider" in first or "request_id" in first or "model_group" in first)
    )


def looks_like_header(header: list[str]) -> bool:
    names = {h.strip().lower() for h in header}
    return all(k in names for k in MARKERS) and bool({"custom_llm_provider", "request_id", "model_group"} & names)


def read(path: Path, sink: Sink) -> None:
    if sniff(path) == "text":  # CSV or JSON by content, never by name
        _read_csv(path, sink)
        return
    index = 0
    for line, doc in iter_json_records(path, sink):
        for rec in records(doc, "data", "logs") if line == 0 else [doc]:
            index += 1
            _row(position(line, index - 1), rec, sink)


def _read_csv(path: Path, sink: Sink) -> None:
    _, names, rows = csv_records(path, sink, lambda h: h.strip().lower())
    for start, cells in rows:
        _row(start, dict(zip(names, cells, strict=True)), sink)


def _metadata(value: object) -> dict:
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            value = parse_json(value)
        except json.JSONDecodeError as exc:
            raise BillpathError(f"metadata is not valid JSON: {exc.msg}") from None
        except (ValueError, RecursionError) as exc:
            raise BillpathError(f"metadata is not valid JSON: {exc}") from None
    return value if isinstance(value, dict) else {}


def _get(d: object, *path: str) -> object:
    for p in path:
        if not isinstance(d, dict):
            return None
        d = d.get(p)
    return d


@guarded
def _row(where: int, rec: object, sink: Sink) -> None:
    if not isinstance(rec, dict):
        sink.reject(where, "expected a SpendLogs row object")
        return
    try:
        meta = _metadata(rec.get("metadata"))
        usage = meta.get("usage_object") if isinstance(meta.get("usage_object"), dict) else meta
        prompt = need(rec.get("prompt_tokens"), "prompt_tokens")
        completion = need(rec.get("completion_tokens"), "completion_tokens")
        read_ = num(
            _get(usage, "cache_read_input_tokens") or _get(usage, "prompt_tokens_details", "cached_tokens"),
            "cache_read_input_tokens",
        )
        write = num(_get(usage, "cache_creation_input_tokens"), "cache_creation_input_tokens")
        reasoning = num(_get(usage, "completion_tokens_details", "reasoning_tokens"), "reasoning_tokens")
    except (BillpathError, ValueError) as exc:
        sink.reject(where, str(exc))
        return
    uncached = prompt - read_ - write
    if uncached < 0:  # an older Anthropic mapping: prompt_tokens excluded the cache counts
        uncached = prompt
        sink.note("some LiteLLM rows have prompt_tokens smaller than their cache counts: taken as uncached input")
    if reasoning > completion:
        completion += reasoning
        sink.note("some LiteLLM rows report reasoning outside completion_tokens: added to output")
    provider = (text(rec.get("custom_llm_provider")) or "").strip()
    model = (text(rec.get("model")) or "").strip()
    if provider and model and not model.startswith(provider + "/") and _prefixed(provider):
        model = f"{provider}/{model}"  # `azure/eu/gpt-5.5`, `vertex_ai/…`: the provider's id form names the variant
    sink.row(
        where,
        timestamp=rec.get("startTime"),
        model=model,
        channel=provider or None,
        input_tokens=uncached,
        output_tokens=completion,
        cache_read_tokens=read_,
        cache_write_tokens=write,
        reasoning_tokens=reasoning,
        requests=1,
        cost_usd=rec.get("spend"),
    )


def _prefixed(provider: str) -> bool:
    return provider in ("azure", "azure_ai", "vertex_ai", "fireworks_ai", "together_ai", "openrouter", "bedrock_mantle")
