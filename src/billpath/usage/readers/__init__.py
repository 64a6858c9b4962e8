"""Readers for real usage exports, and the detector that tells them apart by content.

Each format module has `read(path, sink)` (rows, rejected rows and notes onto a `Sink`) and
`looks_like(sample)` for detection. Canonical Parquet (and directories or globs of canonical files)
are read by DuckDB itself; see `billpath.usage.columns`.
"""

from __future__ import annotations

import csv
import glob
import os
from collections.abc import Iterator
from pathlib import Path

from billpath.usage.columns import REQUIRED, LogError
from billpath.usage.readers import (
    anthropic_usage,
    canonical,
    claude_code,
    codex,
    gemini_cli,
    langfuse,
    litellm,
    openai_usage,
    openrouter,
    otel,
)
from billpath.usage.readers.base import iter_json_records, iter_lines
from billpath.usage.readers.exports import CSV_DETECT, EXPORT_DESCRIPTIONS, EXPORT_READERS, JSON_DETECT

AGENT_FORMATS = ("claude-code", "codex", "gemini-cli")  # coding-agent logs: a tree of files read as one log
FORMATS = (
    "auto",
    "openai-usage",
    "anthropic-usage",
    "otel",
    "litellm",
    "openrouter",
    "langfuse",
    "canonical",
    *AGENT_FORMATS,
    *EXPORT_READERS,
)
READERS = {
    "openai-usage": openai_usage,
    "anthropic-usage": anthropic_usage,
    "otel": otel,
    "litellm": litellm,
    "openrouter": openrouter,
    "langfuse": langfuse,
    "canonical": canonical,
    "claude-code": claude_code,
    "codex": codex,
    "gemini-cli": gemini_cli,
    **EXPORT_READERS,
}
# What each format is and its sample in examples/ (the README's formats table is generated from this).
DESCRIPTIONS = {
    "openai-usage": (
        "OpenAI Usage API, `organization/usage/completions` pages (input includes cached tokens: converted)",
        "openai-usage.json",
    ),
    "anthropic-usage": (
        "Anthropic usage report, `usage_report/messages` "
        "(`service_tier: batch`, `inference_geo: us`, `context_window`)",
        "anthropic-usage.json",
    ),
    "otel": (
        "OpenTelemetry GenAI spans as OTLP JSON (`gen_ai.usage.*`; channel from `server.address` when present)",
        "otel-spans.json",
    ),
    "litellm": (
        "LiteLLM SpendLogs as CSV or JSON (`custom_llm_provider`, cache counts from `metadata`)",
        "litellm-spendlogs.csv",
    ),
    "openrouter": (
        "OpenRouter generation records (`native_tokens_*`; BYOK rows priced on the provider that billed your key)",
        "openrouter-generations.json",
    ),
    "langfuse": ("Langfuse observations export (`usageDetails`, `costDetails`)", "langfuse-observations.json"),
    "claude-code": (
        "Claude Code session logs (`~/.claude/projects/**.jsonl`, subagent files included): one usage per "
        "`message.id` + `requestId`; channel from `msg_bdrk_` / `msg_vrtx_` ids and Bedrock / Vertex model ids",
        "claude-code/",
    ),
    "codex": (
        "Codex CLI rollouts (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`): `token_count` running totals "
        "differenced per request",
        "codex/",
    ),
    "gemini-cli": (
        "Gemini CLI chats (`~/.gemini/tmp/*/chats/*.json`): cached tokens inside input, thoughts billed as output",
        "gemini-cli/",
    ),
    "canonical": (
        "`timestamp, model, channel, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, "
        "reasoning_tokens, batch, requests` (+ optional `cache_write_1h_tokens`, `variant`, `cost_usd`, `user`, "
        "`effective_cost_usd`, `list_cost_usd`) as CSV, "
        "JSON Lines or Parquet; a file, a directory or a glob",
        "usage.csv",
    ),
    **EXPORT_DESCRIPTIONS,
}
# Most specific first: a format whose markers are unique to it.
DETECT_ORDER = (
    *AGENT_FORMATS,
    "otel",
    "anthropic-usage",
    "openai-usage",
    "langfuse",
    "openrouter",
    "litellm",
    *JSON_DETECT,
)
PARQUET_MAGIC = b"PAR1"
DATA_SUFFIXES = (".parquet", ".csv", ".jsonl", ".ndjson", ".json")


def _data_files(root: Path) -> Iterator[Path]:
    """Data files under `root`, recursively (os.walk: several times faster than rglob on thousands of files)."""
    for folder, _dirs, names in os.walk(root):
        for name in names:
            full = os.path.join(folder, name)
            if os.path.splitext(name)[1].lower() in DATA_SUFFIXES and os.path.isfile(full):
                yield Path(full)


def expand(arg: str) -> list[Path]:
    """A file, a directory (its data files) or a glob -> the files it names, in order."""
    path = Path(arg)
    if path.is_dir():
        files = sorted(_data_files(path))
        if not files:
            raise LogError(f"{arg}: no .parquet, .csv, .jsonl or .json files in this directory")
        return files
    if path.exists():
        return [path]
    if any(ch in arg for ch in "*?["):
        files = sorted(Path(p) for p in glob.glob(arg, recursive=True) if Path(p).is_file())
        if not files:
            raise LogError(f"{arg}: no file matches this pattern")
        return files
    raise LogError(f"{arg}: no such file or directory")


def is_parquet(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == PARQUET_MAGIC


def _sample(path: Path) -> object:
    """The first JSON record of a JSON Lines file, or the whole document (bounded)."""
    from billpath.usage.readers.base import ListSink

    sink = ListSink()
    for _, obj in iter_json_records(path, sink):
        return obj
    if sink.rows:
        raise LogError(f"{path}: line {sink.rows[0]['line']}: {sink.rows[0]['error']}")
    raise LogError(f"{path}: empty file")


def detect(path: Path) -> str:
    """The format of one file, from its content (the file name's suffix only breaks ties)."""
    if path.stat().st_size == 0:
        raise LogError(f"{path}: empty file")
    if is_parquet(path):
        return "canonical"
    first = next((t for _, t, err in iter_lines(path) if err or (t and t.strip())), None)
    if first is None:
        raise LogError(f"{path}: empty file (only blank lines)")
    head = first.lstrip()
    if head.startswith(("{", "[")):
        sample = _sample(path)
        for fmt in DETECT_ORDER:
            if READERS[fmt].looks_like(sample):
                return fmt
        rec = sample[0] if isinstance(sample, list) and sample else sample
        if isinstance(rec, dict) and all(canonical.canonical_name(k) in rec or k in rec for k in REQUIRED):
            return "canonical"
        keys = ", ".join(list(rec)[:8]) if isinstance(rec, dict) else type(rec).__name__
        raise LogError(f"{path}: unknown usage format (JSON with keys {keys}); name it with --input-format")
    try:
        header = next(csv.reader([first]))
    except csv.Error:
        header = []
    if litellm.looks_like_header(header):
        return "litellm"
    names = [h.strip() for h in header]
    for fmt in CSV_DETECT:
        if READERS[fmt].looks_like_header(names):
            return fmt
    if all(r in {canonical.canonical_name(h) for h in header} for r in REQUIRED):
        return "canonical"
    raise LogError(
        f"{path}: unknown usage format (not Parquet, JSON or a CSV with model,input_tokens,output_tokens); "
        f"name it with --input-format ({', '.join(FORMATS[1:])})"
    )


def agent_tree(arg: Path, files: list[Path], requested: str) -> tuple[str, list[Path]] | None:
    """(format, files) when a directory argument is a coding-agent log tree, read as ONE log.

    The format is the one requested, or (auto) the first file's; the reader itself hands back any
    file that is not its own (those are then read one by one, by format).
    """
    if not arg.is_dir() or not files or requested not in (*AGENT_FORMATS, "auto"):
        return None
    fmt = requested if requested != "auto" else detect(files[0])
    if fmt not in AGENT_FORMATS:
        return None
    suffixes = READERS[fmt].SUFFIXES
    return fmt, [f for f in files if f.suffix.lower() in suffixes]


def format_of(path: Path, requested: str) -> str:
    if requested not in FORMATS:
        raise LogError(f"unknown input format {requested!r}; use one of: {', '.join(FORMATS)}")
    return detect(path) if requested == "auto" else requested
