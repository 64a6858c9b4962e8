"""The canonical usage table (README, "Price a usage log") as CSV or JSON Lines, parsed here with exact line numbers.

Canonical Parquet is read by DuckDB directly (`billpath.usage.columns`). Columns: timestamp, model,
channel, input_tokens (excludes cached tokens), output_tokens (includes reasoning), cache_read_tokens,
cache_write_tokens (5-minute), reasoning_tokens (part of output), batch, requests; billpath also
reads cache_write_1h_tokens, variant and cost_usd (the cost the log itself states).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from billpath.usage.columns import CANONICAL, REQUIRED, LogError
from billpath.usage.readers.base import Sink, iter_json_records, iter_lines

ALIASES = {"provider": "channel", "cost": "cost_usd", "reasoning_output_tokens": "reasoning_tokens"}
FIELD_LIMIT = 1 << 20  # one CSV cell; a longer one rejects its row


def canonical_name(column: str) -> str:
    key = column.strip().lower()
    return ALIASES.get(key, key)


def decoded_lines(path: Path, bad: dict[int, str]) -> Iterator[str]:
    for number, line, err in iter_lines(path):
        if err:
            bad[number] = err
            yield "\n"
        else:
            yield line


def read_csv(path: Path, sink: Sink) -> None:
    bad: dict[int, str] = {}
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(decoded_lines(path, bad), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise LogError(f"{path}: empty file (no header row)") from None
    except csv.Error as exc:
        raise LogError(f"{path}: the header row is not valid CSV: {exc}") from None
    names = [canonical_name(h) for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise LogError(f"{path}: not a canonical usage CSV: missing column(s) {', '.join(missing)} (header: {header})")
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
