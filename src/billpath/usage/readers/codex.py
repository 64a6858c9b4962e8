"""Codex CLI rollouts (`${CODEX_HOME:-~/.codex}/sessions/YYYY/MM/DD/rollout-*.jsonl`, `archived_sessions/`).

One event per line, `{timestamp, type, payload}`. Usage is in `event_msg` events whose
`payload.type` is `token_count`: `payload.info.total_token_usage` is the session's RUNNING total and
`last_token_usage` the last request. Each request is the difference between consecutive totals, so
a repeated event (the same total again, which Codex writes) adds nothing; where a file has no totals,
`last_token_usage` is taken as is; a total that goes down (a reset) starts counting afresh from it.

Counts: `input_tokens` INCLUDES `cached_input_tokens` (converted: canonical input excludes them),
`reasoning_output_tokens` is part of `output_tokens` (as canonical reasoning is). Codex reports no
cache writes. The model is `payload.info.model` when present, else the latest `turn_context`'s.
The channel is `session_meta.payload.model_provider` when it names one, else the maker's API; whether
a session ran on an API key or a ChatGPT plan is not recorded.
"""

from __future__ import annotations

import json
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
    stats = {"repeats": 0, "other": 0, "resets": 0, "no_info": 0}
    for path in paths:
        label = str(path.relative_to(root)) if root is not None and path.is_relative_to(root) else str(path)
        try:
            mine = _read_one(path, label, sink, stats)
        except DataError as exc:  # a gzip cut short: the lines before stand, the rest is one rejection
            if len(paths) == 1:
                raise  # one file that cannot be read fails the run (as every reader's)
            sink.reject(exc.line, f"{label}: line {exc.line} on: {exc.reason}")
            continue
        if not mine:
            foreign.append(path)
    skipped = stats["repeats"] + stats["other"] + stats["no_info"]
    sink.skipped += skipped
    if stats["repeats"]:
        sink.note(
            f"Codex: total_token_usage is cumulative; each request is the difference of consecutive totals "
            f"({stats['repeats']} repeated token_count events added nothing)"
        )
    if stats["resets"]:
        sink.note(f"Codex: {stats['resets']} running totals went down (a reset); counting restarted from them")
    sink.note(
        "Codex: the rollout does not say whether it ran on an API key or a ChatGPT plan, nor its service tier "
        "(priority is set in config.toml): priced at standard API rates"
    )
    return foreign


def _usage(value: object) -> tuple[int, ...] | None:
    if not isinstance(value, dict):
        return None
    return tuple(num(value.get(k)) for k in KEYS)


def _read_one(path: Path, label: str, sink: Sink, stats: dict) -> bool:
    model: str | None = None
    provider = ""
    previous: tuple[int, ...] | None = None
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
                return False
            sink.reject(number, f"{label}: not valid JSON ({str(exc).split(':')[0]})")
            continue
        if first:
            if not looks_like(obj):
                return False
            first = False
        if not isinstance(obj, dict) or not isinstance(obj.get("payload"), dict):
            stats["other"] += 1
            continue
        payload = obj["payload"]
        kind = obj.get("type")
        if kind == "session_meta":
            provider = str(payload.get("model_provider") or "")
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
        if total is not None:
            if previous is not None and all(t >= p for t, p in zip(total, previous, strict=True)):
                delta = tuple(t - p for t, p in zip(total, previous, strict=True))
            else:
                if previous is not None:
                    stats["resets"] += 1
                delta = last if previous is not None and last is not None else total
            previous = total
        elif last is not None:
            delta = last
        else:
            sink.reject(number, f"{label}: token_count event without total_token_usage or last_token_usage")
            continue
        if not any(delta):
            stats["repeats"] += 1
            continue
        name = info.get("model") if isinstance(info.get("model"), str) and info["model"].strip() else model
        if name is None:
            sink.reject(number, f"{label}: token_count before any turn_context: the rollout names no model")
            continue
        inp, cached, out, reasoning = delta
        if cached > inp:
            sink.reject(number, f"{label}: cached_input_tokens ({cached}) exceed input_tokens ({inp})")
            continue
        sink.row(
            number,
            timestamp=obj.get("timestamp"),
            model=name.strip(),
            channel=WEAK + (provider or "openai"),
            input_tokens=inp - cached,
            output_tokens=out,
            cache_read_tokens=cached,
            reasoning_tokens=reasoning,
            requests=1,
        )
    return True
