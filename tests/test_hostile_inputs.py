"""Issue 11: the promises hold under hostile input. Every file here is generated (tests/hostile.py).

Each numbered defect of the issue has a test of the general property (every format, every field),
not of the one instance it was found with; `test_corpus_*` run a few hundred attacks through the
real command and assert the row identity, no $0 for a row with tokens, no internal error, exit codes.
"""

from __future__ import annotations

import bz2
import gzip
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from billpath.analysis.price_log import price_log
from billpath.errors import BillpathError
from billpath.usage.readers import READERS, base
from billpath.usage.readers.base import ListSink
from tests.hostile import (
    CSV_FORMATS,
    JSON_FORMATS,
    JSONL_TOO,
    MISSING,
    Raw,
    Run,
    assert_one_line_error,
    assert_sound,
    cli,
    csv_file,
    csv_text,
    dumps,
    fifo,
    json_file,
)

GOOD = (1000, 500)
BIN = Path(sys.executable).parent / "billpath"
# Where each format keeps the counts it always reports: removing or nulling one must reject the record.
REQUIRED_COUNTS = {fmt: ("input", "output") for fmt in JSON_FORMATS}


def _price(path: Path, fmt: str = "auto"):
    return price_log([str(path)], input_format=fmt)


def _mutated(fmt: str, which: str, value: object) -> dict:
    i, o = GOOD
    return JSON_FORMATS[fmt].record(value if which == "input" else i, value if which == "output" else o)


# ---- defect 1: a record without its token counts is rejected, never priced at $0 ----


@pytest.mark.parametrize("fmt", sorted(JSON_FORMATS))
@pytest.mark.parametrize("lines", [False, True], ids=["document", "jsonl"])
def test_missing_count_rejects_the_record_in_every_format(tmp_path, fmt, lines):
    """Each count the format always reports, removed, null or empty: that record rejected, the others priced."""
    if lines and fmt not in JSONL_TOO and JSON_FORMATS[fmt].wrap is not None:
        pytest.skip("this export is one JSON document")
    good = JSON_FORMATS[fmt].record(*GOOD)
    bad = [_mutated(fmt, which, value) for which in ("input", "output") for value in (MISSING, None, "")]
    path = json_file(tmp_path / "log.json", fmt, [good, *bad, good], lines)
    r = _price(path)
    assert (r.rows_total, r.rows_priced, r.rows_rejected) == (8, 2, 6), (r.rejected, r.unpriced)
    assert [e["line"] for e in r.rejected] == [2, 3, 4, 5, 6, 7]
    assert all("missing" in e["error"] or "no " in e["error"] for e in r.rejected), r.rejected
    assert r.total > 0


@pytest.mark.parametrize("fmt", ["litellm", "canonical"])
@pytest.mark.parametrize("col", [-2, -1])
def test_missing_count_in_csv_rejects_the_row(tmp_path, fmt, col):
    _, row = CSV_FORMATS[fmt]
    bad = row(*GOOD)
    bad[col if fmt == "canonical" else col - 1] = ""
    path = csv_file(tmp_path / "log.csv", fmt, [row(*GOOD), bad])
    r = _price(path)
    assert (r.rows_total, r.rows_priced, r.rows_rejected) == (2, 1, 1)
    assert r.rejected[0]["line"] == 3 and "missing" in r.rejected[0]["error"]


@pytest.mark.parametrize("first", sorted(f for f in JSONL_TOO if f != "canonical"))
def test_a_record_of_another_shape_in_a_jsonl_is_rejected_not_zero(tmp_path, first):
    """The first record decides the format; a later record of another format is not a $0 row of it."""
    lines = [dumps(JSON_FORMATS[first].record(*GOOD))]
    lines += [dumps(JSON_FORMATS[other].record(*GOOD)) for other in sorted(JSON_FORMATS) if other != first]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    r = _price(path)
    assert r.inputs[0].format == first
    assert r.rows_total == len(lines) and r.rows_priced + r.rows_rejected + r.rows_unpriced == r.rows_total
    for m in r.by_model.values():
        assert m.cost.total > 0 or not sum(m.quantities[f] for f in m.quantities if f != "requests")
    assert r.rows_priced <= 1 + sum(  # only records that really carry this format's counts are priced
        1 for other in JSON_FORMATS if other != first and _shares_fields(first, other)
    )


def _shares_fields(a: str, b: str) -> bool:
    return a == "litellm" and b == "canonical"  # never: canonical has no prompt_tokens; kept explicit


def test_reconcile_flags_logged_not_equal_computed(tmp_path):
    rec = JSON_FORMATS["openrouter"].record(*GOOD)
    path = json_file(tmp_path / "or.json", "openrouter", [{**rec, "total_cost": 123.0}])
    r = _price(path)
    (entry,) = r.reconcile
    assert Decimal(entry["logged_usd"]) != Decimal(entry["computed_usd"])
    assert "flag" in entry and "differs" in entry["flag"], entry


def test_reconcile_does_not_flag_an_exact_match(tmp_path):
    rec = JSON_FORMATS["openrouter"].record(*GOOD)
    computed = _price(json_file(tmp_path / "a.json", "openrouter", [rec])).by_model["gpt-5.5"].cost.total
    r = _price(json_file(tmp_path / "b.json", "openrouter", [{**rec, "total_cost": Raw(str(computed))}]))
    assert "flag" not in r.reconcile[0], r.reconcile


# ---- defect 2: a line that cannot be read is rejected itself; the next row is untouched ----


@pytest.mark.parametrize("fmt", sorted(CSV_FORMATS))
@pytest.mark.parametrize("bad", ["latin1", "overlong"])
def test_unreadable_csv_line_counts_once_and_spares_the_next(tmp_path, monkeypatch, fmt, bad):
    monkeypatch.setattr(base, "MAX_LINE", 4096)  # the 64 MiB limit, scaled down
    header, row = CSV_FORMATS[fmt]
    text = csv_text(header, [row(*GOOD)] * 4).splitlines(keepends=True)
    raw = [t.encode() for t in text]
    raw[2] = raw[2].replace(b"gpt-5.5", b"gpt-5.5\xe9") if bad == "latin1" else b"x" * 10_000 + b"\n"
    path = tmp_path / "log.csv"
    path.write_bytes(b"".join(raw))
    r = _price(path)
    assert (r.rows_total, r.rows_priced, r.rows_rejected) == (4, 3, 1)
    assert [e["line"] for e in r.rejected] == [3]


# ---- defect 3: two columns (or keys) with one meaning are an error, never last-one-wins ----

DUPLICATES = [
    ("input_tokens", "input_tokens"),
    ("model", "Model"),
    ("channel", "provider"),
    ("cost_usd", "cost"),
    ("output_tokens", " OUTPUT_TOKENS "),
]


@pytest.mark.parametrize(("a", "b"), DUPLICATES)
def test_conflicting_csv_columns_are_an_error(tmp_path, capsys, a, b):
    header = ["model", "input_tokens", "output_tokens", "channel", "cost_usd"]
    header = [h for h in header if h != a] + [a, b]
    path = tmp_path / "log.csv"
    path.write_text(csv_text(header, [["gpt-5.5" if "odel" in h else "1" for h in header]]))
    run = cli(capsys, "price-log", str(path), "--format", "json")
    assert_one_line_error(run, repr(a), repr(b))


def test_conflicting_litellm_csv_columns_are_an_error(tmp_path, capsys):
    header, row = CSV_FORMATS["litellm"]
    path = tmp_path / "spend.csv"
    path.write_text(csv_text([*header, "Prompt_Tokens"], [[*row(*GOOD), "0"]]))
    assert_one_line_error(cli(capsys, "price-log", str(path)), "'prompt_tokens'", "'Prompt_Tokens'")


@pytest.mark.parametrize(("a", "b"), DUPLICATES)
def test_conflicting_parquet_columns_are_an_error(tmp_path, capsys, a, b):
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [n for n in ["model", "input_tokens", "output_tokens"] if n != a] + [a, b]
    cols = [pa.array(["gpt-5.5"]) if "odel" in n or n in ("channel", "provider") else pa.array([1]) for n in names]
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table(cols, names=names), path)
    assert_one_line_error(cli(capsys, "price-log", str(path)), repr(b.strip()) if a == b else repr(b))


@pytest.mark.parametrize("fmt", sorted(JSON_FORMATS))
def test_a_key_named_twice_rejects_the_record(tmp_path, fmt):
    rec = JSON_FORMATS[fmt].record(*GOOD)
    text = dumps(JSON_FORMATS[fmt].wrap([rec]) if JSON_FORMATS[fmt].wrap else rec)
    key = {"canonical": "input_tokens", "openai-usage": "input_tokens", "anthropic-usage": "uncached_input_tokens"}
    key |= {"otel": "key", "litellm": "prompt_tokens", "openrouter": "native_tokens_prompt", "langfuse": "input"}
    needle = f'"{key[fmt]}": '
    at = text.index(needle)
    text = text[:at] + f"{needle}0, " + text[at:]  # the same key first with 0, then the real count
    path = tmp_path / "dup.json"
    path.write_text(text)
    r = _price(path)
    assert r.rows_priced == 0 and r.rows_rejected == 1, (r.rejected, r.total)
    assert "twice" in r.rejected[0]["error"]


@pytest.mark.parametrize(("a", "b"), [("channel", "provider"), ("model", "MODEL"), ("cost_usd", "cost")])
def test_canonical_json_aliases_conflict(tmp_path, a, b):
    rec = {"model": "gpt-5.5", "input_tokens": 10, "output_tokens": 5, a: "openai", b: "azure"}
    path = tmp_path / "log.jsonl"
    path.write_text(json.dumps(rec) + "\n" + json.dumps({"model": "gpt-5.5", "input_tokens": 1, "output_tokens": 1}))
    r = _price(path)
    assert (r.rows_priced, r.rows_rejected) == (1, 1) and "both mean" in r.rejected[0]["error"]


# ---- defect 4: each real file is read once, and said so; loops are not followed ----


def _one_file(tmp_path: Path) -> Path:
    d = tmp_path / "logs"
    d.mkdir()
    return csv_file(d / "a.csv", "canonical", [CSV_FORMATS["canonical"][1](*GOOD)] * 6)


def test_inputs_are_deduplicated(tmp_path):
    f = _one_file(tmp_path)
    once = _price(f)
    (tmp_path / "link.csv").symlink_to(f)
    os.link(f, tmp_path / "hard.csv")
    spellings = [str(f), str(f), str(f.parent), str(tmp_path / "logs" / "." / "a.csv")]
    spellings += [str(tmp_path / "link.csv"), str(tmp_path / "hard.csv"), str(tmp_path / "**" / "*.csv")]
    r = price_log(spellings)
    assert r.rows_total == once.rows_total == 6 and r.total == once.total
    assert [i.path for i in r.inputs] == [str(f)]
    assert any("read once" in n for n in r.notes), r.notes


def test_symlink_loops_are_not_followed(tmp_path):
    f = _one_file(tmp_path)
    (f.parent / "loop").symlink_to(f.parent)
    (f.parent / "up").symlink_to(tmp_path)
    sub = f.parent / "sub"
    sub.mkdir()
    (sub / "back").symlink_to(f.parent)
    once = _price(f)
    for arg in (str(f.parent), str(tmp_path), str(tmp_path / "**" / "*.csv"), str(f.parent / "**")):
        run = _console("price-log", arg, "--format", "json", timeout=30)  # a child: on a loop it must not hang
        assert run.code == 0, run.err
        assert run.payload["rows_total"] == 6 and Decimal(run.payload["total_usd"]) == once.total, arg


# ---- defect 7: a giant JSON integer rejects its record, not the file ----


@pytest.mark.parametrize("fmt", sorted(JSON_FORMATS))
@pytest.mark.parametrize("lines", [False, True], ids=["document", "jsonl"])
def test_huge_json_integer_rejects_only_its_record(tmp_path, fmt, lines):
    huge = Raw("9" * 5000)
    recs = [JSON_FORMATS[fmt].record(*GOOD), JSON_FORMATS[fmt].record(huge, 5)]
    if fmt == "otel":
        recs[1] = JSON_FORMATS[fmt].record(5, 5) | {"startTimeUnixNano": huge}
        recs[1]["attributes"][2]["value"] = {"intValue": huge}
    r = _price(json_file(tmp_path / "big.json", fmt, recs, lines))
    assert (r.rows_total, r.rows_priced, r.rows_rejected) == (2, 1, 1), r.rejected


# ---- defect 8: an out-of-range epoch rejects its Parquet row, not the run ----


@pytest.mark.parametrize("stamp", [10**15, -(10**12), 2**62])
def test_parquet_epoch_out_of_range_rejects_the_row(tmp_path, stamp):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "log.parquet"
    t = {"timestamp": [1780000000, stamp], "model": ["gpt-5.5"] * 2, "input_tokens": [10, 10], "output_tokens": [5, 5]}
    pq.write_table(pa.table(t), path)
    r = _price(path)
    assert (r.rows_total, r.rows_priced, r.rows_rejected) == (2, 1, 1)
    assert r.rejected[0]["line"] == 2 and "out of range" in r.rejected[0]["error"]


# ---- defect 9: detection reads content, and names what it cannot read ----


def test_a_json_document_on_one_overlong_line_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "MAX_LINE", 1024)  # 64 MiB scaled down: a minified export longer than a "line"
    recs = [JSON_FORMATS["openrouter"].record(*GOOD) for _ in range(40)]
    path = json_file(tmp_path / "minified.json", "openrouter", recs)
    assert path.stat().st_size > 4 * 1024 and path.read_text().count("\n") == 0
    r = _price(path)
    assert r.inputs[0].format == "openrouter" and r.rows_priced == 40


def _valid_bytes() -> bytes:
    return csv_text(CSV_FORMATS["canonical"][0], [CSV_FORMATS["canonical"][1](*GOOD)]).encode()


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("log.csv.gz", gzip.compress(_valid_bytes() * 40)[:-40], "truncated gzip"),
        ("log.csv", bz2.compress(_valid_bytes()), "bzip2"),
        ("log.csv", "\ufeff".encode("utf-16-le") + _valid_bytes().decode().encode("utf-16-le"), "UTF-16"),
        ("log.csv", _valid_bytes().decode().encode("utf-16-be"), "UTF-16"),
        ("log.json", b'{"a":' + bytes(range(256)) * 4, "binary"),
        ("log.csv", b"\xff\xfe\x00\x00" + b"m\x00\x00\x00", "UTF-32"),
        ("log.csv", b"mod\xe9l,input_tokens,output_tokens\n", "not UTF-8"),
        ("log.csv", b"\n\n  \n", "empty"),
        ("log.csv", b"", "empty"),
        ("log.zip", b"PK\x03\x04" + b"\x00" * 40, "zip"),
    ],
    ids=[
        "truncated-gz",
        "bz2-named-csv",
        "utf16le",
        "utf16be",
        "binary",
        "utf32",
        "latin1-header",
        "blank",
        "empty",
        "zip",
    ],
)
@pytest.mark.parametrize("fmt", ["auto", "canonical", "litellm", "openrouter"])
def test_unreadable_files_are_named_not_called_empty(tmp_path, capsys, name, content, needle, fmt):
    path = tmp_path / name
    path.write_bytes(content)
    run = cli(capsys, "price-log", str(path), "--input-format", fmt)
    assert_one_line_error(run)
    if not (needle == "not UTF-8" and fmt == "openrouter"):  # a JSON-only format says "not JSON" first
        assert needle in run.err, run.err
    if needle != "empty":
        assert "empty" not in run.err


@pytest.mark.parametrize("name", ["usage", "usage.txt", "usage.json", "usage.log"])
def test_canonical_csv_is_read_by_content_whatever_its_name(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(_valid_bytes())
    for fmt in ("auto", "canonical"):
        r = _price(path, fmt)
        assert r.rows_priced == 1 and r.total > 0


def test_litellm_json_named_csv_is_read_as_json(tmp_path):
    path = json_file(tmp_path / "spend.csv", "litellm", [JSON_FORMATS["litellm"].record(*GOOD)])
    r = _price(path, "litellm")
    assert r.rows_priced == 1


# ---- defect 12: CSV output keeps the counts, the unpriced and rejected rows and the total ----


def test_price_log_csv_never_drops_rows(tmp_path, capsys):
    import csv

    path = tmp_path / "log.csv"
    rows = [["2026-06-01", "no-such-model", "openai", 10, 5]] * 3 + [["2026-06-01", "gpt-5.5", "openai", "x", 5]]
    csv_file(path, "canonical", rows)
    run = cli(capsys, "price-log", str(path), "--format", "csv")
    assert run.code == 0, run.err
    table = list(csv.DictReader(run.out.splitlines()))
    kinds = {r["record"]: r for r in table}
    assert kinds["rows_total"]["rows"] == "4" and kinds["rows_unpriced"]["rows"] == "3"
    assert kinds["rows_rejected"]["rows"] == "1" and kinds["rows_priced"]["rows"] == "0"
    assert "no-such-model" in kinds["unpriced"]["reason"] or "no-such-model" in kinds["unpriced"]["model"]
    assert kinds["rejected"]["line"] == "5" and "input_tokens" in kinds["rejected"]["reason"]
    assert kinds["total"]["total_usd"] == "0"
    payload = cli(capsys, "price-log", str(path), "--format", "json").payload
    assert sum(int(r["rows"]) for r in table if r["record"] in ("unpriced", "rejected")) == (
        payload["rows_unpriced"] + payload["rows_rejected"]
    )


def test_price_log_csv_totals_match_json(tmp_path, capsys):
    import csv

    examples = Path(__file__).parent.parent / "examples"
    for f in sorted(examples.glob("*.json")) + sorted(examples.glob("*.csv")):
        payload = cli(capsys, "price-log", str(f), "--format", "json").payload
        table = list(csv.DictReader(cli(capsys, "price-log", str(f), "--format", "csv").out.splitlines()))
        (total,) = [r for r in table if r["record"] == "total"]
        assert Decimal(total["total_usd"]) == Decimal(payload["total_usd"]), f
        models = [r for r in table if r["record"] == "model"]
        assert sum(Decimal(r["total_usd"]) for r in models) == sum(Decimal(m["total_usd"]) for m in payload["by_model"])


# ---- the CLI-side Low items ----


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))


def _console(*args: str, timeout: float = 60) -> Run:
    """The real console script in a child process that must end within `timeout` in 3 GB (a hang is the defect)."""
    try:
        out = subprocess.run(
            [str(BIN), *args], capture_output=True, text=True, timeout=timeout, check=False, preexec_fn=_limit_memory
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"billpath {' '.join(args)} hung")
    return Run(out.returncode, out.stdout, out.stderr)


def test_fifo_and_devices_are_refused(tmp_path):
    pipe = fifo(tmp_path / "pipe.csv")
    assert_one_line_error(_console("price-log", str(pipe)), "FIFO")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    assert_one_line_error(_console("price-log", str(tmp_path / "zero.csv")), "character device")
    assert_one_line_error(_console("compare", "gpt-5.5", "-i", "1000", "--prices", str(pipe)), "FIFO")
    d = tmp_path / "logs"
    d.mkdir()
    fifo(d / "also.csv")  # inside a directory: skipped, not waited on
    csv_file(d / "a.csv", "canonical", [CSV_FORMATS["canonical"][1](*GOOD)])
    run = _console("price-log", str(d), "--format", "json")
    assert run.code == 0 and run.payload["rows_priced"] == 1, run.err


def test_broken_symlink_and_empty_directory(tmp_path, capsys):
    (tmp_path / "dangling.csv").symlink_to(tmp_path / "nowhere.csv")
    assert_one_line_error(cli(capsys, "price-log", str(tmp_path / "dangling.csv")), "broken symlink")
    (tmp_path / "empty").mkdir()
    assert_one_line_error(cli(capsys, "price-log", str(tmp_path / "empty")), "no .parquet")


def test_permission_denied_file_and_directory(tmp_path, capsys, monkeypatch):
    f = _one_file(tmp_path)
    real_open, real_scandir = Path.open, os.scandir

    def deny_open(self, *a, **k):
        if self == f:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *a, **k)

    def deny_scandir(path="."):
        if Path(path) == f.parent:
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(Path, "open", deny_open)
    assert_one_line_error(cli(capsys, "price-log", str(f)), "Permission denied", str(f))
    monkeypatch.setattr(os, "scandir", deny_scandir)
    assert_one_line_error(cli(capsys, "price-log", str(f.parent)), "Permission denied")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_permission_denied_for_real(tmp_path, capsys):
    f = _one_file(tmp_path)
    f.chmod(0)
    assert_one_line_error(cli(capsys, "price-log", str(f)), "Permission denied")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b'[[offer]]\nchannel = "openai"\nnote = "caf\xe9"\n', "not UTF-8"),
        (b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested"),
        (b"x = " + b"{a = " * 2000 + b"1" + b"}" * 2000 + b"\n", "nested"),
        (b"a" + b".a" * 170_000 + b" = 1\n", "dotted key"),
        (b"a = 1\n" * 300_000, "bytes"),
        (b"x = " + b"9" * 5000 + b"\n", "not valid TOML"),
        (b"x = [1,\n", "not valid TOML"),
    ],
    ids=["latin1", "deep-array", "deep-inline", "dotted-bomb", "too-big", "huge-int", "broken"],
)
def test_hostile_prices_toml_is_one_line_and_fast(tmp_path, capsys, content, needle):
    import time

    path = tmp_path / "prices.toml"
    path.write_bytes(content)
    start = time.monotonic()
    run = _console("compare", "gpt-5.5", "-i", "1000", "--prices", str(path), timeout=30)  # a bomb: bounded
    assert time.monotonic() - start < 15
    assert_one_line_error(run, needle)


@pytest.mark.parametrize("value", ["1e400", "1e-400", "\uff11\uff12\uff13", "١٢٣", "²", "inf", "nan", "-1", "1e16"])
@pytest.mark.parametrize("flag", ["--input-tokens", "--output-tokens", "--requests"])
def test_hostile_count_flags(capsys, flag, value):
    assert_one_line_error(cli(capsys, "compare", "gpt-5.5", flag, value))


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "--bogus"],
        ["compare"],
        ["price-log"],
        ["price-log", "x.csv", "--format", "xml"],
        ["nonsense-command"],
        ["compare", "gpt-5.5", "--input-tokens"],
    ],
)
def test_usage_errors_are_one_line_exit_2(capsys, args):
    run = cli(capsys, *args)
    assert_one_line_error(run, "usage error", code=2)
    assert "╭" not in run.err and "│" not in run.err


UNICODE_DIGITS = ["\uff11\uff12\uff13", "١٢٣", "²", "߁"]


def test_unicode_digits_are_rejected_by_every_reader(tmp_path):
    for fmt in sorted(JSON_FORMATS):
        recs = [JSON_FORMATS[fmt].record(d, 5) for d in UNICODE_DIGITS]
        r = _price(json_file(tmp_path / f"{fmt}.json", fmt, recs), fmt)
        assert (r.rows_priced, r.rows_rejected) == (0, len(recs)), (fmt, r.rejected)
    for fmt, (_, row) in sorted(CSV_FORMATS.items()):
        r = _price(csv_file(tmp_path / f"{fmt}.csv", fmt, [row(d, 5) for d in UNICODE_DIGITS]), fmt)
        assert (r.rows_priced, r.rows_rejected) == (0, len(UNICODE_DIGITS)), (fmt, r.rejected)


@pytest.mark.parametrize("fmt", sorted(JSON_FORMATS))
def test_ascii_digit_strings_are_read_by_every_reader(tmp_path, fmt):
    r = _price(json_file(tmp_path / f"{fmt}.json", fmt, [JSON_FORMATS[fmt].record("1000", "500")]), fmt)
    assert (
        r.rows_priced == 1
        and r.total == _price(json_file(tmp_path / "n.json", fmt, [JSON_FORMATS[fmt].record(*GOOD)]), fmt).total
    )


def test_markdown_escapes_html_in_model_names(tmp_path, capsys):
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    path = csv_file(tmp_path / "log.csv", "canonical", [["2026-06-01", evil, "openai", 10, 5]])
    out = cli(capsys, "price-log", str(path), "--format", "markdown").out
    assert "<img" not in out and "<script" not in out and "&lt;script&gt;" in out


# ---- the corpus: every attack through the real command ----

VALUES = {
    "missing": MISSING,
    "null": None,
    "empty": "",
    "negative": -1,
    "fraction": 1.5,
    "string-digits": "12",
    "fullwidth": "\uff11\uff12\uff13",
    "bool": True,
    "exp-text": "1e3",
    "inf": Raw("1e400"),
    "huge-int": Raw("7" * 4400),
    "too-large": 10**18,
    "object": {"a": 1},
    "list": [1],
    "nan-text": "NaN",
    "whitespace": " 12 ",
    "plus": "+12",
}
MUST_REJECT = {k for k in VALUES if k not in ("string-digits", "whitespace", "plus")}


ATTACKS = list(VALUES)


@pytest.mark.parametrize("fmt", sorted(JSON_FORMATS))
@pytest.mark.parametrize("which", ["input", "output"])
def test_corpus_json_counts(tmp_path, capsys, fmt, which):
    """Every hostile count value, one record each, between good records: each judged alone, by its position."""
    good = JSON_FORMATS[fmt].record(*GOOD)
    recs = [good, *(_mutated(fmt, which, VALUES[name]) for name in ATTACKS), good]
    path = json_file(tmp_path / "log.json", fmt, recs, lines=fmt in JSONL_TOO)
    run = cli(capsys, "price-log", str(path), "--format", "json")
    assert run.code == 0, run.err
    p = run.payload
    assert_sound(p)
    assert p["rows_total"] == len(recs) and Decimal(p["total_usd"]) > 0
    expected = [i + 2 for i, name in enumerate(ATTACKS) if name in MUST_REJECT]
    assert [e["line"] for e in p["rejected"]] == expected, p["rejected"]
    assert p["rows_priced"] == len(recs) - len(expected)


@pytest.mark.parametrize("fmt", sorted(CSV_FORMATS))
@pytest.mark.parametrize("col", ["input", "output"])
def test_corpus_csv_cells(tmp_path, capsys, fmt, col):
    _, row = CSV_FORMATS[fmt]
    names = [n for n, v in VALUES.items() if not (isinstance(v, dict | list | Raw) or v is MISSING)]
    rows = [row(*GOOD)]
    for name in names:
        value = VALUES[name]
        cell = "" if value is None else ("true" if value is True else str(value))
        rows.append(row(cell if col == "input" else GOOD[0], cell if col == "output" else GOOD[1]))
    path = csv_file(tmp_path / "log.csv", fmt, rows)
    run = cli(capsys, "price-log", str(path), "--format", "json")
    assert run.code == 0, run.err
    p = run.payload
    assert_sound(p)
    expected = [i + 3 for i, name in enumerate(names) if name in MUST_REJECT]  # line 1 is the header
    assert [e["line"] for e in p["rejected"]] == expected, p["rejected"]
    assert p["rows_priced"] == len(rows) - len(expected)


def _file_attacks():
    good_csv = _valid_bytes()
    good_json = dumps(JSON_FORMATS["openrouter"].wrap([JSON_FORMATS["openrouter"].record(*GOOD)])).encode()
    yield "crlf", good_csv.replace(b"\n", b"\r\n")
    yield "bom", b"\xef\xbb\xbf" + good_csv
    yield "blank-lines", good_csv.replace(b"\n", b"\n\n\n")
    yield "nul-in-row", good_csv + b"2026-06-01,gpt-5.5,openai,1\x00,1\n"
    yield "unclosed-quote", good_csv + b'"2026-06-01,gpt-5.5,openai,1,1\n'
    yield "extra-field", good_csv + b"2026-06-01,gpt-5.5,openai,1,1,1\n"
    yield "short-row", good_csv + b"2026-06-01,gpt-5.5\n"
    yield "header-only", good_csv.split(b"\n")[0] + b"\n"
    yield "truncated-json", good_json[: len(good_json) // 2]
    yield "deep-json", b"[" * 100_000 + b"]" * 100_000
    yield "deep-jsonl", b'{"model": "gpt-5.5", "input_tokens": 1, "output_tokens": 1}\n' + b"[" * 100_000 + b"\n"
    yield "json-scalar", b"[1, 2, 3]"
    yield "json-string", b'["a", "b"]'
    yield "json-nulls", b"[null, null]"
    yield "jsonl-garbage", b'{"model": "gpt-5.5", "input_tokens": 1, "output_tokens": 1}\n{not json}\n\x80\x81\n'
    yield "huge-doc-int", b'{"data": [{"native_tokens_prompt": ' + b"1" * 5000 + b', "model": "x"}]}'
    yield "dup-keys-doc", b'{"data": [], "data": [{"native_tokens_prompt": 1}]}'
    yield "random", bytes((i * 7919) % 256 for i in range(3000))
    yield "only-bom", b"\xef\xbb\xbf"
    yield "whitespace-json", b"   \n\t {} \n"
    yield "csv-formula", good_csv + b'=cmd|"/c calc"!A1,gpt-5.5,openai,1,1\n'


FILE_ATTACKS = list(_file_attacks())


@pytest.mark.parametrize(("name", "content"), FILE_ATTACKS, ids=[n for n, _ in FILE_ATTACKS])
def test_corpus_files(tmp_path, capsys, name, content):
    """Each hostile file through the real command (format detected): a result that holds, or one line, exit 1."""
    path = tmp_path / "attack"
    path.write_bytes(content)
    run = cli(capsys, "price-log", str(path), "--format", "json")
    assert "internal error" not in run.err and "Traceback" not in run.err, run.err
    if run.code == 0:
        assert_sound(run.payload)
    else:
        assert_one_line_error(run)


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_corpus_files_every_reader(tmp_path, fmt):
    """Each hostile file read as each format: rows with lines, rejections with reasons, or a BillpathError."""
    for i, (name, content) in enumerate(FILE_ATTACKS):
        path = tmp_path / f"attack{i}"
        path.write_bytes(content)
        sink = ListSink()
        try:
            READERS[fmt].read(path, sink)
        except BillpathError as exc:
            assert str(exc).strip(), name
            continue
        assert all(r["line"] >= 1 for r in sink.rows), name


def test_library_errors_are_billpath_errors(tmp_path):
    """What the CLI prints as one line is a BillpathError in the library too (the API and the server rely on it)."""
    path = tmp_path / "x.csv"
    path.write_bytes(bz2.compress(b"model,input_tokens,output_tokens\n"))
    with pytest.raises(BillpathError, match="bzip2"):
        price_log([str(path)])


@pytest.mark.parametrize("byte", [b"\x00", b"\x07", b"\x1b", b"\x7f"])
@pytest.mark.parametrize("fmt", sorted(CSV_FORMATS))
def test_a_stray_control_byte_rejects_its_row_not_the_file(tmp_path, fmt, byte):
    _, row = CSV_FORMATS[fmt]
    lines = csv_text(CSV_FORMATS[fmt][0], [row(*GOOD), row(*GOOD), row(*GOOD)]).encode().splitlines(keepends=True)
    lines[2] = lines[2].replace(b",1000,", b",10" + byte + b"00,")
    path = tmp_path / "log.csv"
    path.write_bytes(b"".join(lines))
    r = _price(path)
    assert (r.rows_total, r.rows_priced, r.rows_rejected) == (3, 2, 1), r.rejected
    assert r.rejected[0]["line"] == 3
