"""What every reader shares: the row sink, JSON walking, and safe line-by-line reading.

A reader turns one file into canonical rows (text values, validated later in one place:
`billpath.usage.columns.normalize_sql`), rejected rows (a line and a reason) and notes (what it had to
assume). It never drops a row silently: a row it cannot use is rejected with its line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from billpath.usage.columns import CANONICAL, LogError

COLUMNS = ("line", *CANONICAL, "error")
MAX_LINE = 64 * 2**20  # a longer line is rejected, not read into memory
MAX_DOCUMENT = 512 * 2**20  # a whole-file JSON document larger than this must be JSONL instead
WEAK = "~"  # provider prefix: an API-flavour hint that a channel-specific model id overrides


def text(value: object) -> str | None:
    """A JSON value as canonical text: ints as digits, floats exactly, bools as true/false."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def iso_from_unix(seconds: object) -> str | None:
    """Unix seconds (int, float or digits) -> ISO 8601 UTC; None when absent; the raw text when odd."""
    if seconds is None or seconds == "":
        return None
    try:
        return datetime.fromtimestamp(float(seconds), tz=UTC).isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return str(seconds)


def num(value: object) -> int:
    """A token count from a JSON value that may be absent (0). Odd values raise ValueError."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ValueError(f"not a count: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValueError(f"not a whole number: {value!r}")


class Sink:
    """Receives a reader's rows. Subclasses store them (a list for tests, Arrow batches for DuckDB)."""

    def __init__(self) -> None:
        self.notes: dict[str, None] = {}
        self.skipped = 0  # records that are not usage at all (e.g. OTel spans without GenAI usage)
        # Amounts an export states outside its usage rows (e.g. a Copilot report's included pool and
        # overage, a bill's tax and credit lines): {group: {name: Decimal}}, reported as they are.
        self.totals: dict[str, dict[str, Decimal]] = {}

    def row(self, line: int, **fields: object) -> None:
        """One canonical row (keys from `CANONICAL`; values as JSON or text)."""
        record = {k: v if type(v) is str else text(v) for k, v in fields.items()}
        record["line"] = line
        self.add(record)

    def reject(self, line: int, error: str, **fields: object) -> None:
        self.add({"line": line, **{k: text(v) for k, v in fields.items() if k in CANONICAL}, "error": error})

    def note(self, message: str) -> None:
        self.notes[message] = None

    def total(self, group: str, name: str, amount: Decimal) -> None:
        slot = self.totals.setdefault(group, {})
        slot[name] = slot.get(name, Decimal(0)) + amount

    def add(self, record: dict) -> None:
        raise NotImplementedError

    def add_columns(self, columns: dict[str, list]) -> None:
        """Many rows at once, column by column (canonical text values and `line`); equal to add() per row."""
        names = list(columns)
        for values in zip(*columns.values(), strict=True):
            self.add(dict(zip(names, values, strict=True)))


class ListSink(Sink):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []

    def add(self, record: dict) -> None:
        unknown = set(record) - set(COLUMNS)
        assert not unknown, f"not canonical: {unknown}"
        self.rows.append({c: record.get(c) for c in COLUMNS})


def iter_lines(path: Path) -> Iterator[tuple[int, str | None, str | None]]:
    """(line number, text, error) for each line, bounded in length and checked for UTF-8."""
    with path.open("rb") as f:
        number = 0
        while True:
            raw = f.readline(MAX_LINE + 1)
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest of the huge line
                    raw = f.readline(MAX_LINE)
                yield number, None, f"line longer than {MAX_LINE // 2**20} MiB"
                continue
            try:
                yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8"), None
            except UnicodeDecodeError as exc:
                yield number, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"


def _first_char(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1].decode("latin-1")


def load_json_document(path: Path) -> object:
    size = path.stat().st_size
    if size > MAX_DOCUMENT:
        raise LogError(f"{path}: a {size // 2**20} MiB JSON document is too large to read whole; export it as JSONL")
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise LogError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        hint = " (the file looks truncated)" if exc.pos >= size - 2 or "Expecting" in exc.msg else ""
        raise LogError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}{hint}") from None
    except RecursionError:
        raise LogError(f"{path}: JSON nested too deeply to read") from None


def is_jsonl(path: Path) -> bool:
    """JSON Lines: the first non-empty line is a whole JSON value and another non-empty line follows."""
    seen = 0
    for _, line, err in iter_lines(path):
        if err or not line.strip():
            if err:
                return seen > 0
            continue
        if seen == 0:
            try:
                json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                return False
        seen += 1
        if seen > 1:
            return True
    return False


def iter_json_records(path: Path, sink: Sink) -> Iterator[tuple[int, object]]:
    """(line, value) for each JSON Lines record, or (0, document) once for a whole JSON document.

    Bad JSON lines are rejected on the sink with their line number; a bad whole document is a
    `LogError` (nothing in it can be trusted).
    """
    if _first_char(path) not in "[{":
        raise LogError(f"{path}: not JSON (it does not start with '{{' or '[')")
    if not is_jsonl(path):
        yield 0, load_json_document(path)
        return
    for number, line, err in iter_lines(path):
        if err:
            sink.reject(number, err)
            continue
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            sink.reject(number, f"not valid JSON: {exc.msg} at column {exc.colno}")
        except RecursionError:
            sink.reject(number, "JSON nested too deeply")


def records(doc: object, *keys: str) -> list:
    """The list of records inside an export: the document itself if a list, else its first list under `keys`."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        for key in keys:
            value = doc.get(key)
            if isinstance(value, list):
                return value
            if isinstance(value, dict):
                return [value]
        return [doc]
    return []


def guarded(record_reader):
    """Wrap a reader's per-record function: a record of an unexpected shape is rejected, not a crash."""

    def wrapper(where: int, record: object, *args) -> None:
        sink = args[-1]
        try:
            record_reader(where, record, *args)
        except (TypeError, AttributeError, ValueError, KeyError, IndexError, OverflowError) as exc:
            sink.reject(where, f"unexpected record shape ({type(exc).__name__}: {exc})")

    wrapper.__doc__ = record_reader.__doc__
    return wrapper


def dicts(value: object) -> list[dict]:
    """The dict items of a JSON list (anything else: none)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def position(line: int, index: int) -> int:
    """The row's `line`: its JSONL line, or (in a whole document) its 1-based position in the export."""
    return line if line else index + 1


def buckets(obj: object) -> list:
    """Usage-report buckets from a page (`{"data": [...]}`), a list of pages, a list of buckets or one bucket."""
    out = []
    for item in obj if isinstance(obj, list) else [obj]:
        if isinstance(item, dict) and isinstance(item.get("data"), list):
            out.extend(item["data"])
        else:
            out.append(item)
    return out
