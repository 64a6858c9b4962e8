"""Real-world CSV: header synonyms, --column, delimiters, errors that show the header, odd files skipped,
rows longer than the model's context window, no price before a model's release."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal as D

import pytest
from typer.testing import CliRunner

from billpath.analysis.compare import compare
from billpath.analysis.price_log import price_log
from billpath.catalog.store import load_catalog
from billpath.cli import app
from billpath.errors import BillpathError
from billpath.usage.readers.canonical import SYNONYMS, header_key
from billpath.usage.record import Usage

runner = CliRunner()
ROWS = [("2026-10-01", "gpt-5.5", 1000, 100), ("2026-10-02", "claude-sonnet-4-6", 2000, 10)]
CANONICAL_HEAD = ["timestamp", "model", "input_tokens", "output_tokens"]


def _write(tmp_path, name, header, delimiter=",", rows=ROWS):
    path = tmp_path / name
    lines = [delimiter.join(header)] + [delimiter.join(map(str, r)) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return price_log([_write(tmp_path_factory.mktemp("ref"), "ref.csv", CANONICAL_HEAD)]).to_dict()


def _spellings(name: str):
    """The same header as exports write it: case, spaces, dashes."""
    words = name.split("_")
    yield name
    yield " ".join(w.capitalize() for w in words)
    yield "-".join(w.upper() for w in words)
    yield f"  {' '.join(words)} "


@pytest.mark.parametrize("field", ["timestamp", "model", "input_tokens", "output_tokens"])
def test_every_synonym_in_every_spelling_prices_the_same(tmp_path, reference, field):
    """Each synonym of a column, spelled any way, reads exactly as the canonical name does."""
    for i, synonym in enumerate(SYNONYMS[field]):
        for j, spelled in enumerate(_spellings(synonym)):
            header = [spelled if h == field else h for h in CANONICAL_HEAD]
            out = price_log([_write(tmp_path, f"{field}-{i}-{j}.csv", header)]).to_dict()
            assert out["total_usd"] == reference["total_usd"], (field, spelled)
            assert out["rows_priced"] == 2


@pytest.mark.parametrize("delimiter", [";", "\t", "|", ","])
def test_delimiters_are_sniffed(tmp_path, reference, delimiter):
    path = _write(tmp_path, "d.csv", ["Date", "Model", "Prompt Tokens", "Completion Tokens"], delimiter)
    out = price_log([path]).to_dict()
    assert out["total_usd"] == reference["total_usd"] and out["rows_rejected"] == 0


def test_column_mapping_and_errors_that_show_the_header(tmp_path, reference):
    header = ["day", "llm", "tokens in", "tokens out"]
    path = _write(tmp_path, "odd.csv", header)
    res = runner.invoke(app, ["price-log", path])
    assert isinstance(res.exception, BillpathError) and "header found: day, llm, tokens in, tokens out" in str(
        res.exception
    )
    with pytest.raises(BillpathError, match="header found: day, llm, tokens in, tokens out"):
        price_log([path])
    mapped = price_log(
        [path], columns=["timestamp=day", "model=LLM", "input_tokens=Tokens In", "output_tokens=tokens-out"]
    ).to_dict()
    assert mapped["total_usd"] == reference["total_usd"]
    out = runner.invoke(
        app,
        [
            "price-log",
            path,
            "--column",
            "model=llm",
            "--column",
            "input_tokens=tokens in",
            "--column",
            "output_tokens=tokens out",
            "--column",
            "timestamp=day",
            "--json",
        ],
    )
    assert out.exit_code == 0 and json.loads(out.stdout)["total_usd"] == reference["total_usd"]
    with pytest.raises(BillpathError, match="unknown field"):
        price_log([path], columns=["tokens=x"])


def test_header_key_ignores_case_and_spacing():
    assert {header_key(s) for s in ("Prompt Tokens", " prompt-tokens ", "PROMPT_TOKENS", "prompt.tokens")} == {
        "prompt_tokens"
    }


def test_an_odd_file_in_a_directory_is_skipped_and_reported(tmp_path, reference):
    _write(tmp_path, "good.csv", CANONICAL_HEAD)
    (tmp_path / "notes.csv").write_text("what,ever\n1,2\n")
    (tmp_path / "broken.json").write_text("{not json")
    out = price_log([str(tmp_path)]).to_dict()
    assert out["total_usd"] == reference["total_usd"]
    skipped = {i["file"].rsplit("/", 1)[-1]: i for i in out["inputs"] if i["format"] == "unreadable"}
    assert set(skipped) == {"notes.csv", "broken.json"}
    assert all(i["error"] for i in skipped.values())
    assert sum("skipped, not read" in n for n in out["notes"]) == 2
    with pytest.raises(BillpathError):  # one file named on its own is still an error
        price_log([str(tmp_path / "notes.csv")])


def test_rows_longer_than_the_context_window_are_rejected_by_line(tmp_path):
    catalog = load_catalog()
    rows = []
    expected = set()
    for line, (model, prompt, requests) in enumerate(
        [
            ("claude-sonnet-4-6", 90_000_000, 1),  # a day's total read as one request
            ("claude-sonnet-4-6", 90_000_000, 1000),  # the same with its request count: fine
            ("gpt-5.5", 5000, 1),
            ("gpt-5.4-mini", 3_000_000, 1),
            ("gpt-5.4-mini", 3_000_000, 100),
        ],
        start=2,
    ):
        rows.append(("2026-10-01", model, prompt, 10, requests))
        ctx = catalog.models[model].context_tokens
        if ctx and prompt / requests > ctx:
            expected.add(line)
    path = _write(tmp_path, "totals.csv", [*CANONICAL_HEAD, "requests"], rows=rows)
    out = price_log([path], catalog=catalog).to_dict()
    assert expected and {r["line"] for r in out["rejected"]} == expected
    assert all("context window" in r["error"] for r in out["rejected"])
    assert out["rows_priced"] + out["rows_unpriced"] + out["rows_rejected"] == out["rows_total"] == 5
    assert "context window" in out["verdict"].split(".")[0]  # said at the top
    ok = price_log([_write(tmp_path, "fine.csv", [*CANONICAL_HEAD, "requests"], rows=[rows[1], rows[2]])]).to_dict()
    assert ok["rows_rejected"] == 0 and "context window" not in ok["verdict"]


@pytest.mark.parametrize(
    "rows",
    [
        # windows at or below the rows' prompt class (deepseek-v3.2: 128k, a tier threshold; gpt-5.4-mini: 400k
        # under a 3M prompt, class 524,288)
        [("deepseek-v3.2", 300_000, 1), ("deepseek-v3.2", 1_000, 1), ("gpt-5.4-mini", 3_000_000, 1)],
        # 450k and 300k per request are both in the 272k tier class; gpt-5.4-mini's 400k window lies inside it
        [("gpt-5.4-mini", 450_000, 1), ("gpt-5.4-mini", 300_000, 1), ("gpt-5.5", 5_000, 1)],
        # exactly 400k per request is not over the window, one token more is; 0 requests (a bill line) is not judged
        [("gpt-5.4-mini", 800_000, 2), ("gpt-5.4-mini", 800_001, 2), ("claude-sonnet-4-6", 10**9, 0)],
        [("gpt-5.5", 5_000, 1), ("claude-sonnet-4-6", 90_000, 1)],  # nothing near a window
    ],
)
def test_the_context_window_is_decided_on_the_groups(tmp_path, monkeypatch, rows):
    """Rows over their window are rejected exactly as a per-row check would, and the log is read once: one
    reduce and no other statement reading the rows (the pre-pass reads the distinct raw names, `usage_names`;
    the rejected rows are listed from the groups)."""
    statements = _statements(monkeypatch)
    catalog = load_catalog()
    table = [("2026-10-01", model, prompt, 10, n) for model, prompt, n in rows]
    expected = {
        line
        for line, (model, prompt, n) in enumerate(rows, start=2)
        if n and prompt > catalog.models[model].context_tokens * n
    }
    out = price_log([_write(tmp_path, "log.csv", [*CANONICAL_HEAD, "requests"], rows=table)], catalog=catalog)
    assert {r["line"] for r in out.to_dict()["rejected"]} == expected
    assert out.rows_rejected == out.rows_over_context == len(expected)
    assert out.rows_priced + out.rows_unpriced == len(rows) - len(expected)
    assert _row_reads(statements) == ["reduce"]


def _statements(monkeypatch) -> list[str]:
    """Every statement the DuckDB connection of the next price-log runs, in order."""
    from billpath.engines import duckdb as engine

    seen: list[str] = []
    real = engine.open_log

    class Counted:
        def __init__(self, con):
            self._con = con

        def execute(self, sql, *args):
            seen.append(" ".join(sql.split()))
            return self._con.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self._con, name)

    def opened(*args, **kwargs):
        log = real(*args, **kwargs)
        log.con = Counted(log.con)
        return log

    monkeypatch.setattr(engine, "open_log", opened)
    return seen


def _row_reads(statements: list[str]) -> list[str]:
    """The statements that read the `usage` rows (the reduce named as such)."""
    return ["reduce" if "COUNT(*) AS rows_n" in s else s for s in statements if re.search(r"\bFROM usage\b", s)]


@pytest.mark.parametrize("names_tested", [200, 0])  # rows tested against their own window, or the smallest
def test_rows_over_their_window_are_listed_as_a_row_by_row_check_lists_them(tmp_path, monkeypatch, names_tested):
    """Many rows around several windows and tiers, with rejected rows of other kinds mixed in and more than the
    1000 listed: the counts, the first 1000 by (file, line) and their messages are those of a check per row."""
    import random

    from billpath.analysis import context_window

    monkeypatch.setattr(context_window, "MAX_NAMES_TESTED", names_tested)
    statements = _statements(monkeypatch)
    catalog = load_catalog()
    rnd = random.Random(10)
    models = ["gpt-5.4-mini", "deepseek-v3.2", "claude-sonnet-4-6", "gpt-5.5", "gemini-2.5-pro", "mystery-model"]
    table, expected = [], {}
    for line in range(2, 8000):
        model = rnd.choice(models)
        ctx = catalog.models[model].context_tokens if model in catalog.models else None
        n = rnd.choice([0, 1, 1, 2, 3])
        per = rnd.choice([ctx or 10**6, 128_000, 200_000, 272_000, 400_000, 1_000_000, 5_000])
        prompt = max(per * max(n, 1) + rnd.choice([-1, 0, 1, 0]), 0)
        if rnd.random() < 0.3:  # one group of more rejected rows than are listed, between other groups' rows
            model, ctx, n, prompt = "gpt-5.4-mini", catalog.models["gpt-5.4-mini"].context_tokens, 1, 450_000
        bad = rnd.random() < 0.05
        table.append(("2026-10-01", model, "x" if bad else prompt, 10, n))
        if bad:
            expected[line] = "input_tokens is not a whole number >= 0: x"
        elif ctx and n and prompt > ctx * n:
            expected[line] = (
                f"prompt of {prompt} tokens per request exceeds the context window of {model} ({ctx}): "
                "a row holding several requests needs a requests column"
            )
    out = price_log([_write(tmp_path, "log.csv", [*CANONICAL_HEAD, "requests"], rows=table)], catalog=catalog)
    over = sum(1 for e in expected.values() if "context window" in e)
    assert over > 2000 and len(expected) > over  # some groups hold more than the 1000 listed
    assert out.rows_rejected == len(expected) and out.rows_over_context == over
    listed = [(r["line"], r["error"]) for r in out.to_dict()["rejected"]]
    assert listed == sorted(expected.items())[:1000]
    assert _row_reads(statements) == ["reduce"]


@pytest.mark.parametrize("model", ["claude-sonnet-4-6", "gpt-5.5", "claude-opus-4-8", "gpt-5.4-mini"])
def test_no_price_before_the_release_date(tmp_path, model):
    catalog = load_catalog()
    released = catalog.models[model].released
    assert released is not None
    before = date.fromordinal(released.toordinal() - 1)
    comp = compare(model, Usage(input_tokens=D(1000)), at=before, catalog=catalog)
    assert comp.quotes == [] and comp.seats == []
    assert str(released) in comp.verdict
    for o in catalog.offers_for(model):
        assert o.effective_from >= released or (o.effective_to and o.effective_to <= released)
    on_day = compare(model, Usage(input_tokens=D(1000)), at=released, catalog=catalog)
    assert on_day.quotes
    path = _write(tmp_path, "early.csv", CANONICAL_HEAD, rows=[(before.isoformat(), model, 1000, 10)])
    out = price_log([path], catalog=catalog).to_dict()
    assert out["rows_priced"] == 0 and out["rows_unpriced"] == 1


def test_over_a_window_that_is_also_a_tier_threshold(tmp_path) -> None:
    """Found by hypothesis: when every logged window is already a tier threshold the reduce has no window
    classes, and listing the rejected rows wrote `g.0` for the missing column (a SQL error, not a price)."""
    from billpath.analysis.context_window import boundaries, limits
    from billpath.usage.routes import Router

    catalog = load_catalog()
    windows = limits(Router(catalog), [("deepseek-v3.2", "deepseek", "")])
    (_, ctx), *_ = windows.values()
    assert boundaries(windows, catalog.tier_thresholds()) == []  # the case: no extra class boundary
    path = tmp_path / "log.jsonl"
    row = {"timestamp": "2026-03-12", "model": "deepseek-v3.2", "channel": "deepseek", "output_tokens": 10}
    path.write_text("\n".join(json.dumps({**row, "input_tokens": n}) for n in (ctx + 1, 1000)) + "\n")
    result = price_log([str(path)], catalog=catalog)
    assert result.rows_rejected == 1 and result.rows_priced == 1
    assert result.rejected[0]["line"] == 1 and "exceeds the context window" in result.rejected[0]["error"]
