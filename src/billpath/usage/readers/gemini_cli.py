"""Gemini CLI chats (`~/.gemini/tmp/<project hash>/chats/*.json` or `*.jsonl`; `GEMINI_DATA_DIR`).

A chat is `{sessionId | session_id, startTime | lastUpdated, messages: [...]}`; each model reply
(`type: "gemini"`) carries `tokens: {input, output, cached, thoughts, tool, total}` and its `model`.
JSON Lines chats hold one such message (or a whole chat) per line.

Counts: `input` INCLUDES `cached` (converted: canonical input excludes cached tokens); `thoughts`
are reported apart from `output` but billed as output, so output = output + thoughts, with the
thoughts as reasoning. `tool` is not billed here (whether it is inside `input` is not established)
and `total` is never used. A message id seen twice (the same session saved again) counts once.
The record names no channel (a Gemini API key, Vertex and a Google login look alike), so rows are
priced on the maker's API and the note says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeGuard

from billpath.usage.columns import LogError
from billpath.usage.readers.base import DataError, ListSink, Sink, iter_json_records, num, text

NAME = "gemini-cli"
SUFFIXES = (".json", ".jsonl")


def _is_message(obj: object) -> TypeGuard[dict[str, Any]]:
    return isinstance(obj, dict) and obj.get("type") in ("gemini", "user", "info", "error") and "id" in obj


def looks_like(obj: object) -> bool:
    if isinstance(obj, dict) and isinstance(obj.get("messages"), list):
        return ("sessionId" in obj or "session_id" in obj) and ("startTime" in obj or "lastUpdated" in obj)
    return _is_message(obj) and isinstance(obj.get("tokens"), dict)


def read(path: Path, sink: Sink) -> None:
    if read_files([path], sink):
        raise LogError(f"{path}: not a Gemini CLI chat")


def read_files(paths: list[Path], sink: Sink, root: Path | None = None) -> list[Path]:
    foreign: list[Path] = []
    seen: set[tuple] = set()
    stats = {"repeats": 0, "other": 0, "tool": 0}
    for path in paths:
        label = str(path.relative_to(root)) if root is not None and path.is_relative_to(root) else str(path)
        try:
            mine = _read_one(path, label, sink, seen, stats)
        except DataError as exc:  # a gzip cut short: the lines before stand, the rest is one rejection
            if len(paths) == 1:
                raise  # one file that cannot be read fails the run (as every reader's)
            sink.reject(exc.line, f"{label}: line {exc.line} on: {exc.reason}")
            continue
        if not mine:
            foreign.append(path)
    sink.skipped += stats["repeats"] + stats["other"]
    if stats["repeats"]:
        sink.note(f"Gemini CLI: {stats['repeats']} messages saved twice (same session and message id) counted once")
    if stats["tool"]:
        sink.note(
            f"Gemini CLI: {stats['tool']:,} `tool` tokens not priced (whether they are inside `input` is not "
            "established; `total` is not used)"
        )
    sink.note("Gemini CLI: the log names no channel (API key, Vertex or Google login look alike)")
    return foreign


def _read_one(path: Path, label: str, sink: Sink, seen: set, stats: dict) -> bool:
    probe = ListSink()
    records = iter_json_records(path, probe)
    for line, doc in records:
        if not looks_like(doc) and not _is_message(doc):
            if line <= 1:
                return False
            stats["other"] += 1
            continue
        if isinstance(doc, dict) and isinstance(doc.get("messages"), list):
            session = doc.get("sessionId") or doc.get("session_id")
            for index, m in enumerate(doc["messages"]):
                _message(line or index + 1, label, m, session, sink, seen, stats)
        else:
            session = doc.get("sessionId") or doc.get("session_id") if isinstance(doc, dict) else None
            _message(line, label, doc, session, sink, seen, stats)
    for bad in probe.rows:  # bad JSON lines, found while reading
        sink.reject(bad["line"], f"{label}: {bad['error']}")
    return True


def _message(where: int, label: str, m: object, session: object, sink: Sink, seen: set, stats: dict) -> None:
    if not isinstance(m, dict) or m.get("type") != "gemini" or not isinstance(m.get("tokens"), dict):
        stats["other"] += 1
        return
    key = (text(session), text(m.get("id")))
    if m.get("id") is not None:
        if key in seen:
            stats["repeats"] += 1
            return
        seen.add(key)
    t = m["tokens"]
    try:
        inp, cached = num(t.get("input")), num(t.get("cached"))
        out, thoughts = num(t.get("output")), num(t.get("thoughts"))
        stats["tool"] += num(t.get("tool"))
    except ValueError as exc:
        sink.reject(where, f"{label}: {exc}")
        return
    if cached > inp:
        sink.reject(where, f"{label}: cached tokens ({cached}) exceed input ({inp}); input includes cached")
        return
    sink.row(
        where,
        timestamp=m.get("timestamp"),
        model=m.get("model"),
        input_tokens=inp - cached,
        output_tokens=out + thoughts,
        cache_read_tokens=cached,
        reasoning_tokens=thoughts,
        requests=1,
    )
