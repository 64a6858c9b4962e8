"""A key named twice in a JSON export is never last-one-wins, at any level: the file's error names the key,
or (inside a record) the record is rejected naming it.

The property runs over every JSON reader's sample in examples/ and the hostile generators' documents:
each object of the document (the export itself, its pages, buckets, wrappers and the first record of each
list) gets each of its keys written twice, the other value first or last, and reading must say so.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from billpath.usage.columns import LogError
from billpath.usage.readers import DESCRIPTIONS, READERS, detect
from billpath.usage.readers.base import ListSink
from tests.hostile import JSON_FORMATS, json_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

Path_ = tuple[object, ...]


def _samples() -> list[tuple[str, Path]]:
    """(format, file) for every JSON sample a reader documents (a tree: its JSON files)."""
    out = []
    for fmt, (_, sample) in DESCRIPTIONS.items():
        path = EXAMPLES / sample
        files = sorted(path.rglob("*.json*")) if path.is_dir() else [path]
        out += [(fmt, f) for f in files if f.suffix in (".json", ".jsonl") and f.read_bytes()[:1] in b"{["]
    return out


SAMPLES = _samples()


def _objects(value: object, path: Path_ = ()) -> Iterator[tuple[Path_, dict]]:
    """Each object in `value` (the first two items of each list: a page, a bucket, a record)."""
    if isinstance(value, dict):
        yield path, value
        for k, v in value.items():
            yield from _objects(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:2]):
            yield from _objects(v, (*path, i))


def _other(value: object) -> object:
    """A different value of the same kind (empty where it holds records, so one copy is lost if one wins)."""
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 7
    return f"{value}-other" if value is not None else "x"


def _dump(value: object, target: Path_, key: str, other: object, first: bool, here: Path_ = ()) -> str:
    """JSON text of `value` with `key` of the object at `target` written twice (`other` first or last)."""
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            pair = f"{json.dumps(k)}: {_dump(v, target, key, other, first, (*here, k))}"
            if here == target and k == key:
                extra = f"{json.dumps(k)}: {json.dumps(other)}"
                parts += [extra, pair] if first else [pair, extra]
            else:
                parts.append(pair)
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_dump(v, target, key, other, first, (*here, i)) for i, v in enumerate(value)) + "]"
    return json.dumps(value)


AGENT_JSONL = {"claude-code", "codex"}  # per-line event logs (their own parsers), not JSON exports


def _documents(tmp_path: Path) -> list[tuple[str, str, object, str | None]]:
    """(format, label, parsed document or first JSON Lines record, the following lines of a JSON Lines file)."""
    docs: list[tuple[str, str, object, str | None]] = []
    for fmt, path in SAMPLES:
        if fmt in AGENT_JSONL:
            continue
        text = path.read_text()
        lines = [ln for ln in text.splitlines() if ln.strip()]
        try:
            docs.append((fmt, path.name, json.loads(text), None))
        except json.JSONDecodeError:  # JSON Lines: the first record, then the rest as they are
            docs.append((fmt, path.name + ":1", json.loads(lines[0]), "\n".join(lines[1:])))
    for fmt in JSON_FORMATS:
        made = json_file(tmp_path / f"{fmt}.json", fmt, [JSON_FORMATS[fmt].record(1000, 100)] * 2)
        lines = made.read_text().splitlines()
        if len(lines) > 1:
            docs.append((fmt, f"hostile-{fmt}:1", json.loads(lines[0]), "\n".join(lines[1:])))
        else:
            docs.append((fmt, f"hostile-{fmt}", json.loads(lines[0]), None))
    return docs


def _read(fmt: str, path: Path) -> tuple[str | None, ListSink]:
    sink = ListSink()
    try:
        READERS[fmt].read(path, sink)
    except LogError as exc:
        return str(exc), sink
    return None, sink


def test_the_samples_cover_every_json_reader():
    fmts = {fmt for fmt, _ in SAMPLES}
    assert {"openai-usage", "anthropic-usage", "otel", "openrouter", "langfuse", "gemini-cli", "cursor-api"} <= fmts


def _rows(sink: ListSink) -> list[dict]:
    return sorted(sink.rows, key=lambda r: (r["line"], json.dumps(r, sort_keys=True)))


def test_a_key_named_twice_is_never_one_value_silently(tmp_path: Path) -> None:
    """Reading a key written twice is refused (the file's error, or the record's rejection, naming it); a
    key no reader reads changes nothing. What is read never depends on which copy would have won."""
    checked = refused = 0
    for n, (fmt, label, doc, rest) in enumerate(_documents(tmp_path)):
        tail = "" if rest is None else rest + "\n"
        original = tmp_path / f"doc-{n}.json"
        original.write_text(json.dumps(doc) + "\n" + tail)
        error, sink = _read(fmt, original)
        assert error is None, (label, error)
        plain = _rows(sink)
        for where, obj in _objects(doc):
            for key, value in obj.items():
                for first in (True, False):
                    path = tmp_path / f"dup-{checked}.json"
                    path.write_text(_dump(doc, where, key, _other(value), first) + "\n" + tail)
                    error, sink = _read(fmt, path)
                    said = [r["error"] for r in sink.rows if r["error"] and repr(key) in r["error"]]
                    what = f"{fmt} {label}: {key!r} at {where} twice ({'other first' if first else 'other last'})"
                    if error is not None:
                        assert repr(key) in error and "given twice" in error and "\n" not in error, (what, error)
                        refused += 1
                    elif said:
                        assert "given twice" in said[0], (what, said)
                        refused += 1
                    else:  # not read at all (an export's `object`, `has_more`): the same rows as without it
                        assert _rows(sink) == plain, what
                    checked += 1
    assert checked > 200 and refused > checked // 2, (checked, refused)


def test_two_data_arrays_are_an_error_naming_the_key(tmp_path: Path) -> None:
    page = json.loads((EXAMPLES / "openai-usage.json").read_text())
    text = json.dumps(page)
    path = tmp_path / "two-pages.json"
    path.write_text('{"data": [], ' + text[1:])  # the export's real "data" comes second: last-one-wins reads it
    with pytest.raises(LogError, match=r"key 'data' given twice") as exc:
        detect(path)
    assert str(path) in str(exc.value)
    for fmt in ("openai-usage", "auto"):
        from billpath import price_log

        with pytest.raises(LogError, match=r"'data' given twice"):
            price_log([str(path)], input_format=fmt)
