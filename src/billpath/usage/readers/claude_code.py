"""Claude Code session logs (`~/.claude/projects/<project>/<session>.jsonl`, subagent files included).

Claude Code writes one JSON line per content block of an assistant message, and every such line
repeats the message's whole `usage`. So a usage record is one (`message.id`, `requestId`) pair, not
one line. A sidechain file (`isSidechain: true`, e.g. under `subagents/`) may replay a parent message
with the same `message.id` and another `requestId`: the parent copy is kept, the replay dropped; a
sidechain message with an id of its own is real usage. Non-assistant lines and `<synthetic>` messages
are not usage: they are counted and skipped.

Counts follow Anthropic's convention, the canonical one: `input_tokens` excludes cache reads and
writes, thinking is inside `output_tokens`. `cache_creation_input_tokens` is the whole cache write;
`cache_creation.ephemeral_5m_input_tokens` / `ephemeral_1h_input_tokens` split it by TTL.

Channel: the message id's prefix says where the call ran (`msg_bdrk_` Bedrock, `msg_vrtx_` Vertex,
else Anthropic's API), and a Bedrock (`us.anthropic.…`) or Vertex (`…@date`) model id selects that
channel and its variant. `inference_geo: us` is the US-only variant (1.1x); `speed: fast` the fast
tier. A bare model id on Bedrock or Vertex cannot tell a global from a regional endpoint: the global
offer is priced and a note says so once.

The whole tree is one input (`read_files`): duplicates and sidechain replays are matched across
files, and 14,000 files cost one pass, not 14,000 tables.
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from billpath.usage.columns import LogError
from billpath.usage.readers.base import GZIP_MAGIC, MAX_LINE, DataError, Sink, iter_lines, num, text

try:  # orjson parses a large tree several times faster; the standard parser gives the same values
    from orjson import loads
except ImportError:  # pragma: no cover
    from json import loads  # type: ignore[assignment]  # same call shape as orjson.loads for str/bytes

NAME = "claude-code"
SUFFIXES = (".jsonl",)
BEDROCK_ID = re.compile(r"^(?:arn:aws[^/]*/)?(?:[a-z]{2,6}\.)?anthropic\.")
ROW_COLUMNS = (
    "line",
    "timestamp",
    "model",
    "channel",
    "variant",
    "cost_usd",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
)
LINE_TYPES = {"user", "assistant", "system", "summary", "file-history-snapshot", "queue-operation", "progress"}
GLOBAL_NOTE = (
    "Claude Code on {channel}: the log shows a bare model id, which cannot tell a global endpoint from a "
    "regional or geo one; priced at the global offer (regional/geo endpoints cost 10% more on recent models)"
)
NO_TTL_NOTE = (
    "Claude Code: {n} assistant lines carry no 5-minute/1-hour split of their cache writes (older builds); "
    "priced as 5-minute writes (1-hour writes cost more)"
)


def looks_like(obj: object) -> bool:
    """A Claude Code transcript line: its `type` and the transcript's own keys."""
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str) or obj["type"] not in LINE_TYPES:
        return False
    return any(k in obj for k in ("parentUuid", "leafUuid", "sessionId")) or (
        obj.get("type") == "file-history-snapshot" and "messageId" in obj
    )


def claims(first: bytes) -> bool:
    """Does a file whose first non-blank line is `first` belong to this reader?"""
    try:
        return looks_like(loads(first))
    except (ValueError, RecursionError):
        return False


@dataclass
class _Tree:
    """What the pass over a tree collects before the rows are written (duplicates resolved)."""

    sink: Sink
    kept: dict[tuple, list] = field(default_factory=dict)  # (message id, request id) -> row fields
    parents: set[str] = field(default_factory=set)  # message ids seen outside a sidechain
    duplicate_lines: int = 0
    not_usage: int = 0
    synthetic: int = 0
    no_ttl: int = 0
    anonymous: int = 0
    global_channels: set[str] = field(default_factory=set)
    routes: dict[tuple, tuple] = field(default_factory=dict)  # (id prefix, model, speed, geo) -> route


def read(path: Path, sink: Sink) -> None:
    if read_files([path], sink):
        raise LogError(f"{path}: not a Claude Code session log")


def read_files(paths: list[Path], sink: Sink, root: Path | None = None) -> list[Path]:
    """Read every file of a tree as one log; returns the files that are not Claude Code logs."""
    tree = _Tree(sink)
    foreign: list[Path] = []
    prefix = str(root) + os.sep if root is not None else None
    for path in paths:
        name = str(path)
        label = name[len(prefix) :] if prefix and name.startswith(prefix) else name
        try:
            big = os.stat(name).st_size > MAX_LINE
            lines = _big_lines(path) if big else _small_lines(name)
            first = next(lines, None)
        except OSError as exc:
            sink.reject(0, f"{label}: cannot read: {exc.strerror or exc}")
            continue
        except DataError as exc:  # a gzip that breaks before its first line
            if len(paths) == 1:
                raise  # one file that cannot be read fails the run (as every reader's)
            sink.reject(exc.line, f"{label}: line {exc.line} on: {exc.reason}")
            continue
        if first is None:
            continue  # an empty session file: nothing to read
        if first[2] is None and not claims(first[1]):
            foreign.append(path)
            continue
        usage_line = _line
        not_usage = 0
        try:
            for number, raw, err in itertools.chain((first,), lines):
                if err is None and b'"usage"' not in raw and raw.endswith(b"}"):
                    not_usage += 1  # the hot path: a line with no usage key is not parsed at all
                    continue
                usage_line(tree, label, number, raw, err)
        except DataError as exc:  # a gzip cut short: the lines before stand, the rest is one rejection
            if len(paths) == 1:
                raise  # one file that cannot be read fails the run (as every reader's)
            sink.reject(exc.line, f"{label}: line {exc.line} on: {exc.reason}")
        tree.not_usage += not_usage
    _flush(tree)
    return foreign


def _small_lines(name: str):
    """(line number, raw bytes, None) for each non-blank line of a file read whole (fast)."""
    with open(name, "rb") as f:
        data = f.read()
    if data[:2] == GZIP_MAGIC:  # a gzip session file: its text, streamed and bounded
        yield from _big_lines(Path(name))
        return
    for number, raw in enumerate(data.split(b"\n"), 1):
        if raw and (raw[-1:] == b"}" or raw.strip()):
            yield number, raw, None


def _big_lines(path: Path):
    """The same for a file too large to read whole: bounded lines (a huge line is an error)."""
    for number, line, err in iter_lines(path):
        if err or (line and line.strip()):
            yield number, (line or "").encode(), err


def _line(tree: _Tree, label: str, number: int, raw: bytes, err: str | None) -> None:
    sink = tree.sink
    if err:
        sink.reject(number, f"{label}: {err}")
        return
    # A usage key (a quote inside a JSON string is escaped, so a usage key is never missed). Lines
    # without one reach here only when they do not end like a JSON object: parsed, so that a line cut
    # short (a crash mid-write) is rejected, never skipped.
    has_usage = b'"usage"' in raw
    try:
        obj = loads(raw)
    except UnicodeDecodeError as exc:
        sink.reject(number, f"{label}: not UTF-8 text ({exc.reason} at byte {exc.start})")
        return
    except (ValueError, RecursionError) as exc:
        sink.reject(number, f"{label}: not valid JSON ({str(exc).split(':')[0]})")
        return
    if not has_usage:
        tree.not_usage += 1
        return
    message = obj.get("message") if isinstance(obj, dict) else None
    if not isinstance(obj, dict) or obj.get("type") != "assistant" or not isinstance(message, dict):
        tree.not_usage += 1
        return
    usage = message.get("usage")
    model = message.get("model")
    if model == "<synthetic>" or obj.get("isApiErrorMessage") is True:
        tree.synthetic += 1
        return
    if not isinstance(usage, dict):
        tree.not_usage += 1
        return
    try:
        fields = _fields(tree, obj, message, usage, model)
    except (ValueError, TypeError, AttributeError) as exc:
        sink.reject(number, f"{label}: {exc}")
        return
    msg_id, request_id = message.get("id"), obj.get("requestId")
    sidechain = obj.get("isSidechain") is True
    if not isinstance(msg_id, str) or not msg_id:
        tree.anonymous += 1
        tree.kept[(None, label, number)] = [*fields, sidechain, number]
        return
    if not sidechain:
        tree.parents.add(msg_id)
    key = (msg_id, request_id if isinstance(request_id, str) else None)
    seen = tree.kept.get(key)
    if seen is None:
        tree.kept[key] = [*fields, sidechain, number]
        return
    tree.duplicate_lines += 1
    # The same message again (another content block). Streaming can log a partial output count on an
    # early block: keep the largest count of each kind, so the final usage wins whatever the order.
    for i in range(5, 10):
        if fields[i] > seen[i]:
            seen[i] = fields[i]
    if seen[-2] and not sidechain:
        seen[-2] = False  # the parent's own copy: never dropped as a replay


def _fields(tree: _Tree, obj: dict, message: dict, usage: dict, model: object) -> list:
    if not isinstance(model, str) or not model.strip():
        raise ValueError("assistant message without a model")
    uncached = _count(usage.get("input_tokens"))
    output = _count(usage.get("output_tokens"))
    read_ = _count(usage.get("cache_read_input_tokens"))
    written = _count(usage.get("cache_creation_input_tokens"))
    split = usage.get("cache_creation")
    if isinstance(split, dict) and ("ephemeral_5m_input_tokens" in split or "ephemeral_1h_input_tokens" in split):
        w5 = _count(split.get("ephemeral_5m_input_tokens"))
        w1h = _count(split.get("ephemeral_1h_input_tokens"))
        if w5 + w1h > written:
            raise ValueError(
                f"cache_creation split ({w5} 5m + {w1h} 1h) exceeds cache_creation_input_tokens ({written})"
            )
        w5 += written - w5 - w1h  # a write outside the split (none seen so far) is priced as 5-minute
    else:
        w5, w1h = written, 0
        if written:
            tree.no_ttl += 1
    msg_id = message.get("id")
    kind = msg_id[:9] if type(msg_id) is str and msg_id[:9] in ("msg_bdrk_", "msg_vrtx_") else ""
    key = (kind, model, usage.get("speed"), usage.get("inference_geo"))
    route = tree.routes.get(key) if all(type(k) is str or k is None for k in key) else None
    if route is None:
        route = _route(tree, kind, model.strip(), usage)
        if all(type(k) is str or k is None for k in key):
            tree.routes[key] = route
    channel, variant, model = route
    cost = obj.get("costUSD")  # written by Claude Code up to 1.0.9 only: an estimate, reconciled, never used
    cost = None if cost is None or type(cost) is bool else text(cost)
    return [obj.get("timestamp"), model, channel, variant, cost, uncached, output, read_, w5, w1h]


def _count(value: object) -> int:
    return value if type(value) is int else num(value)  # ints (nearly all) skip the general conversion


def _route(tree: _Tree, msg_id: str, model: str, usage: dict) -> tuple[str, str | None, str]:
    """(channel, variant, model) of one message, from its id prefix, its model id and inference_geo."""
    vertex_id = "@" in model
    bedrock_id = bool(BEDROCK_ID.match(model))
    if msg_id.startswith("msg_bdrk_") or bedrock_id:
        channel = "aws-bedrock"
    elif msg_id.startswith("msg_vrtx_") or vertex_id:
        channel = "google-vertex"
    else:
        channel = "anthropic"
    variant = None
    parts = []
    if channel == "anthropic":
        if str(usage.get("speed") or "").lower() == "fast":
            parts.append("fast")
        if str(usage.get("inference_geo") or "").lower() in ("us", "us-only"):
            parts.append("us-only")
        variant = "+".join(parts) or None
    elif channel == "aws-bedrock" and not bedrock_id:
        variant = "global"
        tree.global_channels.add("Bedrock")
    elif channel == "google-vertex":
        if vertex_id and not model.endswith("@default"):
            model = model.split("@", 1)[0]  # `claude-opus-4-5@20251101`: the dated Vertex id of the model
        variant = "global"
        tree.global_channels.add("Vertex")
    return channel, variant, model


def _flush(tree: _Tree) -> None:
    sink = tree.sink
    replays = 0
    # Rows go to the sink column-wise, as canonical text: no per-row dict or per-field conversion.
    cols: dict[str, list] = {c: [] for c in ROW_COLUMNS}
    line, stamp, model_, channel_, variant_, cost_ = (cols[c] for c in ROW_COLUMNS[:6])
    counts = [cols[c] for c in ROW_COLUMNS[6:]]
    for key, f in tree.kept.items():
        ts, model, channel, variant, cost, *tokens, sidechain, number = f
        if sidechain and key[0] is not None and key[0] in tree.parents:
            replays += 1
            continue
        line.append(number)
        stamp.append(ts if type(ts) is str else text(ts))
        model_.append(model)
        channel_.append(channel)
        variant_.append(variant)
        cost_.append(cost)
        for values, v in zip(counts, tokens, strict=True):
            values.append(str(v))
    cols["requests"] = ["1"] * len(line)
    sink.add_columns(cols)
    skipped = tree.not_usage + tree.synthetic + tree.duplicate_lines + replays
    sink.skipped += skipped
    if skipped:
        sink.note(
            f"Claude Code: one usage record per message.id + requestId; skipped {tree.duplicate_lines} repeated "
            f"content-block lines, {replays} sidechain replays of parent messages, {tree.synthetic} <synthetic> or "
            f"API-error messages and {tree.not_usage} non-assistant lines"
        )
    if tree.anonymous:
        sink.note(f"Claude Code: {tree.anonymous} assistant messages without message.id, each counted once")
    if tree.no_ttl:
        sink.note(NO_TTL_NOTE.format(n=tree.no_ttl))
    for channel in sorted(tree.global_channels):
        sink.note(GLOBAL_NOTE.format(channel=channel))
