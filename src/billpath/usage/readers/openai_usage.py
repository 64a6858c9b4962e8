"""OpenAI Usage API, completions (`GET /v1/organization/usage/completions`): pages of daily buckets.

Traps handled (reference: log-formats.md): `input_tokens` INCLUDES cached tokens (and, in newer
versions, cache-write tokens), so uncached input is `input_uncached_tokens` when present, else
input - cached - cache writes. Rows are buckets of `num_model_requests` requests, so long-context
tiers are judged on the average request. `model`, `batch` and `service_tier` are null unless the
export was grouped by them. No reasoning count and no cost are reported.
"""

from __future__ import annotations

from pathlib import Path

from billpath.usage.readers.base import (
    Sink,
    buckets,
    guarded,
    iso_from_unix,
    iter_json_records,
    need,
    num,
    position,
    records,
)

RESULT = "organization.usage.completions.result"
TIERS = {"flex": "flex", "priority": "priority", "scale": "scale"}


def looks_like(obj: object) -> bool:
    bucket = _first_bucket(obj)
    results = bucket.get("results") if isinstance(bucket, dict) else None
    if isinstance(results, list) and results and isinstance(results[0], dict):
        r = results[0]
        return r.get("object") == RESULT or "num_model_requests" in r or "input_cached_tokens" in r
    return isinstance(obj, dict) and obj.get("object") == RESULT


def _first_bucket(obj: object) -> object:
    if isinstance(obj, list):
        obj = obj[0] if obj else None
    if isinstance(obj, dict) and isinstance(obj.get("data"), list):
        return obj["data"][0] if obj["data"] else None
    return obj


def read(path: Path, sink: Sink) -> None:
    sink.note(
        "OpenAI usage buckets: long-context tiers judged on each bucket's average request "
        "(input / num_model_requests), so totals are approximate where single requests crossed a tier"
    )
    index = 0
    for line, doc in iter_json_records(path, sink):
        for bucket in buckets(doc):
            if not isinstance(bucket, dict):
                index += 1
                sink.reject(position(line, index - 1), "expected a usage bucket object")
                continue
            start = iso_from_unix(bucket.get("start_time"))
            end = iso_from_unix(bucket.get("end_time"))
            for result in records(bucket.get("results", bucket), "results"):
                index += 1
                _result(position(line, index - 1), result, start, end, sink)


@guarded
def _result(where: int, r: object, start: str | None, end: str | None, sink: Sink) -> None:
    if not isinstance(r, dict):
        sink.reject(where, "expected a usage result object")
        return
    kind = r.get("object")
    if kind and kind != RESULT:
        sink.reject(where, f"not completions usage ({kind}): only organization/usage/completions is priced")
        return
    if not r.get("model"):
        sink.reject(where, "model is null: export with group_by=model to price these tokens")
        return
    try:
        total_in = need(r.get("input_tokens"), "input_tokens")
        cached = num(r.get("input_cached_tokens"), "input_cached_tokens")
        write = num(r.get("input_cache_write_tokens"), "input_cache_write_tokens")
        write_12h = num(r.get("input_cache_write_12h_tokens"), "input_cache_write_12h_tokens")
        if r.get("input_uncached_tokens") is not None:
            uncached = num(r["input_uncached_tokens"], "input_uncached_tokens")
        else:
            uncached = total_in - cached - write - write_12h
        output = need(r.get("output_tokens"), "output_tokens")
        requests = need(r.get("num_model_requests"), "num_model_requests")
    except ValueError as exc:
        sink.reject(where, str(exc))
        return
    if uncached < 0:
        sink.reject(where, f"input_tokens ({total_in}) is smaller than its cached and cache-write parts")
        return
    if r.get("batch") is None:
        sink.note("OpenAI usage not grouped by batch: rows priced at on-demand rates (group_by=batch to see batch)")
    if write_12h:
        sink.note("OpenAI 12-hour cache writes priced as the offer's long-retention write (1-hour column)")
    tier = (r.get("service_tier") or "").lower()
    sink.row(
        where,
        timestamp=start,
        timestamp_end=end,  # a bucket (1m, 1h or 1d): time-of-day prices judge the whole of it
        model=r["model"],
        channel="openai",
        variant=TIERS.get(tier, tier if tier not in ("", "default", "auto", "standard") else None),
        input_tokens=uncached,
        output_tokens=output,
        cache_read_tokens=cached,
        cache_write_tokens=write,
        cache_write_1h_tokens=write_12h,
        batch=bool(r.get("batch")),
        requests=requests,
    )
