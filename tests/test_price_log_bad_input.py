"""Bad input never ends in a traceback or a silent drop: a one-line error, or rejected rows with lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billpath.analysis.price_log import price_log
from billpath.errors import BillpathError
from billpath.usage.readers import READERS
from billpath.usage.readers.base import ListSink

BIN = Path(sys.executable).parent / "billpath"
GOOD = {"timestamp": "2026-05-01", "model": "gpt-5.5", "channel": "openai", "input_tokens": 10, "output_tokens": 5}


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), "price-log", *args], capture_output=True, text=True, check=False)


def one_line_error(out: subprocess.CompletedProcess, needle: str) -> None:
    assert out.returncode == 1, out
    assert out.stderr.startswith("billpath: error: ") and out.stderr.count("\n") == 1, out.stderr
    assert "Traceback" not in out.stderr and needle in out.stderr, out.stderr


def test_truncated_json_document(tmp_path):
    src = (Path(__file__).parent.parent / "examples" / "openai-usage.json").read_text()
    path = tmp_path / "usage.json"
    path.write_text(src[: len(src) // 2])
    one_line_error(run_cli(str(path)), "not valid JSON")


def test_truncated_jsonl_last_line_is_rejected(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n" + json.dumps(GOOD)[:20])
    r = price_log([str(path)])
    assert (r.rows_total, r.rows_priced, r.rows_rejected) == (3, 2, 1)
    assert r.rejected[0]["line"] == 3 and "not valid JSON" in r.rejected[0]["error"]


def test_csv_with_broken_quote(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        'model,input_tokens,output_tokens\ngpt-5.5,10,5\ngpt-5.5,"1"0,5\ngpt-5.5,1,1\n"gpt-5.5,1,1\ngpt-5.5,2,2\n'
    )
    r = price_log([str(path)], at=None)
    assert r.rows_priced == 2 and r.rows_rejected == 2
    assert [e["line"] for e in r.rejected] == [3, 5]
    assert "broken CSV quote" in r.rejected[1]["error"]


def test_parquet_with_wrong_column_type(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "log.parquet"
    pq.write_table(
        pa.table({"model": ["gpt-5.5", "gpt-5.5"], "input_tokens": ["10", "ten"], "output_tokens": [1.5, 2.0]}), path
    )
    r = price_log([str(path)])
    assert r.rows_total == 2 and r.rows_rejected == 2
    assert {e["line"] for e in r.rejected} == {1, 2}
    bad_date = tmp_path / "dates.parquet"
    pq.write_table(pa.table({"model": ["gpt-5.5"], "input_tokens": [[1]], "output_tokens": [1]}), bad_date)
    one_line_error(run_cli(str(bad_date)), "input_tokens")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("")
    one_line_error(run_cli(str(path)), "empty file")


def test_huge_line_is_rejected_not_read(tmp_path, monkeypatch):
    import billpath.usage.readers.base as base

    monkeypatch.setattr(base, "MAX_LINE", 1000)
    path = tmp_path / "log.jsonl"
    path.write_text(
        json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "model": "x" * 5000}) + "\n" + json.dumps(GOOD) + "\n"
    )
    r = price_log([str(path)])
    assert (r.rows_total, r.rows_priced, r.rows_rejected) == (3, 2, 1)
    assert r.rejected[0]["line"] == 2 and "longer than" in r.rejected[0]["error"]


def test_unknown_format(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello,world\n1,2\n")
    one_line_error(run_cli(str(path)), "unknown usage format")
    json_path = tmp_path / "other.json"
    json_path.write_text('{"something": "else"}')
    one_line_error(run_cli(str(json_path)), "unknown usage format")
    one_line_error(run_cli(str(path), "--input-format", "nope"), "unknown input format")
    one_line_error(run_cli(str(tmp_path / "missing.csv")), "no such file")


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ({**GOOD, "input_tokens": -1}, "input_tokens is not a whole number"),
        ({**GOOD, "input_tokens": 1.5}, "input_tokens is not a whole number"),
        ({**GOOD, "output_tokens": 5, "reasoning_tokens": 6}, "reasoning_tokens (6) exceed output_tokens (5)"),
        ({**GOOD, "model": ""}, "model is missing"),
        ({**GOOD, "timestamp": "yesterday"}, "timestamp is not a date/time"),
        ({**GOOD, "batch": "maybe"}, "batch is not true/false"),
        ({**GOOD, "input_tokens": 10**16}, "implausibly large"),
        # counts that would overflow 64-bit tier arithmetic (x threshold, or summed into the prompt): rejected
        ({**GOOD, "input_tokens": 5_000_000, "requests": 9 * 10**18}, "requests is"),
        ({**GOOD, "input_tokens": 9 * 10**18, "cache_read_tokens": 9 * 10**18}, "input_tokens is"),
        ({k: v for k, v in GOOD.items() if k != "output_tokens"}, "output_tokens is missing"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_bad_values_are_rejected_with_reason(tmp_path, row, error):
    path = tmp_path / "log.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps(row) + "\n")
    r = price_log([str(path)])
    assert (r.rows_total, r.rows_priced, r.rows_rejected) == (2, 1, 1)
    assert r.rejected[0]["line"] == 2 and error in r.rejected[0]["error"]


def test_counts_always_add_up_on_the_generated_log(tmp_path):
    from billpath.usage.genlog import write_log

    path = tmp_path / "gen.parquet"
    write_log(path, rows=5000, seed=3)
    r = price_log([str(path)])
    assert r.rows_total == 5000
    assert r.rows_priced + r.rows_unpriced + r.rows_rejected == r.rows_total
    assert r.rows_unpriced > 0  # the generator's unknown model and pre-release rows
    assert all(u["rows"] > 0 and u["reason"] for u in r.unpriced)


# ---- fuzzing: any bytes, any JSON, for every reader: a result or a BillpathError, never another exception


def _check_any(path: Path, fmt: str) -> None:
    try:
        r = price_log([str(path)], input_format=fmt)
    except BillpathError:
        return
    assert r.rows_priced + r.rows_unpriced + r.rows_rejected == r.rows_total


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
FIELDS = [
    "model",
    "input_tokens",
    "output_tokens",
    "results",
    "data",
    "usageDetails",
    "resourceSpans",
    "spend",
    "prompt_tokens",
    "native_tokens_prompt",
    "timestamp",
    "batch",
    "requests",
]
records = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=st.lists(records, min_size=1, max_size=4), fmt=st.sampled_from(sorted(READERS)), jsonl=st.booleans())
def test_fuzz_json_readers(tmp_path, docs, fmt, jsonl):
    path = tmp_path / ("f.jsonl" if jsonl else "f.json")
    text = "\n".join(json.dumps(d) for d in docs) if jsonl else json.dumps(docs)
    path.write_text(text)
    _check_any(path, fmt)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), fmt=st.sampled_from(["auto", "canonical", "litellm"]))
def test_fuzz_csv_bytes(tmp_path, data, fmt):
    path = tmp_path / "f.csv"
    path.write_bytes(b"model,input_tokens,output_tokens,spend,prompt_tokens,request_id\n" + data)
    _check_any(path, fmt)


# Edge cases from the fuzz strategies (NaN, integers past 64 bits), pinned as plain regression tests.
def test_regression_nan_and_huge_ints_in_json(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text('{"model": "gpt-5.5", "input_tokens": NaN, "output_tokens": 1}\n' + json.dumps(GOOD) + "\n")
    r = price_log([str(path)])
    assert r.rows_rejected == 1 and r.rows_priced == 1
    path.write_text(json.dumps({**GOOD, "input_tokens": 2**70}) + "\n" + json.dumps(GOOD) + "\n")
    r = price_log([str(path)])
    assert r.rows_rejected == 1


def test_reader_sinks_keep_line_numbers():
    sink = ListSink()
    READERS["canonical"].read(Path(__file__).parent.parent / "examples" / "usage.csv", sink)
    assert [row["line"] for row in sink.rows] == [2, 3, 4, 5, 6, 7]


# Found by test_fuzz_json_readers (a longer run of 1,500 examples), kept as regressions: records of
# an unexpected shape crashed the OTel and LiteLLM readers with AttributeError.
@pytest.mark.parametrize(
    ("fmt", "doc"),
    [
        ("otel", {"resourceSpans": [True, {"scopeSpans": [0, {"spans": [1, {"attributes": 5}]}]}]}),
        ("litellm", [{"spend": 0, "prompt_tokens": 1, "request_id": "a", "model": 0, "custom_llm_provider": 7}]),
        ("openrouter", [{"native_tokens_prompt": 1, "usage": {"prompt_tokens_details": 3}}]),
        ("anthropic-usage", {"data": [{"results": [{"model": "x", "server_tool_use": 1}]}]}),
    ],
)
def test_regression_fuzz_found_shapes(tmp_path, fmt, doc):
    path = tmp_path / "f.json"
    path.write_text(json.dumps(doc))
    r = price_log([str(path)], input_format=fmt)
    assert r.rows_priced + r.rows_unpriced + r.rows_rejected == r.rows_total


def test_duckdb_never_prints_its_progress_bar_into_the_output():
    """A query past 2 s made DuckDB print its bar on stdout, before the JSON."""
    from billpath.engines.duckdb import connect

    con = connect()
    try:
        (print_bar,) = con.execute("SELECT current_setting('enable_progress_bar_print')").fetchone()
    finally:
        con.close()
    assert print_bar is False
