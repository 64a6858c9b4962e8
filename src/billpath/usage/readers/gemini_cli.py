"""Gemini CLI chats (`~/.gemini/tmp/<project hash>/chats/*.json` or `*.jsonl`; `GEMINI_DATA_DIR`).

A chat is `{sessionId | session_id, startTime | lastUpdated, messages: [...]}`; each model reply
(`type: "gemini"`) carries `tokens: {input, output, cached, thoughts, tool, total}` and its `model`.
JSON Lines chats hold one such message (or a whole chat) per line.

Older exports keep the session's totals instead, per model, in `stats.models.<model>.tokens` (same
counts; `prompt` / `candidates` are also read as `input` / `output`, as ccusage's parser does, and
`api.totalRequests` is the session's request count when given). They are read only for a session whose
messages carry no tokens in any file given: a session is never counted both from its messages and from
its totals, and a session whose totals were saved twice counts once (the latest `lastUpdated`).

Counts: `input` INCLUDES `cached` (converted: canonical input excludes cached tokens); `thoughts`
are reported apart from `output` but billed as output, so output = output + thoughts, with the
thoughts as reasoning. `tool` is not billed here (whether it is inside `input` is not established)
and `total` is never used. A message id seen twice (the same session saved again) counts once.
The record names no channel (a Gemini API key, Vertex and a Google login look alike), so rows are
priced on the maker's API and the note says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from billpath.usage.columns import LogError
from billpath.usage.readers.base import (
    DataError,
    ListSink,
    RowError,
    Sink,
    duplicate_keys,
    iter_json_records,
    num,
    text,
)

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
    tree = _Tree(sink)
    for path in paths:
        label = str(path.relative_to(root)) if root is not None and path.is_relative_to(root) else str(path)
        try:
            mine = _read_one(path, label, tree)
        except DataError as exc:  # a gzip cut short: the lines before stand, the rest is one rejection
            if len(paths) == 1:
                raise  # one file that cannot be read fails the run (as every reader's)
            sink.reject(exc.line, f"{label}: line {exc.line} on: {exc.reason}")
            continue
        if not mine:
            foreign.append(path)
    _flush_totals(tree)
    stats = tree.stats
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


@dataclass
class _Totals:
    """One saved copy of a session's `stats.models` totals, read when its messages carry no tokens."""

    label: str
    updated: str
    timestamp: object
    first: int  # the position of its first model in the chat (after its messages)
    models: list[tuple[str, object]]


@dataclass
class _Tree:
    sink: Sink
    seen: set[tuple] = field(default_factory=set)  # (session, message id) counted
    with_tokens: set[object] = field(default_factory=set)  # sessions whose messages carry tokens
    totals: dict[object, list[_Totals]] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=lambda: {"repeats": 0, "other": 0, "tool": 0})


def _read_one(path: Path, label: str, tree: _Tree) -> bool:
    probe = ListSink()
    records = iter_json_records(path, probe)
    for line, doc in records:
        if not looks_like(doc) and not _is_message(doc):
            if line <= 1:
                return False
            tree.stats["other"] += 1
            continue
        if isinstance(doc, dict) and isinstance(doc.get("messages"), list):
            session = _session(doc, label)
            messages = doc["messages"]
            for index, m in enumerate(messages):
                _message(line or index + 1, label, m, session, tree)
            _stats(doc, line, len(messages), label, session, tree)
        else:
            session = _session(doc, label) if isinstance(doc, dict) else None
            _message(line, label, doc, session, tree)
    for bad in probe.rows:  # bad JSON lines, found while reading
        tree.sink.reject(bad["line"], f"{label}: {bad['error']}")
    return True


def _session(doc: dict, label: str) -> object:
    """The chat's session id (a chat without one is a session of its own file)."""
    session = text(doc.get("sessionId") or doc.get("session_id"))
    return session if session is not None else ("no session id", label)


def _message(where: int, label: str, m: object, session: object, tree: _Tree) -> None:
    sink, stats = tree.sink, tree.stats
    if isinstance(m, dict) and duplicate_keys(m):
        sink.reject(where, f"{label}: key {', '.join(map(repr, duplicate_keys(m)))} given twice in one message")
        return
    if not isinstance(m, dict) or m.get("type") != "gemini" or not isinstance(m.get("tokens"), dict):
        stats["other"] += 1
        return
    tree.with_tokens.add(session)
    key = (session, text(m.get("id")))
    if m.get("id") is not None:
        if key in tree.seen:
            stats["repeats"] += 1
            return
        tree.seen.add(key)
    try:
        inp, cached, out, thoughts, tool = _counts(m["tokens"])
    except RowError as exc:
        sink.reject(where, f"{label}: {exc}")
        return
    stats["tool"] += tool
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


SYNONYMS = (("input", "prompt"), ("output", "candidates"))  # stats tokens: Gemini CLI's own metric names too


def _counts(t: dict) -> tuple[int, int, int, int, int]:
    """(input incl. cached, cached, output, thoughts, tool) of a `tokens` object; a count given under both
    of its names is a RowError."""
    named = []
    for names in SYNONYMS:
        given = [n for n in names if t.get(n) is not None]
        if len(given) > 1:
            raise RowError(f"tokens give both {given[0]!r} and {given[1]!r} (one count, two names)")
        named.append(num(t.get(given[0]) if given else None, names[0]))
    inp, out = named
    return inp, num(t.get("cached"), "cached"), out, num(t.get("thoughts"), "thoughts"), num(t.get("tool"), "tool")


def _stats(doc: dict, line: int, after: int, label: str, session: object, tree: _Tree) -> None:
    """Keep the chat's `stats.models` totals, to be read at the end if the session has no per-message tokens."""
    stats = doc.get("stats")
    models = stats.get("models") if isinstance(stats, dict) else None
    if not isinstance(models, dict) or not models:
        return
    updated = text(doc.get("lastUpdated")) or text(doc.get("startTime")) or ""
    stamp = doc.get("startTime") or doc.get("lastUpdated")
    first = line or after + 1
    tree.totals.setdefault(session, []).append(_Totals(label, updated, stamp, first, list(models.items())))


def _flush_totals(tree: _Tree) -> None:
    """Each session's totals, once (the latest copy), for the sessions whose messages carry no tokens."""
    sink, used, ignored, copies, unknown_requests = tree.sink, 0, 0, 0, 0
    for session, saved in tree.totals.items():
        if session in tree.with_tokens:
            ignored += 1  # its messages were counted: never both
            continue
        latest = max(saved, key=lambda t: t.updated)
        copies += len(saved) - 1
        used += 1
        for i, (model, data) in enumerate(latest.models):
            where = latest.first + i
            if not isinstance(data, dict) or not isinstance(data.get("tokens"), dict):
                sink.reject(where, f"{latest.label}: stats.models[{model!r}] has no tokens")
                continue
            tokens = data["tokens"]
            try:
                inp, cached, out, thoughts, tool = _counts(tokens)
                api = data.get("api")
                requests = num(api.get("totalRequests"), "api.totalRequests") if isinstance(api, dict) else 0
            except RowError as exc:
                sink.reject(where, f"{latest.label}: stats.models[{model!r}]: {exc}")
                continue
            tree.stats["tool"] += tool
            if cached > inp:
                sink.reject(
                    where, f"{latest.label}: stats.models[{model!r}]: cached tokens ({cached}) exceed input ({inp})"
                )
                continue
            if not requests:
                unknown_requests += 1
            sink.row(
                where,
                timestamp=latest.timestamp,
                model=model,
                input_tokens=inp - cached,
                output_tokens=out + thoughts,
                cache_read_tokens=cached,
                reasoning_tokens=thoughts,
                requests=requests,
            )
    if used:
        sink.note(
            f"Gemini CLI: {used} sessions read from their saved totals (stats.models: older exports whose messages "
            "carry no tokens), one row per model" + (f"; {copies} saved copies of them counted once" if copies else "")
        )
    if unknown_requests:
        sink.note(
            f"Gemini CLI: {unknown_requests} session totals give no request count (api.totalRequests): priced at the "
            "base tier, as a total cannot show which requests crossed a long-context threshold"
        )
    if ignored:
        sink.note(f"Gemini CLI: {ignored} sessions' saved totals not used: their messages' tokens were counted")
        sink.skipped += ignored
