"""Anthropic Usage & Cost API, messages usage report (`GET /v1/organizations/usage_report/messages`).

`uncached_input_tokens` already excludes cache reads and writes (Anthropic's convention is the
canonical one). Writes are split 5-minute / 1-hour under `cache_creation`. `service_tier: batch`
means batch prices; `inference_geo: us` is the US-only offer (1.1x); `speed: fast` the fast tier.
The report carries no request count, so long-context tiers come from `context_window`
(`0-200k` / `200k-1M`) when the export is grouped by it, else every request is taken as below 200k.
"""

from __future__ import annotations

from pathlib import Path

from billpath.usage.readers.base import Sink, buckets, guarded, iter_json_records, need, num, position

SMALLEST_TIER = 200_000


def looks_like(obj: object) -> bool:
    for bucket in buckets(obj)[:1]:
        results = bucket.get("results") if isinstance(bucket, dict) else None
        if isinstance(results, list) and results and isinstance(results[0], dict):
            return "uncached_input_tokens" in results[0] or "cache_creation" in results[0]
    return False


def read(path: Path, sink: Sink) -> None:
    index = 0
    for line, doc in iter_json_records(path, sink):
        for bucket in buckets(doc):
            results = bucket.get("results") if isinstance(bucket, dict) else None
            if not isinstance(results, list):
                index += 1
                sink.reject(position(line, index - 1), "expected a usage bucket with a results list")
                continue
            for r in results:
                index += 1
                _result(position(line, index - 1), r, bucket.get("starting_at"), bucket.get("ending_at"), sink)


def _variant(r: dict) -> tuple[str | None, bool]:
    tier = (r.get("service_tier") or "standard").lower()
    batch = tier == "batch"
    parts = []
    if (r.get("speed") or "").lower() == "fast":
        parts.append("fast")
    if (r.get("inference_geo") or "").lower() in ("us", "us-only"):
        parts.append("us-only")
    if tier not in ("standard", "batch"):
        parts.append(tier)
    return ("+".join(parts) or None), batch


@guarded
def _result(where: int, r: object, start: object, end: object, sink: Sink) -> None:
    if not isinstance(r, dict):
        sink.reject(where, "expected a usage result object")
        return
    if not r.get("model"):
        sink.reject(where, "model is null: export grouped by model to price these tokens")
        return
    creation = r.get("cache_creation") or {}
    try:
        uncached = need(r.get("uncached_input_tokens"), "uncached_input_tokens")
        read_ = num(r.get("cache_read_input_tokens"), "cache_read_input_tokens")
        w5 = num(
            creation.get("ephemeral_5m_input_tokens") if isinstance(creation, dict) else creation,
            "cache_creation.ephemeral_5m_input_tokens",
        )
        w1h = num(
            creation.get("ephemeral_1h_input_tokens") if isinstance(creation, dict) else None,
            "cache_creation.ephemeral_1h_input_tokens",
        )
        output = need(r.get("output_tokens"), "output_tokens")
        searches = num((r.get("server_tool_use") or {}).get("web_search_requests"), "web_search_requests")
    except (ValueError, AttributeError) as exc:
        sink.reject(where, str(exc))
        return
    prompt = uncached + read_ + w5 + w1h
    window = (r.get("context_window") or "").lower()
    if window.startswith("200k"):
        requests = 1  # every request here is above 200k: the bucket's sum is above it too
    else:
        # Below 200k (said, or assumed): enough requests that the average stays under the threshold.
        requests = max(1, -(-prompt // SMALLEST_TIER))
        if not window:
            sink.note(
                "Anthropic usage report has no request count: without group_by=context_window every "
                "request is assumed below 200k input tokens"
            )
    if searches:
        sink.note("Anthropic web search requests are not priced (tool fees are outside token prices)")
    variant, batch = _variant(r)
    sink.note("Anthropic usage report: request counts are not reported; `requests` is a tier hint only")
    sink.row(
        where,
        timestamp=start,
        timestamp_end=end,  # a bucket (1m, 1h or 1d): time-of-day prices judge the whole of it
        model=r["model"],
        channel="anthropic",
        variant=variant,
        input_tokens=uncached,
        output_tokens=output,
        cache_read_tokens=read_,
        cache_write_tokens=w5,
        cache_write_1h_tokens=w1h,
        batch=batch,
        requests=requests,
    )
