"""Readers for real usage exports, and the detector that tells them apart by content.

Each format module has `read(path, sink)` (rows, rejected rows and notes onto a `Sink`) and
`looks_like(sample)` for detection. Canonical Parquet (and directories or globs of canonical files)
are read by DuckDB itself; see `billpath.usage.columns`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from billpath.usage.columns import REQUIRED, LogError
from billpath.usage.paths import DATA_SUFFIXES, resolve
from billpath.usage.readers import canonical, litellm
from billpath.usage.readers.base import PARQUET_MAGIC, ListSink, iter_json_records, iter_lines, sniff
from billpath.usage.readers.exports import CSV_DETECT, EXPORT_DESCRIPTIONS, EXPORT_READERS, JSON_DETECT
from billpath.usage.readers.registry import Readers

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
READERS = Readers(
    {
        "openai-usage": "openai_usage",
        "anthropic-usage": "anthropic_usage",
        "otel": "otel",
        "litellm": "litellm",
        "openrouter": "openrouter",
        "langfuse": "langfuse",
        "canonical": "canonical",
        "claude-code": "claude_code",
        "codex": "codex",
        "gemini-cli": "gemini_cli",
        **EXPORT_READERS.modules(),
    }
)  # each imported when first asked for (`registry`)
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
        "differenced per request; a resumed or forked session's repeated history counted once across rollouts",
        "codex/",
    ),
    "gemini-cli": (
        "Gemini CLI chats (`~/.gemini/tmp/*/chats/*.json`): cached tokens inside input, thoughts billed as output; "
        "older exports' session totals (`stats.models`) when the messages carry no tokens, never both",
        "gemini-cli/",
    ),
    "canonical": (
        "`timestamp, model, channel, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, "
        "reasoning_tokens, batch, requests` (+ optional `cache_write_1h_tokens`, `variant`, `cost_usd`, `user`, "
        "`effective_cost_usd`, `list_cost_usd`, `fee_usd`: a fee the log states outside token prices, "
        "`timestamp_end`: the end of a row's period) as CSV "
        "(any of `, ; tab |`; header synonyms such as "
        "`prompt_tokens`, case and spacing ignored), JSON Lines or Parquet; a file, a directory or a glob",
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
__all__ = [
    "AGENT_FORMATS",
    "DATA_SUFFIXES",
    "DETECT_ORDER",
    "FORMATS",
    "READERS",
    "detect",
    "expand",
    "format_of",
    "is_parquet",
]


def expand(arg: str) -> list[Path]:
    """A file, a directory (its data files) or a glob -> the files it names, in order, each once."""
    return resolve([arg]).files


def is_parquet(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == PARQUET_MAGIC


def _sample(path: Path) -> object:
    """The first JSON record of a JSON Lines file, or the whole document (bounded)."""
    sink = ListSink()
    for _, obj in iter_json_records(path, sink):
        return obj
    if sink.rows:
        raise LogError(f"{path}: line {sink.rows[0]['line']}: {sink.rows[0]['error']}")
    raise LogError(f"{path}: empty file")


def detect(path: Path) -> str:
    """The format of one file, from its content alone (never its name)."""
    kind = sniff(path)
    if kind == "parquet":
        return "canonical"
    if kind == "json":
        sample = _sample(path)
        for fmt in DETECT_ORDER:
            if READERS[fmt].looks_like(sample):
                return fmt
        rec = sample[0] if isinstance(sample, list) and sample else sample
        if isinstance(rec, dict) and all(r in {canonical.canonical_name(k) for k in rec} for r in REQUIRED):
            return "canonical"
        keys = ", ".join(list(rec)[:8]) if isinstance(rec, dict) else type(rec).__name__
        raise LogError(f"{path}: unknown usage format (JSON with keys {keys}); name it with --input-format")
    first = None
    for number, line, err in iter_lines(path):
        if err:
            raise LogError(f"{path}: line {number}: {err}; usage files are read as UTF-8 text")
        if line.strip():
            first = line
            break
    if first is None:
        raise LogError(f"{path}: empty file (only blank lines)")
    try:
        header = next(csv.reader([first], delimiter=canonical.sniff_delimiter(first)))
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
    found = ", ".join(h.strip() for h in header) if header else first.strip()[:200]
    raise LogError(
        f"{path}: unknown usage format (not Parquet, JSON or a CSV with model, input_tokens, output_tokens; "
        f"header found: {found[:300]}); map columns with --column FIELD=HEADER or name the format with "
        f"--input-format ({', '.join(FORMATS[1:])})"
    )


def format_of(path: Path, requested: str) -> str:
    if requested not in FORMATS:
        raise LogError(f"unknown input format {requested!r}; use one of: {', '.join(FORMATS)}")
    if requested == "auto":
        return detect(path)
    kind = sniff(path)  # a compressed, binary, UTF-16 or empty file is refused by name in every format
    if kind == "parquet" and requested != "canonical":
        raise LogError(f"{path}: a Parquet file; --input-format {requested} reads JSON or CSV (Parquet is canonical)")
    return requested
