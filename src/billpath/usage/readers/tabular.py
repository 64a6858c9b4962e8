"""What the application-export and cloud-bill readers share: CSV rows by header name, money text, line types.

Exports from dashboards and billing systems are CSV files whose header names the columns (older
generations drop or reorder some), so rows are read as dicts keyed by the header, with the row's own
line number. A row that is not valid CSV, has the wrong number of fields or is not UTF-8 is rejected
with its line number, never dropped.

A bill line prices ONE token type (a "line type"): `line_type_fields` maps each line type to the
canonical token column it fills, so a reader emits one canonical row per bill line and the
reconciliation can compare the bill with the computed cost per model, day and line type.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from billpath.usage.readers.base import Sink, csv_records, iter_lines

FIELD_LIMIT = 1 << 20

# Line types (token types of a bill line) -> the canonical column that carries their quantity.
LINE_TYPES = {
    "input": "input_tokens",
    "output": "output_tokens",
    "cache_read": "cache_read_tokens",
    "cache_write_5m": "cache_write_tokens",
    "cache_write_1h": "cache_write_1h_tokens",
}
TOKEN_COLUMNS = tuple(LINE_TYPES.values())
LINE_TYPE_OF = {v: k for k, v in LINE_TYPES.items()}


def header(path: Path) -> list[str]:
    """The first row of a CSV file, stripped (empty if the file does not start with a CSV row)."""
    for _, line, err in iter_lines(path):
        if err:
            return []
        if line.strip():
            try:
                return [h.strip() for h in next(csv.reader([line]))]
            except csv.Error:
                return []
    return []


def iter_csv(path: Path, sink: Sink) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {header name: cell}) for each data row, through the one CSV row-accounting path every reader
    shares (`base.csv_records`: bad rows rejected with their line, a header naming a column twice an error)."""
    _, names, rows = csv_records(path, sink, str.strip)
    for start, cells in rows:
        yield start, dict(zip(names, cells, strict=True))


MONEY = re.compile(r"^\s*(-?)\s*\$?\s*(-?)([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*$")
PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")  # already an exact decimal string: kept as it is
DIGITS = re.compile(r"[0-9]+")


def money(value: object) -> str | None:
    """Money text from an export (`$1,234.50`, `0.12`, `-3`) as an exact decimal string; None if blank.

    A value that is not a number raises ValueError (the caller rejects the row or treats the value
    as a placeholder, as it documents).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    text = str(value).strip()
    if not text:
        return None
    if PLAIN.fullmatch(text):
        return text
    m = MONEY.match(text)
    if not m:
        raise ValueError(f"not an amount: {text!r}")
    sign = "-" if (m.group(1) or m.group(2)) else ""
    try:
        return format(Decimal(sign + m.group(3).replace(",", "")), "f")
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None


def count(value: object) -> int:
    """A token count from an export cell: digits, optionally with thousands separators, or blank (0)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise ValueError(f"not a count: {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"negative count: {value}")
        return value
    if isinstance(value, float):
        if value.is_integer() and value >= 0:
            return int(value)
        raise ValueError(f"not a whole number: {value!r}")
    text = str(value).strip().replace(",", "")
    if not text:
        return 0
    if not text.isascii():  # fullwidth or other Unicode digits: refused here as by every reader
        raise ValueError(f"not a whole number (ASCII digits): {value!r}")
    if DIGITS.fullmatch(text):
        return int(text)
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a whole number: {value!r}") from None
    if d < 0 or d != d.to_integral_value():
        raise ValueError(f"not a whole number >= 0: {value!r}")
    return int(d)


def quantity(value: object, per: int = 1) -> int:
    """A bill's usage quantity (possibly in blocks of `per` tokens, possibly fractional) as whole tokens."""
    if per == 1 and isinstance(value, str) and DIGITS.fullmatch(value.strip()):
        return int(value)
    text = money(value)
    if text is None:
        return 0
    tokens = Decimal(text) * per
    if tokens < 0:
        raise ValueError(f"negative usage quantity: {value!r}")
    if tokens != tokens.to_integral_value():
        raise ValueError(f"usage quantity {value!r} x {per} is not a whole number of tokens")
    return int(tokens)


def one_line(sink: Sink, where: int, line_type: str, tokens: int, **fields: object) -> None:
    """One canonical row for a bill line of one token type (requests 0: a bill line aggregates many)."""
    counts = dict.fromkeys(TOKEN_COLUMNS, "0")
    counts[LINE_TYPES[line_type]] = str(tokens)
    sink.row(where, **counts, requests="0", **fields)
