"""Inputs: directories and globs of canonical files, mixed formats, undated rows, routes, the Python API."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

import billpath
from billpath.analysis.price_log import price_log
from billpath.usage.routes import Router

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_directory_and_glob_of_parquet_equal_one_file(tmp_path):
    from billpath.usage.genlog import write_log

    one = write_log(tmp_path / "one.parquet", rows=3000, seed=5)[0]
    parts = write_log(tmp_path / "parts", rows=3000, seed=5, files=3)
    assert len(parts) == 3
    whole = price_log([str(one)])
    by_dir = price_log([str(tmp_path / "parts")])
    by_glob = price_log([str(tmp_path / "parts" / "part-*.parquet")])
    for r in (by_dir, by_glob):
        assert (r.rows_total, r.total) == (whole.rows_total, whole.total)
        assert r.reprice == whole.reprice


def test_several_files_of_different_formats_add_up():
    files = [str(EXAMPLES / "usage.csv"), str(EXAMPLES / "openrouter-generations.json")]
    both = price_log(files)
    # the OpenRouter file: 0.181095 of tokens and card fees + the BYOK fee it logs, 0.00225
    expected = D("4.769625") + D("0.181095") + D("0.00225")
    assert both.total == price_log(files[:1]).total + price_log(files[1:]).total == expected
    assert {i.format for i in both.inputs} == {"canonical", "openrouter"}


def test_undated_rows_use_the_at_date(tmp_path):
    path = tmp_path / "log.jsonl"
    row = {"model": "claude-sonnet-4-6", "channel": "anthropic", "input_tokens": 300_000, "output_tokens": 0}
    path.write_text(json.dumps(row) + "\n")
    # 300,000 input tokens: above 200k -> 6/M on 2026-03-12 (1.8), 3/M from 2026-03-13 (0.9)
    assert price_log([str(path)], at=date(2026, 3, 12)).total == D("1.8")
    later = price_log([str(path)], at=date(2026, 3, 13))
    assert later.total == D("0.9")
    assert any("no timestamp" in n for n in later.notes)


def test_public_api_returns_the_cli_json():
    result = billpath.price_log(str(EXAMPLES / "usage.csv"))
    data = result.to_dict()
    assert data["total_usd"] == "4.769625"
    assert data["rows_priced"] + data["rows_unpriced"] + data["rows_rejected"] == data["rows_total"]


@pytest.mark.parametrize(
    ("model", "provider", "expected"),
    [
        ("us.anthropic.claude-sonnet-4-6-v1:0", "", ("claude-sonnet-4-6", "aws-bedrock", "regional")),
        ("claude-sonnet-4-6", "bedrock", ("claude-sonnet-4-6", "aws-bedrock", "global")),
        ("claude-sonnet-4-6-20260217", "anthropic", ("claude-sonnet-4-6", "anthropic", "standard")),
        ("claude-sonnet-4-6", "aws.bedrock", ("claude-sonnet-4-6", "aws-bedrock", "global")),
        ("bedrock/us.anthropic.claude-sonnet-4-6-v1:0", "bedrock", ("claude-sonnet-4-6", "aws-bedrock", "regional")),
        # an API-flavour provider name loses to a channel-specific id
        ("anthropic/claude-sonnet-4.6", "~openai", ("claude-sonnet-4-6", "openrouter", "standard")),
        ("gpt-5.5", "", ("gpt-5.5", "openai", "standard")),
    ],
)
def test_routes(catalog, model, provider, expected):
    route = Router(catalog).route(model, provider, "")
    assert route.reason is None, route.reason
    assert (route.model, route.channel, route.variant) == expected


@pytest.mark.parametrize(
    ("model", "provider", "variant", "reason"),
    [
        ("gpt-4-turbo-ultra-9000", "openai", "", "unknown model"),
        ("gpt-5.5", "nowhere-cloud", "", "unknown channel"),
        ("claude-sonnet-4-6", "openai", "", "openai does not sell claude-sonnet-4-6"),
        ("claude-sonnet-4-6", "anthropic", "priority", "no priority service-tier price"),
    ],
)
def test_unroutable_names_say_why(catalog, model, provider, variant, reason):
    route = Router(catalog).route(model, provider, variant)
    assert route.reason is not None and reason in route.reason


def _names_of(paths: list[str]) -> tuple[set, set]:
    from billpath.engines.duckdb import open_log

    log = open_log(paths)
    try:
        q = "SELECT DISTINCT model, provider, variant FROM {}"
        return set(log.con.execute(q.format("usage")).fetchall()), set(log.con.execute(q.format(log.names)).fetchall())
    finally:
        log.con.close()


@pytest.mark.parametrize(
    "paths",
    [[str(p)] for p in sorted(Path("examples").iterdir()) if p.suffix in (".csv", ".json", ".jsonl") or p.is_dir()]
    + [["examples"]],
)
def test_the_names_relation_holds_the_names_of_the_rows(paths):
    """`usage_names` (the context-window pre-pass reads it: distinct raw names, normalised after) gives exactly
    the (model, provider, variant) of `usage`, whatever the format."""
    rows, names = _names_of(paths)
    assert rows and names == rows


def test_the_names_relation_normalises_as_the_rows_do(tmp_path):
    """Spellings that normalise alike (spaces, an empty or missing provider, other header spellings) and Parquet."""
    import duckdb

    csv = tmp_path / "odd.csv"
    csv.write_text(
        "timestamp,Model,Provider,input_tokens,output_tokens\n"
        "2026-10-01, gpt-5.5 ,openai,1,1\n2026-10-01,gpt-5.5,,1,1\n2026-10-01,gpt-5.5, openai ,1,1\n"
        "2026-10-01,,openai,1,1\n2026-10-01,claude-sonnet-4-6,aws-bedrock,x,1\n"
    )
    pq = tmp_path / "odd.parquet"
    duckdb.sql(
        "COPY (SELECT * FROM (VALUES ('2026-10-01'::TIMESTAMP, ' gpt-5.5', 'azure', 'data-zone', 1::BIGINT, 2::BIGINT),"
        " ('2026-10-02'::TIMESTAMP, NULL, NULL, NULL, 1, 2)) t(timestamp, model, channel, variant, input_tokens,"
        f" output_tokens)) TO '{pq}' (FORMAT parquet)"
    )
    rows, names = _names_of([str(csv), str(pq)])
    assert ("gpt-5.5", "openai", "") in rows and ("", "", "") in rows and len(rows) >= 5
    assert names == rows


EXAMPLE_LOGS = [
    [str(p)] for p in sorted(Path("examples").iterdir()) if p.suffix in (".csv", ".json", ".jsonl") or p.is_dir()
] + [["examples"]]


@pytest.mark.parametrize("paths", EXAMPLE_LOGS)
def test_a_small_log_normalised_into_a_table_prices_as_the_view_does(paths, monkeypatch):
    """A log read in Python up to `MATERIALISE_ROWS` rows is normalised once into a table (planning the reduce
    over the whole validating view costs more than the rows); a bigger one stays a view. Both give the same
    result, to the last unit and the last note, for every example (the limit forced to 0: always the view)."""
    from billpath.usage import load

    small = price_log(paths, at=date(2026, 11, 1)).to_dict()
    monkeypatch.setattr(load, "MATERIALISE_ROWS", 0)
    assert price_log(paths, at=date(2026, 11, 1)).to_dict() == small


@pytest.mark.parametrize("paths", EXAMPLE_LOGS)
def test_a_small_log_prices_the_same_without_the_optimizer(paths, monkeypatch):
    """A log under `SMALL_INPUT_BYTES` runs with DuckDB's optimizer off (its time is planning); with the limit
    forced to 0 every example runs as a big log does (optimizer on, all threads): the same result to the last
    unit and the last note."""
    from billpath.engines import duckdb as engine

    small = price_log(paths, at=date(2026, 11, 1)).to_dict()
    monkeypatch.setattr(engine, "SMALL_INPUT_BYTES", 0)
    assert price_log(paths, at=date(2026, 11, 1)).to_dict() == small


def test_only_a_small_log_read_in_python_is_a_table(tmp_path, monkeypatch):
    from billpath.engines import duckdb as engine
    from billpath.usage import load

    def kind(paths):
        log = engine.open_log(paths)
        try:
            return log.con.execute("SELECT COUNT(*) FROM duckdb_tables() WHERE table_name = 'usage_rows'").fetchone()[0]
        finally:
            log.con.close()

    assert kind(["examples/usage.csv"]) == 1
    monkeypatch.setattr(load, "MATERIALISE_ROWS", 5)  # the sample has 6 rows
    assert kind(["examples/usage.csv"]) == 0
