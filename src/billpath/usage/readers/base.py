"""What every reader shares: the row sink, JSON walking, and safe line-by-line reading.

A reader turns one file into canonical rows (text values, validated later in one place:
`billpath.usage.columns.normalize_sql`), rejected rows (a line and a reason) and notes (what it had to
assume). It never drops a row silently: a row it cannot use is rejected with its line number.
"""

from __future__ import annotations

import csv
import functools
import gzip
import json
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO, SupportsFloat

from billpath.usage.columns import CANONICAL, MAX_TOKENS, WHOLE, LogError

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
    if not isinstance(seconds, str | SupportsFloat):
        return str(seconds)
    try:
        return datetime.fromtimestamp(float(seconds), tz=UTC).isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return str(seconds)


class RowError(ValueError):
    """A record that cannot be priced as it stands: rejected with this message (its line, its reason)."""


class HugeInt(str):
    """A JSON integer too long to be a count (kept as its digits: never converted, never a crash)."""


# The one rule for a count written as text, the same as the SQL validation's (`duck.WHOLE`): ASCII digits
# only, so fullwidth, Arabic-Indic or superscript digits are rejected by every reader alike, not read by some.
WHOLE_TEXT = re.compile(WHOLE, re.ASCII)
MAX_JSON_INT_DIGITS = 40


def num(value: object, name: str = "count") -> int:
    """A token count that may be absent (0). Anything else that is not a whole number >= 0 raises RowError."""
    if value is None or value == "":
        return 0
    return _count(value, name)


def need(value: object, name: str) -> int:
    """A count the format always reports: absent, null or empty is a reason to reject the record, not a 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RowError(f"{name} is missing")
    return _count(value, name)


def _count(value: object, name: str) -> int:
    if isinstance(value, HugeInt):
        raise RowError(f"{name} is implausibly large: a {len(value)}-digit number")
    if isinstance(value, bool):
        raise RowError(f"{name} is not a count: {value!r}")
    if isinstance(value, int):
        out = value
    elif isinstance(value, float) and value.is_integer():
        out = int(value)
    elif isinstance(value, str) and WHOLE_TEXT.fullmatch(value):
        out = int(value.strip().lstrip("+").split(".")[0])
    else:
        raise RowError(f"{name} is not a whole number >= 0: {_shown(value)}")
    if out < 0:
        raise RowError(f"{name} is not a whole number >= 0: {out}")
    if out > MAX_TOKENS:
        raise RowError(f"{name} is implausibly large: {out}")
    return out


def _shown(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


class DuplicateKey(LogError, RowError):
    """A value read from a JSON object that named its key twice: which one counts is ambiguous.

    Read in a record, it rejects the record (a `RowError`); read above the records (an export's `data`,
    a bucket's `results`), it is the file's one-line error (a `LogError`), never the last value silently.
    """


class _Duplicates(dict):
    """A JSON object that named a key twice. `json` keeps the last value silently; here reading that key
    (or iterating the object) raises `DuplicateKey` naming it, so no reader can take one of the values."""

    duplicates: tuple[str, ...] = ()
    where = ""  # the file (and line) it came from, for the message

    def _refuse(self, key: object) -> None:
        where = f"{self.where}: " if self.where else ""
        raise DuplicateKey(f"{where}key {key!r} given twice in one JSON object (which value counts is ambiguous)")

    def get(self, key: object, default: object = None) -> object:
        if key in self.duplicates:
            self._refuse(key)
        return dict.get(self, key, default)

    def __getitem__(self, key: object) -> object:
        if key in self.duplicates:
            self._refuse(key)
        return dict.__getitem__(self, key)

    def items(self):
        self._refuse(self.duplicates[0])

    def values(self):
        self._refuse(self.duplicates[0])

    def copy(self):
        self._refuse(self.duplicates[0])


def _pairs(pairs: list[tuple[str, object]], where: str = "") -> dict:
    out: dict = {}
    dups: list[str] = []
    for k, v in pairs:
        if k in out and k not in dups:
            dups.append(k)
        out[k] = v
    if dups:
        marked = _Duplicates(out)
        marked.duplicates = tuple(dups)
        marked.where = where
        return marked
    return out


def _int(digits: str) -> int | HugeInt:
    return int(digits) if len(digits) <= MAX_JSON_INT_DIGITS else HugeInt(digits)


def parse_json(text: str | bytes, where: str = "") -> object:
    """json.loads with the input limits every reader shares: an integer of any length is not a crash
    (Python refuses > 4,300 digits), and a key named twice in an object is remembered, never one of its
    values taken silently (`DuplicateKey`, naming `where` it came from)."""
    hook = functools.partial(_pairs, where=where) if where else _pairs
    return json.loads(text, object_pairs_hook=hook, parse_int=_int)


def duplicate_keys(value: object) -> tuple[str, ...]:
    """Keys named twice in any object inside `value` (iterative: any depth json itself accepted)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if isinstance(v, _Duplicates):
                return v.duplicates
            stack.extend(x for x in v.values() if isinstance(x, dict | list))
        elif isinstance(v, list):
            stack.extend(x for x in v if isinstance(x, dict | list))
    return ()


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
        record: dict[str, object] = {k: v if type(v) is str else text(v) for k, v in fields.items()}
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


# ---- gzip: read transparently, by content (the name may say .gz or not), streamed and bounded ----

GZIP_MAGIC = b"\x1f\x8b"
GZIP_FLOOR = 64 * 2**20  # any gzip may expand to this much text
GZIP_RATIO = 250  # beyond it, at most this many bytes of text per compressed byte (logs reach ~20; a bomb ~1000)


class DataError(LogError):
    """A file whose data cannot be read on from some point (a truncated or corrupt gzip, a decompression bomb).

    `line` is the first line of the text it could not give (0: not within lines, e.g. a whole document).
    """

    def __init__(self, path: Path, reason: str, line: int = 0) -> None:
        super().__init__(f"{path}: {reason}")
        self.reason, self.line = reason, line


class Gunzip:
    """A gzip file's text as a binary stream (`read(n)`, `readline(limit)`), never more than its bound.

    Truncated, corrupt or bomb-like data is a one-line `DataError`: what was read before it stands (its
    lines were given), and the rest is said to be unreadable, never silently missing.
    """

    def __init__(self, path: Path, raw: BinaryIO) -> None:
        self.path, self.raw = path, raw
        self.limit = max(GZIP_FLOOR, GZIP_RATIO * os.fstat(raw.fileno()).st_size)
        self.out = 0
        self.gz = gzip.GzipFile(fileobj=raw, mode="rb")

    def _guard(self, read: Callable[[], bytes]) -> bytes:
        try:
            data = read()
        except EOFError:
            raise DataError(
                self.path,
                f"truncated gzip: the compressed data ends after {self.out:,} bytes of text, before its end "
                "marker (a partial copy or an interrupted write); the rest of the file is unreadable",
            ) from None
        except (gzip.BadGzipFile, zlib.error, OSError) as exc:
            raise DataError(self.path, f"corrupt gzip data after {self.out:,} bytes of text ({exc})") from None
        self.out += len(data)
        if self.out > self.limit:
            raise DataError(
                self.path,
                f"gzip expands to more than {self.limit // 2**20:,} MiB of text (the bound: {GZIP_RATIO}x its size, "
                f"at least {GZIP_FLOOR // 2**20} MiB): refused as a likely decompression bomb; decompress it first "
                "if it is a real log",
            )
        return data

    def read(self, n: int) -> bytes:
        return self._guard(lambda: self.gz.read(n))

    def readline(self, limit: int) -> bytes:
        return self._guard(lambda: self.gz.readline(limit))

    def close(self) -> None:
        self.gz.close()
        self.raw.close()

    def __enter__(self) -> Gunzip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_data(path: Path) -> BinaryIO | Gunzip:
    """The file's data as a binary stream: its bytes, or (gzip, told by its first bytes) the text inside."""
    raw = path.open("rb")
    try:
        magic = raw.read(2)
        raw.seek(0)
    except BaseException:
        raw.close()
        raise
    return Gunzip(path, raw) if magic == GZIP_MAGIC else raw


def is_gzip(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(2) == GZIP_MAGIC


def iter_lines(path: Path) -> Iterator[tuple[int, str, str | None]]:
    """(line number, text, error) for each line, bounded in length and checked for UTF-8; a gzip file's
    lines are those of the text inside (numbered as in it). Data that cannot be read on is a `DataError`
    naming the first line it could not give."""
    with open_data(path) as f:
        number = 0
        while True:
            try:
                raw = f.readline(MAX_LINE + 1)
            except DataError as exc:
                exc.line = number + 1
                raise
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest of the huge line
                    try:
                        raw = f.readline(MAX_LINE)
                    except DataError as exc:
                        exc.line = number + 1
                        raise
                yield number, "", f"line longer than {MAX_LINE // 2**20} MiB"  # no text: check the error first
                continue
            try:
                yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8"), None
            except UnicodeDecodeError as exc:
                yield number, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})"


def _document_bytes(path: Path) -> bytes:
    """The whole file's data (a gzip's text), at most MAX_DOCUMENT bytes of it."""
    with open_data(path) as f:
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                chunk = f.read(1 << 20)
            except DataError as exc:  # the line of the text where it broke
                exc.line = sum(c.count(b"\n") for c in chunks) + 1
                raise
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_DOCUMENT:
                raise LogError(
                    f"{path}: a JSON document of more than {MAX_DOCUMENT // 2**20} MiB is too large to read whole; "
                    "export it as JSONL"
                )
            chunks.append(chunk)
    return b"".join(chunks)


def load_json_document(path: Path) -> object:
    size = path.stat().st_size
    if size > MAX_DOCUMENT:
        raise LogError(f"{path}: a {size // 2**20} MiB JSON document is too large to read whole; export it as JSONL")
    data = _document_bytes(path)
    size = len(data)
    try:
        return parse_json(data.decode("utf-8-sig"), where=str(path))
    except UnicodeDecodeError as exc:
        raise LogError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        hint = " (the file looks truncated)" if exc.pos >= size - 2 or "Expecting" in exc.msg else ""
        raise LogError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}{hint}") from None
    except RecursionError:
        raise LogError(f"{path}: JSON nested too deeply to read") from None
    except ValueError as exc:
        raise LogError(f"{path}: not valid JSON: {exc}") from None


def _json_line(line: str, where: str = "") -> tuple[object, str | None]:
    """One JSON Lines record, or why it is not one."""
    try:
        return parse_json(line, where), None
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON: {exc.msg} at column {exc.colno}"
    except RecursionError:
        return None, "JSON nested too deeply"
    except ValueError as exc:
        return None, f"not valid JSON: {exc}"


def is_jsonl(path: Path) -> bool:
    """JSON Lines: the first readable non-empty line is a whole JSON value and another non-empty line comes
    before or after it (an unreadable line counts: the reader rejects it with its number)."""
    lines, value = 0, False
    for _, line, err in iter_lines(path):
        if not err and not line.strip():
            continue
        if not err and not value:
            if _json_line(line)[1] is not None:
                return False
            value = True
        lines += 1
        if value and lines > 1:
            return True
    return False


def iter_json_records(path: Path, sink: Sink) -> Iterator[tuple[int, object]]:
    """(line, value) for each JSON Lines record, or (0, document) once for a whole JSON document.

    Bad JSON lines are rejected on the sink with their line number; a bad whole document is a
    `LogError` (nothing in it can be trusted).
    """
    if sniff(path) != "json":
        raise LogError(f"{path}: not JSON (it does not start with '{{' or '[')")
    if not is_jsonl(path):
        yield 0, load_json_document(path)  # a key it names twice is refused when read (`_Duplicates`)
        return
    for number, line, err in iter_lines(path):
        if err:
            sink.reject(number, err)
            continue
        if not line.strip():
            continue
        value, err = _json_line(line, f"{path}: line {number}")
        if err:
            sink.reject(number, err)
        else:
            yield number, value


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
    """Wrap a reader's per-record function: the one place a record becomes a row or a rejection.

    A record with a key named twice is rejected (which value would count?); a `RowError` (a count
    missing or invalid) rejects it with its message; a record of an unexpected shape is rejected, not a crash.
    """

    def wrapper(where: int, record: object, *args) -> None:
        sink = args[-1]
        dups = duplicate_keys(record)
        if dups:
            sink.reject(where, f"key {', '.join(map(repr, dups))} given twice in one record (ambiguous)")
            return
        try:
            record_reader(where, record, *args)
        except RowError as exc:
            sink.reject(where, str(exc))
        except (TypeError, AttributeError, ValueError, KeyError, IndexError, OverflowError, RecursionError) as exc:
            sink.reject(where, f"unexpected record shape ({type(exc).__name__}: {exc})")

    wrapper.__doc__ = record_reader.__doc__
    return wrapper


# ---- what a file is, from its first bytes (never from its name) ----

SNIFF_BYTES = 1 << 16
COMPRESSED = (  # refused by name (gzip is read: `open_data`)
    (b"PK\x03\x04", "zip", "unzip"),
    (b"BZh", "bzip2", "bunzip2"),
    (b"\xfd7zXZ\x00", "xz", "unxz"),
    (b"\x28\xb5\x2f\xfd", "zstd", "unzstd"),
)
BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
PARQUET_MAGIC = b"PAR1"
CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])  # never in text (tab, LF, CR are)


def kind_of(path: Path) -> str:
    """'regular', 'directory', 'FIFO', 'character device', ... for a path (following symlinks)."""
    mode = os.stat(path).st_mode
    for test, name in (
        (stat.S_ISREG, "regular"),
        (stat.S_ISDIR, "directory"),
        (stat.S_ISFIFO, "FIFO (named pipe)"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return name
    return "special file"


def sniff(path: Path) -> str:
    """'parquet', 'json' or 'text' from a file's first bytes (a gzip file's: of the text inside); anything
    that cannot be read is a LogError naming what it is (empty, compressed other than gzip, UTF-16/32,
    binary, a FIFO or device)."""
    try:
        kind = kind_of(path)
        if kind != "regular":
            raise LogError(f"{path}: a {kind}, not a regular file; only regular usage files are read")
        if path.stat().st_size == 0:
            raise LogError(f"{path}: empty file")
        with open_data(path) as f:
            head = f.read(SNIFF_BYTES)
            gzipped = isinstance(f, Gunzip)
    except DataError as exc:  # broken within its first bytes: nothing of it is read, from line 1 on
        exc.line = 1
        raise
    except OSError as exc:
        raise LogError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if gzipped and not head:
        raise LogError(f"{path}: empty file (a gzip of nothing)")
    if gzipped and (head.startswith(PARQUET_MAGIC) or head.startswith(GZIP_MAGIC)):
        inner = "Parquet" if head.startswith(PARQUET_MAGIC) else "gzip"
        raise LogError(f"{path}: gzip-compressed {inner}; decompress it first (`gunzip`)")
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    for magic, name, tool in COMPRESSED:
        if head.startswith(magic):
            raise LogError(
                f"{path}: {name}-compressed; only uncompressed or gzip files are read: decompress it first (`{tool}`)"
            )
    for bom, name in BOMS:
        if head.startswith(bom):
            raise LogError(
                f"{path}: {name} text; usage files are read as UTF-8: convert it (`iconv -f {name} -t UTF-8`)"
            )
    if b"\x00" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if max(even, odd) > len(head) // 4 and min(even, odd) < len(head) // 32:
            raise LogError(
                f"{path}: UTF-16 text (no byte-order mark); usage files are read as UTF-8: convert it (`iconv`)"
            )
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))
    if controls * 10 > len(head) or head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"\x00":
        raise LogError(f"{path}: binary data (not UTF-8 text, JSON, CSV or Parquet)")
    # a stray control byte in otherwise textual data: its line is rejected by the reader, not the whole file
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body:
        if len(head) < SNIFF_BYTES:
            raise LogError(f"{path}: empty file (only blank lines)")
        return "text"
    return "json" if body[:1] in (b"{", b"[") else "text"


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


# ---- CSV: one row-accounting path for every CSV reader ----

FIELD_LIMIT = 1 << 20  # one CSV cell; a longer one rejects its row


def _decoded(path: Path, bad: dict[int, str]) -> Iterator[str]:
    """The file's lines as text; a line that cannot be read becomes an empty line, and why is kept in `bad`."""
    for number, line, err in iter_lines(path):
        if err:
            bad[number] = err
            yield "\n"
        else:
            yield line


def csv_header_names(header: list[str], canon: Callable[[str], str], path: Path) -> list[str]:
    """Each header cell's meaning; two cells with one meaning (a repeat, a case variant, an alias) are an error."""
    names = [canon(h) for h in header]
    seen: dict[str, str] = {}
    for h, n in zip(header, names, strict=True):
        if n in seen:
            same = f"{seen[n]!r} and {h!r}"
            why = "" if seen[n].strip() == h.strip() else f" both mean {n!r}"
            raise LogError(f"{path}: columns {same}{why}: conflicting columns, keep one")
        seen[n] = h
    return names


def csv_records(
    path: Path, sink: Sink, canon: Callable[[str], str], delimiter: str = ","
) -> tuple[list[str], list[str], Iterator[tuple[int, list[str]]]]:
    """The header as written, its column names (after `canon`) and (line, cells) for each data row.

    Every physical line is accounted for once: a row is yielded, or rejected on the sink with its first
    line and why (not UTF-8, too long, broken quoting, wrong field count); only blank lines are not rows.
    """
    bad: dict[int, str] = {}
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(_decoded(path, bad), strict=True, delimiter=delimiter)
    try:
        header = next(reader)
        while header == [] and reader.line_num not in bad:
            header = next(reader)
    except StopIteration:
        raise LogError(f"{path}: empty file (no header row)") from None
    except csv.Error as exc:
        raise LogError(f"{path}: the header row is not valid CSV: {exc}") from None
    if reader.line_num in bad:
        raise LogError(f"{path}: line {reader.line_num} (the header row): {bad[reader.line_num]}")
    names = csv_header_names(header, canon, path)

    def rows() -> Iterator[tuple[int, list[str]]]:
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
                last = max(reader.line_num, start)
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
            yield start, cells

    return header, names, rows()
