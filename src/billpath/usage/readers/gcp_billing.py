"""Google Cloud billing-export rows (BigQuery `gcp_billing_export_v1_*` / `…_resource_v1_*`) as JSON Lines or an array.

Vertex AI (`service.description` "Vertex AI" or `service.id` aiplatform.googleapis.com) and Gemini
API (generativelanguage.googleapis.com) rows are token lines; the token type sits in
`sku.description` ("Claude Sonnet 4.6 - Input Cache Write", "Gemini 2.5 Pro Online Prediction Input
(text, image, video <= 200k tokens)"). The model is the description's text before the token type.
A description above a long-context threshold ("> 200k") is priced at the offer's base tier and flagged.
`cost` is the cost before credits; the billed cost is `cost` plus `credits[].amount` (credits are
negative), which is also the effective cost; `cost_at_list` the list cost. `usage.amount` counts
tokens (`usage.unit` "count" or tokens); `usage.amount_in_pricing_units` is not used. Rows of other
services and SKUs that are not token lines are skipped, with their amounts.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from billpath.usage.readers.base import Sink, guarded, iter_json_records, position, records
from billpath.usage.readers.tabular import money, one_line, quantity

SERVICES = {"vertex ai", "aiplatform.googleapis.com", "generativelanguage.googleapis.com", "gemini api"}
# Token-type phrases, most specific first (matched case-insensitively, as whole words).
TYPES = (
    ("input cache write 1h", "cache_write_1h"),
    ("cache write 1h", "cache_write_1h"),
    ("input cache write", "cache_write_5m"),
    ("cache write", "cache_write_5m"),
    ("input cache read", "cache_read"),
    ("cache read", "cache_read"),
    ("cached input", "cache_read"),
    ("cached content", "cache_read"),
    ("output tokens", "output"),
    ("output", "output"),
    ("input tokens", "input"),
    ("input", "input"),
)
NOISE = re.compile(r"\b(online prediction|batch prediction|predictions?|text|tokens?)\b", re.IGNORECASE)
LONG = re.compile(r">\s*\d+\s*k", re.IGNORECASE)
UNITS = {"", "count", "token", "tokens"}


def looks_like(obj: object) -> bool:
    rows = records(obj, "rows")
    first = rows[0] if rows else None
    return (
        isinstance(first, dict)
        and isinstance(first.get("sku"), dict)
        and isinstance(first.get("service"), dict)
        and "cost" in first
    )


@lru_cache(maxsize=4096)  # a bill has few distinct names: parse each once
def parse_sku(description: str) -> dict | None:
    """A SKU description -> model name, line type, batch, long context; None if no token type is named."""
    text = description.strip()
    low = text.lower()
    for phrase, line_type in TYPES:
        m = re.search(r"\b" + re.escape(phrase) + r"\b", low)
        if m:
            model = NOISE.sub(" ", text[: m.start()])
            model = re.sub(r"[\s\u2014\u2013-]+$", "", " ".join(model.split())).strip(" -\u2014\u2013")
            return {
                "model": model,
                "line_type": line_type,
                "batch": "batch" in low,
                "long_context": bool(LONG.search(low)),
            }
    return None


def read(path: Path, sink: Sink) -> None:
    sink.note("GCP billing-export rows: billed cost is cost + credits; model and token type from sku.description")
    index = 0
    for line, doc in iter_json_records(path, sink):
        for rec in records(doc, "rows") if line == 0 else [doc]:
            index += 1
            _row(position(line, index - 1), rec, sink)


@guarded
def _row(where: int, rec: object, sink: Sink) -> None:
    if not isinstance(rec, dict):
        sink.reject(where, "expected a billing-export row object")
        return
    service = rec.get("service") or {}
    names = {str(service.get("description") or "").strip().lower(), str(service.get("id") or "").strip().lower()}
    try:
        cost = money(rec.get("cost"))
        credits = sum((Decimal(money(c.get("amount")) or 0) for c in rec.get("credits") or []), Decimal(0))
        listed = money(rec.get("cost_at_list"))
    except ValueError as exc:
        sink.reject(where, str(exc))
        return
    billed = None if cost is None else format(Decimal(cost) + credits, "f")
    sku = str((rec.get("sku") or {}).get("description") or "")
    parsed = parse_sku(sku) if names & SERVICES else None
    if parsed is None or not parsed["model"]:
        sink.skipped += 1
        if billed is not None:
            sink.total("gcp lines not priced as usage", sku or "other services", Decimal(billed))
        return
    usage = rec.get("usage") or {}
    unit = str(usage.get("unit") or "").strip().lower()
    if unit not in UNITS:
        sink.reject(where, f"usage.unit {usage.get('unit')!r} is not a token count")
        return
    try:
        tokens = quantity(usage.get("amount"))
    except ValueError as exc:
        sink.reject(where, str(exc))
        return
    if parsed["long_context"]:
        sink.note("GCP long-context SKUs (> threshold) are priced at the offer's base tier: check them by hand")
    location = rec.get("location") or {}
    region = str(location.get("location") or location.get("region") or "").strip().lower()
    api = "generativelanguage.googleapis.com" in names or "gemini api" in names
    one_line(
        sink,
        where,
        parsed["line_type"],
        tokens,
        timestamp=rec.get("usage_start_time"),
        timestamp_end=rec.get("usage_end_time"),
        model=parsed["model"],
        channel="google" if api else "google-vertex",
        variant=None if api else ("~global" if region in ("", "global") else "~regional"),
        batch=parsed["batch"],
        cost_usd=billed,
        effective_cost_usd=billed,
        list_cost_usd=listed,
    )
