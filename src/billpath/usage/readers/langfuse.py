"""Langfuse observations export (`GET /api/public/observations`: `data` of GENERATION observations).

`usageDetails` keys are free-form and integration-specific. Langfuse prices each key separately, so
its integrations report disjoint parts (`input` without the cached part, `output` without the
reasoning part) and `total` is their sum; when `total` instead equals input + output, the parts are
inside input/output and are subtracted. `costDetails` is Langfuse's own computed cost, kept for
reconciliation. The export names no channel: the model's maker's own channel is assumed (noted).
"""

from __future__ import annotations

from pathlib import Path

from billpath.usage.readers.base import Sink, guarded, iter_json_records, need, num, position, records


def looks_like(obj: object) -> bool:
    rows = records(obj, "data", "observations")
    first = rows[0] if rows else None
    return isinstance(first, dict) and ("usageDetails" in first or "costDetails" in first) and "model" in first


def read(path: Path, sink: Sink) -> None:
    index = 0
    for line, doc in iter_json_records(path, sink):
        for rec in records(doc, "data", "observations"):
            index += 1
            _row(position(line, index - 1), rec, sink)


def _kind(key: str) -> str:
    k = key.lower()
    if k in ("total", "unit"):
        return "skip"
    if "reasoning" in k:
        return "reasoning"
    if "cache_read" in k or "cached" in k:
        return "cache_read"
    if "cache_creation" in k or "cache_write" in k:
        return "cache_write_1h" if "1h" in k else "cache_write"
    if k.startswith(("input", "prompt")):
        return "input"
    if k.startswith(("output", "completion")):
        return "output"
    return "unknown"


@guarded
def _row(where: int, rec: object, sink: Sink) -> None:
    if not isinstance(rec, dict):
        sink.reject(where, "expected an observation object")
        return
    kind = rec.get("type")
    details = rec.get("usageDetails") or {}
    if kind is None and "usageDetails" not in rec and "costDetails" not in rec:
        sink.reject(where, "not a Langfuse observation (no type, no usageDetails)")
        return
    if kind not in (None, "GENERATION") or not details:
        sink.skipped += 1  # spans, events and generations without usage are not usage rows
        return
    if not isinstance(details, dict):
        sink.reject(where, "usageDetails is not an object")
        return
    parts = {"input": 0, "output": 0, "cache_read": 0, "cache_write": 0, "cache_write_1h": 0, "reasoning": 0}
    given: set[str] = set()
    try:
        for key, value in details.items():
            k = _kind(key)
            if k == "unknown":
                sink.reject(where, f"usageDetails key {key!r} is not a token count billpath knows how to price")
                return
            if k != "skip":
                parts[k] += need(value, key) if k in ("input", "output") else num(value, key)
                given.add(k)
        total = num(details.get("total"), "total") if details.get("total") is not None else None
    except ValueError as exc:
        sink.reject(where, f"usageDetails: {exc}")
        return
    absent = [k for k in ("input", "output") if k not in given]
    if absent:  # a generation's usage always names both; without one, its cost is unknown, not $0
        sink.reject(where, f"usageDetails has no {' and no '.join(absent)} token count")
        return
    if total is not None and total == parts["input"] + parts["output"] and total != sum(parts.values()):
        # parts reported inside input/output: take them out (reasoning stays inside output)
        parts["input"] -= parts["cache_read"] + parts["cache_write"] + parts["cache_write_1h"]
        parts["output"] -= parts["reasoning"]
        if parts["input"] < 0 or parts["output"] < 0:
            sink.reject(where, "usageDetails parts exceed input/output")
            return
    cost = rec.get("costDetails") or {}
    logged = cost.get("total") if isinstance(cost, dict) else None
    if logged is None:
        logged = rec.get("calculatedTotalCost", rec.get("totalPrice"))
    sink.row(
        where,
        timestamp=rec.get("startTime"),
        model=rec.get("model"),
        input_tokens=parts["input"],
        output_tokens=parts["output"] + parts["reasoning"],
        cache_read_tokens=parts["cache_read"],
        cache_write_tokens=parts["cache_write"],
        cache_write_1h_tokens=parts["cache_write_1h"],
        reasoning_tokens=parts["reasoning"],
        requests=1,
        cost_usd=logged,
    )
