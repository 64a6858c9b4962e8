"""The canonical usage table (README, "Price a usage log") as CSV or JSON Lines, parsed here with exact line numbers.

Canonical Parquet is read by DuckDB directly (`billpath.usage.columns`). Columns: timestamp, model,
channel, input_tokens (excludes cached tokens), output_tokens (includes reasoning), cache_read_tokens,
cache_write_tokens (5-minute), reasoning_tokens (part of output), batch, requests; billpath also
reads cache_write_1h_tokens, variant and cost_usd (the cost the log itself states).

CSV or JSON is decided by the file's content, never its name. Column names are matched ignoring case,
spacing and punctuation, through the synonyms real exports use (`prompt_tokens`, `Prompt Tokens`,
`provider` = `channel`, `cost` = `cost_usd`) and the user's `--column FIELD=HEADER` mappings; the CSV
delimiter is sniffed from the header. Two columns (or keys) with one meaning are an error (CSV) or a
rejected record (JSON), never a silent last-one-wins.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from billpath.usage.columns import ALIASES as COLUMN_ALIASES
from billpath.usage.columns import CANONICAL, REQUIRED, LogError
from billpath.usage.readers.base import FIELD_LIMIT, Sink, csv_records, guarded, iter_json_records, iter_lines, sniff

__all__ = ["ALIASES", "FIELD_LIMIT", "canonical_name", "column_mapping", "parse_mapping", "read", "read_csv"]

# Header synonyms real exports use, by canonical column (matched after `header_key`: case, spaces,
# dashes and punctuation ignored). Only names whose meaning is unambiguous: OpenAI-style `cached_tokens`
# (counted inside the prompt) is deliberately absent, so it is reported as ignored rather than guessed.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "timestamp": ("time", "date", "datetime", "created_at", "created", "usage_date", "usage_date_utc", "start_time"),
    "model": ("model_name", "model_id", "model_version"),
    "channel": ("provider", "platform"),
    "input_tokens": ("prompt_tokens", "input", "uncached_input_tokens", "input_tokens_uncached"),
    "output_tokens": ("completion_tokens", "output"),
    "cache_read_tokens": ("cache_read_input_tokens", "cache_read"),
    "cache_write_tokens": ("cache_creation_input_tokens", "cache_write_5m_tokens", "cache_creation_tokens"),
    "cache_write_1h_tokens": ("cache_creation_1h_input_tokens", "cache_write_1h"),
    "reasoning_tokens": ("reasoning_output_tokens", "thinking_tokens"),
    "requests": ("request_count", "num_requests", "n_requests", "calls"),
    "cost_usd": ("cost", "spend", "amount_usd", "cost_in_usd"),
    "batch": ("is_batch",),
    "user": ("user_id", "user_email", "email", "member", "actor"),
}
ALIASES = {**COLUMN_ALIASES, **{syn: field for field, names in SYNONYMS.items() for syn in names}}
DELIMITERS = (",", ";", "\t", "|")
# --column FIELD=HEADER mappings for the files being read (set by `column_mapping`).
_MAPPING: ContextVar[dict[str, str] | None] = ContextVar("column_mapping", default=None)


def header_key(column: str) -> str:
    """`Prompt Tokens`, `prompt-tokens`, ` PROMPT_TOKENS ` -> `prompt_tokens`."""
    return re.sub(r"[^a-z0-9]+", "_", column.strip().lower()).strip("_")


def canonical_name(column: str) -> str:
    """The canonical column a header names: a --column mapping first, then the name itself, then a synonym."""
    mapped = (_MAPPING.get() or {}).get(header_key(column))
    if mapped:
        return mapped
    key = header_key(column)
    return ALIASES.get(key, key)


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """`--column FIELD=HEADER` items -> {header key: canonical field}; a one-line error on a bad item."""
    out: dict[str, str] = {}
    for item in items or ():
        field, sep, header = item.partition("=")
        field = header_key(field)
        if not sep or not header.strip():
            raise LogError(f"--column takes FIELD=HEADER (e.g. input_tokens='Prompt Tokens'), got {item!r}")
        if field not in CANONICAL:
            raise LogError(f"--column: unknown field {field!r}; use one of: {', '.join(CANONICAL)}")
        out[header_key(header)] = field
    return out


@contextmanager
def column_mapping(mapping: dict[str, str]):
    """Read files with these header mappings (every reader and the format detector see them)."""
    token = _MAPPING.set(mapping)
    try:
        yield
    finally:
        _MAPPING.reset(token)


def sniff_delimiter(header_line: str) -> str:
    """The header line's delimiter: the most frequent of , ; tab | outside quotes (comma on a tie)."""
    bare = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: bare.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def first_line(path: Path) -> str:
    return next((t for _, t, err in iter_lines(path) if not err and t and t.strip()), "")


def read_csv(path: Path, sink: Sink) -> None:
    delimiter = sniff_delimiter(first_line(path))
    header, names, rows = csv_records(path, sink, canonical_name, delimiter=delimiter)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise LogError(
            f"{path}: not a canonical usage CSV: missing column(s) {', '.join(missing)} "
            f"(header found: {', '.join(header)}; map one with --column FIELD=HEADER)"
        )
    ignored = [h for h, n in zip(header, names, strict=True) if n not in CANONICAL]
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
