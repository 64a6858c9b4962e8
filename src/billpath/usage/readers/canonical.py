"""The canonical usage table (README, "Price a usage log") as CSV or JSON Lines, parsed here with exact line numbers.

Canonical Parquet is read by DuckDB directly (`billpath.usage.columns`). Columns: timestamp, model,
channel, input_tokens (excludes cached tokens), output_tokens (includes reasoning), cache_read_tokens,
cache_write_tokens (5-minute), reasoning_tokens (part of output), batch, requests; billpath also
reads cache_write_1h_tokens, variant and cost_usd (the cost the log itself states).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from billpath.usage.columns import CANONICAL, REQUIRED, LogError
from billpath.usage.readers.base import Sink, iter_json_records, iter_lines

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
ALIASES = {syn: field for field, names in SYNONYMS.items() for syn in names}
FIELD_LIMIT = 1 << 20  # one CSV cell; a longer one rejects its row
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


def decoded_lines(path: Path, bad: dict[int, str]) -> Iterator[str]:
    for number, line, err in iter_lines(path):
        if err:
            bad[number] = err
            yield "\n"
        else:
            yield line


def first_line(path: Path) -> str:
    return next((t for _, t, err in iter_lines(path) if not err and t and t.strip()), "")


def read_csv(path: Path, sink: Sink) -> None:
    bad: dict[int, str] = {}
    csv.field_size_limit(FIELD_LIMIT)
    delimiter = sniff_delimiter(first_line(path))
    reader = csv.reader(decoded_lines(path, bad), strict=True, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise LogError(f"{path}: empty file (no header row)") from None
    except csv.Error as exc:
        raise LogError(f"{path}: the header row is not valid CSV: {exc}") from None
    names = [canonical_name(h) for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise LogError(
            f"{path}: not a canonical usage CSV: missing column(s) {', '.join(missing)} "
            f"(header found: {', '.join(header)}; map one with --column FIELD=HEADER)"
        )
    twice = sorted({n for n in names if n in CANONICAL and names.count(n) > 1})
    if twice:
        raise LogError(f"{path}: several columns mean {', '.join(twice)} (header found: {', '.join(header)})")
    ignored = [h for h, n in zip(header, names, strict=True) if n not in CANONICAL]
    if ignored:
        sink.note(f"{path.name}: columns ignored: {', '.join(ignored)}")
    index = [(i, n) for i, n in enumerate(names) if n in CANONICAL]
    last = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            start = last + 1
            if "unexpected end of data" in str(exc):
                span = f"lines {start}-{reader.line_num}" if reader.line_num > start else f"line {start}"
                sink.reject(start, f"broken CSV quote: a quoted field opened here never closes ({span} unreadable)")
            else:
                sink.reject(start, f"not valid CSV: {exc}")
            last = reader.line_num
            continue
        start, last = last + 1, reader.line_num
        errors = [bad[n] for n in range(start, last + 1) if n in bad]
        if errors:
            sink.reject(start, errors[0])
            continue
        if not cells or cells == [""]:
            continue  # a blank line is not a row
        if len(cells) != len(header):
            sink.reject(start, f"expected {len(header)} fields, got {len(cells)}")
            continue
        sink.row(start, **{n: cells[i] for i, n in index})


def read_jsonl(path: Path, sink: Sink) -> None:
    for line, obj in iter_json_records(path, sink):
        items = obj if line == 0 and isinstance(obj, list) else [obj]
        for i, rec in enumerate(items):
            where = line or i + 1
            if not isinstance(rec, dict):
                sink.reject(where, f"expected a JSON object, got {type(rec).__name__}")
                continue
            fields = {canonical_name(k): v for k, v in rec.items()}
            sink.row(where, **{k: v for k, v in fields.items() if k in CANONICAL})


def read(path: Path, sink: Sink) -> None:
    if path.suffix.lower() == ".csv":
        read_csv(path, sink)
    else:
        read_jsonl(path, sink)
