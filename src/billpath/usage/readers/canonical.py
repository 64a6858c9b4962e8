"""The canonical usage table (README, "Price a usage log") as CSV or JSON Lines, parsed here with exact line numbers.

Canonical Parquet is read by DuckDB directly (`billpath.usage.columns`). Columns: timestamp, model,
channel, input_tokens (excludes cached tokens), output_tokens (includes reasoning), cache_read_tokens,
cache_write_tokens (5-minute), reasoning_tokens (part of output), batch, requests; billpath also
reads cache_write_1h_tokens, variant and cost_usd (the cost the log itself states).

CSV or JSON is decided by the file's content, never its name. Column names are matched without case
and through the aliases (`provider` = `channel`, `cost` = `cost_usd`); two columns (or keys) with one
meaning are an error (CSV) or a rejected record (JSON), never a silent last-one-wins.
"""

from __future__ import annotations

from pathlib import Path

from billpath.usage.columns import ALIASES, CANONICAL, REQUIRED, LogError, canonical_name
from billpath.usage.readers.base import FIELD_LIMIT, Sink, csv_records, guarded, iter_json_records, sniff

__all__ = ["ALIASES", "FIELD_LIMIT", "canonical_name", "read", "read_csv", "read_jsonl"]


def read_csv(path: Path, sink: Sink) -> None:
    names, rows = csv_records(path, sink, canonical_name)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise LogError(f"{path}: not a canonical usage CSV: missing column(s) {', '.join(missing)} (header: {names})")
    ignored = [n for n in names if n not in CANONICAL]
    if ignored:
        sink.note(f"{path.name}: columns ignored: {', '.join(ignored)}")
    index = [(i, n) for i, n in enumerate(names) if n in CANONICAL]
    for start, cells in rows:
        sink.row(start, **{n: cells[i] for i, n in index})


def read_jsonl(path: Path, sink: Sink) -> None:
    for line, obj in iter_json_records(path, sink):
        items = obj if line == 0 and isinstance(obj, list) else [obj]
        for i, rec in enumerate(items):
            _record(line or i + 1, rec, sink)


@guarded
def _record(where: int, rec: object, sink: Sink) -> None:
    if not isinstance(rec, dict):
        sink.reject(where, f"expected a JSON object, got {type(rec).__name__}")
        return
    fields: dict[str, object] = {}
    spelled: dict[str, str] = {}
    for k, v in rec.items():
        name = canonical_name(k)
        if name in spelled:
            sink.reject(where, f"keys {spelled[name]!r} and {k!r} both mean {name!r} (ambiguous)")
            return
        spelled[name] = k
        fields[name] = v
    sink.row(where, **{k: v for k, v in fields.items() if k in CANONICAL})


def read(path: Path, sink: Sink) -> None:
    kind = sniff(path)
    if kind == "parquet":
        raise LogError(f"{path}: canonical Parquet is read by DuckDB, not this reader")
    if kind == "json":
        read_jsonl(path, sink)
    else:
        read_csv(path, sink)
