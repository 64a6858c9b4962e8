"""Codex CLI rollouts (`${CODEX_HOME:-~/.codex}/sessions/YYYY/MM/DD/rollout-*.jsonl`, `archived_sessions/`).

One event per line, `{timestamp, type, payload}`. Usage is in `event_msg` events whose
`payload.type` is `token_count`: `payload.info.total_token_usage` is the session's RUNNING total and
`last_token_usage` the last request. Each request is the difference between consecutive totals, so
a repeated event (the same total again, which Codex writes) adds nothing; a file's first total counts
its `last_token_usage` (its own request; a resumed counter carries the history before it); where a file
has no totals, `last_token_usage` is taken as is; a total that goes down (a reset) counts afresh from it.

Resumed and forked sessions (openai/codex `codex-rs/core/src/codex.rs`, `record_initial_history`): the
running total survives a resume (it is restored from the rollout's last `token_count`), and a resume
either appends to the same rollout or writes another whose `session_meta` names the same session; a
fork writes a new rollout (`session_meta.payload.forked_from_id`) that first copies the whole history,
`token_count` events included, with new timestamps. So the rollouts of one session, its resumptions and
forks (linked by `id`, `forked_from_id`, `history_base.thread_id`) are one lineage whose running totals
are one sequence: a total already counted in the lineage is history repeated, not usage, and counts
once whatever the order of the files. An event copied whole (same timestamp, same total) into a rollout
that names no session counts once too (ccusage's branch-history fixture).

Counts: `input_tokens` INCLUDES `cached_input_tokens` (converted: canonical input excludes them),
`reasoning_output_tokens` is part of `output_tokens` (as canonical reasoning is). Codex reports no
cache writes. The model is `payload.info.model` when present, else the latest `turn_context`'s.
The channel is `session_meta.payload.model_provider` when it names one, else the maker's API; whether
a session ran on an API key or a ChatGPT plan is not recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from billpath.usage.columns import LogError
from billpath.usage.readers.base import WEAK, DataError, Sink, iter_lines, num

NAME = "codex"
SUFFIXES = (".jsonl",)
TYPES = {"session_meta", "turn_context", "event_msg", "response_item", "compacted"}
KEYS = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens")


def looks_like(obj: object) -> bool:
    return (
        isinstance(obj, dict)
        and isinstance(obj.get("type"), str)
        and obj["type"] in TYPES
        and (isinstance(obj.get("payload"), dict))
    )


def claims(first: bytes) -> bool:
    try:
        return looks_like(json.loads(first))
    except (ValueError, RecursionError):
        return False


def read(path: Path, sink: Sink) -> None:
    if read_files([path], sink):
        raise LogError(f"{path}: not a Codex CLI rollout")


def read_files(paths: list[Path], sink: Sink, root: Path | None = None) -> list[Path]:
    foreign: list[Path] = []
    stats = {"repeats": 0, "history": 0, "other": 0, "resets": 0, "no_info": 0}
    rollouts: list[_Rollout] = []
    for path in paths:
        label = str(path.relative_to(root)) if root is not None and path.is_relative_to(root) else str(path)
        try:
            rollout = _read_one(path, label, sink, stats)
        except DataError as exc:  # a gzip cut short: the lines before stand, the rest is one rejection
            if len(paths) == 1:
                raise  # one file that cannot be read fails the run (as every reader's)
            sink.reject(exc.line, f"{label}: line {exc.line} on: {exc.reason}")
            continue
        if rollout is None:
            foreign.append(path)
        else:
            rollouts.append(rollout)
    _count(rollouts, sink, stats)
    skipped = stats["repeats"] + stats["history"] + stats["other"] + stats["no_info"]
    sink.skipped += skipped
    if stats["repeats"]:
        sink.note(
            f"Codex: total_token_usage is cumulative; each request is the difference of consecutive totals "
            f"({stats['repeats']} repeated token_count events added nothing)"
        )
    if stats["history"]:
        sink.note(
            f"Codex: {stats['history']} token_count events repeat a session's history already counted in another "
            "rollout (a resumed or forked session): counted once"
        )
    if stats["resets"]:
        sink.note(f"Codex: {stats['resets']} running totals went down (a reset); counting restarted from them")
    sink.note(
        "Codex: the rollout does not say whether it ran on an API key or a ChatGPT plan, nor its service tier "
        "(priority is set in config.toml): priced at standard API rates"
    )
    return foreign


@dataclass
class _Event:
    """One `token_count` event with usage, as the rollout gave it."""

    line: int
    timestamp: object
    model: str | None
    provider: str
    total: tuple[int, ...] | None
    last: tuple[int, ...] | None


@dataclass
class _Rollout:
    label: str
    sessions: list[str] = field(default_factory=list)  # session ids it names: its own, forked-from, copied
    events: list[_Event] = field(default_factory=list)


def _usage(value: object) -> tuple[int, ...] | None:
    if not isinstance(value, dict):
        return None
    return tuple(num(value.get(k)) for k in KEYS)


def _sessions(payload: dict) -> list[str]:
    """The session ids a `session_meta` links: its own, the one it was forked from, its history's base."""
    base = payload.get("history_base")
    ids = [payload.get("id"), payload.get("forked_from_id"), base.get("thread_id") if isinstance(base, dict) else None]
    return [i for i in ids if isinstance(i, str) and i]


def _read_one(path: Path, label: str, sink: Sink, stats: dict) -> _Rollout | None:
    """The rollout's token_count events (rows come later, once every rollout of a session is known)."""
    rollout = _Rollout(label)
    model: str | None = None
    provider = ""
    first = True
    for number, text, err in iter_lines(path):
        if err:
            sink.reject(number, f"{label}: {err}")
            continue
        if not text or not text.strip():
            continue
        try:
            obj = json.loads(text)
        except (ValueError, RecursionError) as exc:
            if first:
                return None
            sink.reject(number, f"{label}: not valid JSON ({str(exc).split(':')[0]})")
            continue
        if first:
            if not looks_like(obj):
                return None
            first = False
        if not isinstance(obj, dict) or not isinstance(obj.get("payload"), dict):
            stats["other"] += 1
            continue
        payload = obj["payload"]
        kind = obj.get("type")
        if kind == "session_meta":
            provider = str(payload.get("model_provider") or "")
            rollout.sessions += _sessions(payload)
            stats["other"] += 1
            continue
        if kind == "turn_context":
            if isinstance(payload.get("model"), str) and payload["model"].strip():
                model = payload["model"].strip()
            stats["other"] += 1
            continue
        if kind != "event_msg" or payload.get("type") != "token_count":
            stats["other"] += 1
            continue
        info = payload.get("info")
        if not isinstance(info, dict):
            stats["no_info"] += 1  # a rate-limit-only event: no tokens
            continue
        try:
            total = _usage(info.get("total_token_usage"))
            last = _usage(info.get("last_token_usage"))
        except ValueError as exc:
            sink.reject(number, f"{label}: {exc}")
            continue
        if total is None and last is None:
            sink.reject(number, f"{label}: token_count event without total_token_usage or last_token_usage")
            continue
        name = info.get("model") if isinstance(info.get("model"), str) and info["model"].strip() else model
        rollout.events.append(_Event(number, obj.get("timestamp"), name, provider, total, last))
    return rollout


def _lineages(rollouts: list[_Rollout]) -> list[object]:
    """Each rollout's lineage: the rollouts whose session ids link (union-find), or the rollout alone."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in rollouts:
        for other in r.sessions[1:]:
            a, b = find(r.sessions[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return [find(r.sessions[0]) if r.sessions else ("rollout", i) for i, r in enumerate(rollouts)]


def _count(rollouts: list[_Rollout], sink: Sink, stats: dict) -> None:
    """Rows from every rollout's events: per lineage, each running total counts once.

    A lineage's rollouts are read from the one whose totals start lowest (the original before a
    resumption that carries its counter on), so the result does not depend on the order of the files.
    """
    lineages = _lineages(rollouts)
    first_seen: dict[object, int] = {}
    for i, lineage in enumerate(lineages):
        first_seen.setdefault(lineage, i)

    def start(r: _Rollout) -> int:
        return min((sum(e.total) for e in r.events if e.total is not None), default=0)

    order = sorted(range(len(rollouts)), key=lambda i: (first_seen[lineages[i]], start(rollouts[i]), i))
    counted: dict[object, set[tuple[int, ...]]] = {}  # lineage -> the totals counted: its history so far
    copies: set[tuple] = set()  # (timestamp, total or last): an event copied whole
    for i in order:
        lineage, rollout = lineages[i], rollouts[i]
        history = counted.setdefault(lineage, set())
        previous: tuple[int, ...] | None = None
        for e in rollout.events:
            exact = (str(e.timestamp), e.total if e.total is not None else e.last)
            if e.total is not None and (e.total in history or exact in copies):
                stats["repeats" if previous == e.total else "history"] += 1  # the same event again, or history
                previous = e.total
                continue
            if e.total is None and exact in copies:
                stats["history"] += 1
                continue
            delta = _delta(e, previous, history, stats)
            if e.total is not None:
                history.add(e.total)
                previous = e.total
            copies.add(exact)
            if not any(delta):
                stats["repeats"] += 1
                continue
            _row(sink, rollout.label, e, delta)


def _delta(e: _Event, previous: tuple[int, ...] | None, history: set[tuple[int, ...]], stats: dict) -> tuple[int, ...]:
    """This event's request: its total less the one before it (in this rollout, or for a rollout's first
    total without `last_token_usage`, the lineage's highest total below it), else `last_token_usage`."""
    if e.total is None:
        assert e.last is not None  # a total or a last: checked when read
        return e.last
    if previous is not None and _covers(e.total, previous):
        return tuple(t - p for t, p in zip(e.total, previous, strict=True))
    if previous is not None:
        stats["resets"] += 1
    if e.last is not None:
        return e.last  # the rollout's own request, not the history its counter carries
    below = [t for t in history if _covers(e.total, t)] if previous is None else []
    if below:
        base = max(below, key=sum)
        return tuple(t - b for t, b in zip(e.total, base, strict=True))
    return e.total


def _covers(total: tuple[int, ...], other: tuple[int, ...]) -> bool:
    return all(t >= o for t, o in zip(total, other, strict=True))


def _row(sink: Sink, label: str, e: _Event, delta: tuple[int, ...]) -> None:
    if e.model is None:
        sink.reject(e.line, f"{label}: token_count before any turn_context: the rollout names no model")
        return
    inp, cached, out, reasoning = delta
    if cached > inp:
        sink.reject(e.line, f"{label}: cached_input_tokens ({cached}) exceed input_tokens ({inp})")
        return
    sink.row(
        e.line,
        timestamp=e.timestamp,
        model=e.model.strip(),
        channel=WEAK + (e.provider or "openai"),
        input_tokens=inp - cached,
        output_tokens=out,
        cache_read_tokens=cached,
        reasoning_tokens=reasoning,
        requests=1,
    )
