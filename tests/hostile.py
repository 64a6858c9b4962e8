"""Generators for hostile usage files in every format billpath reads (no blobs: every file is built here).

`FORMATS` maps a format name to a `Fmt`: how to build a valid record with given token counts, where
its required token counts live (for the missing/null attacks), and how records become a file. A
count can be any JSON value or `Raw(text)`, written into the JSON verbatim (`1e400`, 5,000 digits).
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from billpath.cli import main


@dataclass(frozen=True)
class Raw:
    """JSON text written as is (a number json.dumps cannot produce)."""

    text: str


MISSING = object()  # a count removed from its record


def dumps(value: object) -> str:
    """json.dumps, with each `Raw` written verbatim and each MISSING key left out."""
    raws: list[str] = []

    def prep(v: object) -> object:
        if isinstance(v, Raw):
            raws.append(v.text)
            return f"__RAW{len(raws) - 1}__"
        if isinstance(v, dict):
            return {k: prep(x) for k, x in v.items() if x is not MISSING}
        if isinstance(v, list):
            return [prep(x) for x in v if x is not MISSING]
        return v

    text = json.dumps(prep(value))
    for i, raw in enumerate(raws):
        text = text.replace(f'"__RAW{i}__"', raw)
    return text


def _otel_value(v: object) -> object:
    if v is MISSING:
        return MISSING
    if isinstance(v, bool) or v is None or isinstance(v, dict | list):
        return {"boolValue": v} if isinstance(v, bool) else v
    if isinstance(v, int | Raw):
        return {"intValue": v if isinstance(v, Raw) else str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    return {"stringValue": v}


def _otel_record(i: object, o: object) -> dict:
    attrs = [("gen_ai.request.model", {"stringValue": "gpt-5.5"}), ("gen_ai.provider.name", {"stringValue": "openai"})]
    attrs += [("gen_ai.usage.input_tokens", _otel_value(i)), ("gen_ai.usage.output_tokens", _otel_value(o))]
    return {
        "traceId": "0af7651916cd43dd8448eb211c80319c",
        "spanId": "b7ad6b7169203331",
        "name": "chat gpt-5.5",
        "startTimeUnixNano": "1780000000000000000",
        "attributes": [{"key": k, "value": v} for k, v in attrs if v is not MISSING],
    }


@dataclass(frozen=True)
class Fmt:
    name: str  # --input-format
    record: Callable[[object, object], dict]  # (input, output) -> one record
    wrap: Callable[[list[dict]], object] | None  # records -> the whole JSON document (None: JSON Lines)
    suffix: str = ".json"


def _jsonl(records: list[dict]) -> str:
    return "".join(dumps(r) + "\n" for r in records)


JSON_FORMATS = {
    "canonical": Fmt(
        "canonical",
        lambda i, o: {
            "timestamp": "2026-06-01T00:00:00Z",
            "model": "gpt-5.5",
            "channel": "openai",
            "input_tokens": i,
            "output_tokens": o,
        },
        None,
        ".jsonl",
    ),
    "openai-usage": Fmt(
        "openai-usage",
        lambda i, o: {
            "object": "organization.usage.completions.result",
            "input_tokens": i,
            "output_tokens": o,
            "input_cached_tokens": 0,
            "num_model_requests": 1,
            "model": "gpt-5.5",
        },
        lambda rs: {"object": "page", "data": [{"object": "bucket", "start_time": 1780000000, "results": rs}]},
    ),
    "anthropic-usage": Fmt(
        "anthropic-usage",
        lambda i, o: {
            "uncached_input_tokens": i,
            "cache_read_input_tokens": 0,
            "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
            "output_tokens": o,
            "model": "claude-sonnet-4-6",
        },
        lambda rs: {"data": [{"starting_at": "2026-06-01T00:00:00Z", "results": rs}]},
    ),
    "otel": Fmt(
        "otel",
        _otel_record,
        lambda rs: {"resourceSpans": [{"scopeSpans": [{"spans": rs}]}]},
    ),
    "litellm": Fmt(
        "litellm",
        lambda i, o: {
            "request_id": "chatcmpl-1",
            "model": "gpt-5.5",
            "custom_llm_provider": "openai",
            "spend": 0.001,
            "prompt_tokens": i,
            "completion_tokens": o,
            "startTime": "2026-06-01T00:00:00Z",
            "metadata": {},
        },
        lambda rs: rs,
    ),
    "openrouter": Fmt(
        "openrouter",
        lambda i, o: {
            "id": "gen-1",
            "model": "openai/gpt-5.5",
            "created_at": "2026-06-04T10:00:00Z",
            "total_cost": 0.001,
            "native_tokens_prompt": i,
            "native_tokens_completion": o,
            "native_tokens_cached": 0,
            "native_tokens_reasoning": 0,
            "is_byok": False,
        },
        lambda rs: {"data": rs},
    ),
    "langfuse": Fmt(
        "langfuse",
        lambda i, o: {
            "id": "obs-1",
            "type": "GENERATION",
            "model": "gpt-5.5",
            "startTime": "2026-06-01T00:00:00Z",
            "usageDetails": {"input": i, "output": o},
            "costDetails": {"total": 0.001},
        },
        lambda rs: {"data": rs},
    ),
}
# The formats whose records also come as JSON Lines (one record, or one export page, per line).
JSONL_TOO = ("litellm", "openrouter", "langfuse", "canonical")


def json_file(path: Path, fmt: str, records: list[dict], lines: bool = False) -> Path:
    f = JSON_FORMATS[fmt]
    if f.wrap is None or (lines and fmt in JSONL_TOO):
        path.write_text(_jsonl(records))
    else:
        path.write_text(dumps(f.wrap(records)))
    return path


CANONICAL_HEADER = ["timestamp", "model", "channel", "input_tokens", "output_tokens"]
LITELLM_HEADER = [
    "request_id",
    "model",
    "custom_llm_provider",
    "spend",
    "prompt_tokens",
    "completion_tokens",
    "startTime",
]


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def canonical_row(i: object, o: object) -> list[object]:
    return ["2026-06-01T00:00:00Z", "gpt-5.5", "openai", i, o]


def litellm_row(i: object, o: object) -> list[object]:
    return ["chatcmpl-1", "gpt-5.5", "openai", "0.001", i, o, "2026-06-01T00:00:00Z"]


CSV_FORMATS = {"canonical": (CANONICAL_HEADER, canonical_row), "litellm": (LITELLM_HEADER, litellm_row)}


def csv_file(path: Path, fmt: str, rows: list[list[object]]) -> Path:
    header, _ = CSV_FORMATS[fmt]
    path.write_text(csv_text(header, rows))
    return path


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def payload(self) -> dict:
        return json.loads(self.out)


def cli(capsys, *args: str) -> Run:
    """`billpath ARGS` in this process (fast), as the console script runs it; its exit code and output."""
    old_argv, old_term, old_int = sys.argv, signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    sys.argv = ["billpath", *args]
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = old_argv
        signal.signal(signal.SIGTERM, old_term)
        signal.signal(signal.SIGINT, old_int)
    out, err = capsys.readouterr()
    return Run(code, out, err)


def assert_one_line_error(run: Run, *needles: str, code: int = 1) -> None:
    assert run.code == code, (run.code, run.err, run.out[:500])
    assert run.err.count("\n") == 1 and run.err.startswith("billpath: "), run.err
    assert "internal error" not in run.err and "Traceback" not in run.err, run.err
    for needle in needles:
        assert needle in run.err, (needle, run.err)


def assert_sound(payload: dict) -> None:
    """The promises every price-log result keeps: the row identity, and no $0 for a priced model with tokens."""
    p = payload
    assert p["rows_priced"] + p["rows_unpriced"] + p["rows_rejected"] == p["rows_total"], p
    assert all(v >= 0 for k, v in p.items() if k.startswith("rows_")), p
    assert sum(u["rows"] for u in p["unpriced"]) == p["rows_unpriced"]
    assert len(p["rejected"]) == min(p["rows_rejected"], 1000)
    assert all(e["line"] >= 1 and e["error"] for e in p["rejected"]), p["rejected"]
    for m in p["by_model"]:
        tokens = sum(m["tokens"].values())
        if tokens:
            assert float(m["total_usd"]) > 0, f"priced at $0 with {tokens} tokens: {m}"


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path
