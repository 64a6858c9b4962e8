"""LiteLLM proxy SpendLogs exports (`LiteLLM_SpendLogs` rows as CSV, a JSON array or JSON Lines).

`prompt_tokens` follows the OpenAI shape: cache reads and writes are INSIDE it. The cache and
reasoning counts live in the `metadata` JSON (its `usage_object`, or top-level keys). The channel
comes from `custom_llm_provider` (`bedrock`, `vertex_ai`, `azure`, `openrouter`, …) and the model id
form (`us.` prefix, `azure/eu/`). `spend` is LiteLLM's own float estimate, kept for reconciliation
(0.0 for models its tables do not know). `model_group` is the proxy's alias, not a model id.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from billpath.errors import BillpathError
from billpath.usage.readers.base import Sink, guarded, iter_json_records, num, position, records, text
from billpath.usage.readers.canonical import FIELD_LIMIT, decoded_lines

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
    names = {h.strip() for h in header}
    return all(k in names for k in MARKERS) and bool({"custom_llm_provider", "request_id", "model_group"} & names)


def read(path: Path, sink: Sink) -> None:
    if path.suffix.lower() == ".csv":
        _read_csv(path, sink)
        return
    index = 0
    for line, doc in iter_json_records(path, sink):
        for rec in records(doc, "data", "logs") if line == 0 else [doc]:
            index += 1
            _row(position(line, index - 1), rec, sink)


def _read_csv(path: Path, sink: Sink) -> None:
    bad: dict[int, str] = {}
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.DictReader(decoded_lines(path, bad), strict=True)
    last = 1
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            sink.reject(last + 1, f"not valid CSV: {exc}")
            last = reader.line_num
            continue
        start, last = last + 1, reader.line_num
        errors = [bad[n] for n in range(start, last + 1) if n in bad]
        if errors or None in rec or None in rec.values():
            sink.reject(start, errors[0] if errors else "wrong number of fields")
            continue
        _row(start, rec, sink)


def _metadata(value: object) -> dict:
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise BillpathError(f"metadata is not valid JSON: {exc.msg}") from None
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
        prompt = num(rec.get("prompt_tokens"))
        completion = num(rec.get("completion_tokens"))
        read_ = num(_get(usage, "cache_read_input_tokens") or _get(usage, "prompt_tokens_details", "cached_tokens"))
        write = num(_get(usage, "cache_creation_input_tokens"))
        reasoning = num(_get(usage, "completion_tokens_details", "reasoning_tokens"))
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
