"""The Spark engine: statements compiled from DuckDB's dialect, exact decimals, Parquet inputs.

Tests marked slow start Spark in local mode once per session (about 8 s; needs Java 17).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from billpath.errors import BillpathError
from billpath.usage.columns import WHOLE

sqlglot = pytest.importorskip("sqlglot")

from billpath.engines.spark import SparkEngineError, to_spark  # noqa: E402


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    from billpath.engines import spark as spark_engine

    session = spark_engine.session("local[2]")
    yield session
    session.stop()


def test_regexp_full_match_becomes_anchored_rlike():
    sql = to_spark(f"SELECT regexp_full_match(s.c, '{WHOLE}') AS ok FROM t s")
    assert "RLIKE" in sql
    assert "REGEXP_FULL_MATCH" not in sql.upper()
    # Spark string literals take backslash escapes: the pattern's backslashes must be doubled.
    assert r"\\s*" in sql


def test_duckdb_types_become_spark_types():
    sql = to_spark("SELECT CAST(x AS VARCHAR) || 'a', TRY_CAST(y AS BIGINT) FROM t")
    assert "AS STRING" in sql
    assert "VARCHAR" not in sql


def test_non_literal_pattern_is_refused():
    with pytest.raises(SparkEngineError):
        to_spark("SELECT regexp_full_match(a, b) FROM t")


@pytest.mark.slow
def test_session_is_exact(spark):
    """DESIGN's trap: DECIMAL(38,0) * DECIMAL(38,12) rounds to 6 places unless precision loss is off."""
    assert spark.conf.get("spark.sql.decimalOperations.allowPrecisionLoss") == "false"
    row = spark.sql(
        "SELECT SUM(CAST(id AS DECIMAL(38,0)) * CAST('0.0000015' AS DECIMAL(38,12))) AS usd FROM range(1001)"
    ).collect()[0]
    assert row.usd == Decimal("0.7507500")


@pytest.mark.slow
def test_overflow_is_an_error_not_a_wrapped_sum(spark):
    with pytest.raises(Exception, match=r"(?i)overflow"):
        spark.sql("SELECT SUM(CAST(9000000000000000000 AS BIGINT)) FROM range(3)").collect()


@pytest.mark.slow
def test_compiled_validation_regex_matches_duckdb(spark):
    """The row validation is DuckDB SQL; its compiled form must accept and reject the same text."""
    import duckdb

    samples = ["12", " 12 ", "+7", "007", "1.0", "1.00", "1.5", "-3", "", " ", "1e3", "12a", "x", "1" * 18, "1" * 19]
    values = ", ".join("('" + s + "')" for s in samples)
    query = f"SELECT c, regexp_full_match(c, '{WHOLE}') AS ok FROM (VALUES {values}) t(c) ORDER BY c"
    on_duck = duckdb.sql(query).fetchall()
    on_spark = [tuple(r) for r in spark.sql(to_spark(query)).collect()]
    assert on_spark == on_duck
    assert dict(on_duck)[" 12 "] is True and dict(on_duck)["1.5"] is False


@pytest.mark.slow
def test_reads_parquet_file_directory_and_glob(spark, tmp_path):
    from billpath.engines.spark import read_parquet
    from billpath.usage.genlog import write_log

    write_log(tmp_path / "parts", 3000, files=3)
    one = tmp_path / "parts" / "part-0000.parquet"
    assert read_parquet(spark, [str(one)]).count() == 1000
    assert read_parquet(spark, [str(tmp_path / "parts")]).count() == 3000
    assert read_parquet(spark, [str(tmp_path / "parts" / "part-000[12].parquet")]).count() == 2000
    rows = read_parquet(spark, [str(one)]).select("_file", "_row").orderBy("_row").limit(2).collect()
    assert [r._row for r in rows] == [0, 1] and rows[0]._file.endswith("part-0000.parquet")
    with pytest.raises(SparkEngineError, match="no such file"):
        read_parquet(spark, [str(tmp_path / "missing" / "*.parquet")])


AT = date(2026, 11, 26)


def _bad_rows(path) -> None:
    """Rows the shared validation must reject (or price undated) the same way on both engines."""
    import duckdb

    duckdb.sql(
        """COPY (SELECT * FROM (VALUES
          (TIMESTAMP '2026-05-02 10:00:00', 'gpt-5.5', 'openai', -5, 10, 0, 0, 0, FALSE, 1),
          (TIMESTAMP '2026-05-02 11:00:00', 'gpt-5.5', 'openai', 100, 10, 0, 0, 50, FALSE, 1),
          (TIMESTAMP '2026-05-03 12:00:00', '', 'openai', 100, 10, 0, 0, 0, FALSE, 1),
          (NULL, 'claude-sonnet-4-6', 'anthropic', 300000, 2000, 0, 0, 0, TRUE, 1),
          (TIMESTAMP '2026-03-12 23:59:59', 'claude-sonnet-4-6', 'anthropic', 150000, 1000, 60000, 0, 0, FALSE, 1),
          (TIMESTAMP '2026-03-13 00:00:00', 'claude-sonnet-4-6', 'anthropic', 150000, 1000, 60000, 0, 0, FALSE, 1)
        ) t("timestamp", model, channel, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
            reasoning_tokens, batch, requests)) TO '"""
        + str(path)
        + "' (FORMAT parquet)"
    )


@pytest.fixture(scope="module")
def generated_log(tmp_path_factory):
    """A generated log in a directory of Parquet files, plus a file of rows that must be rejected."""
    from billpath.usage.genlog import write_log

    root = tmp_path_factory.mktemp("log")
    write_log(root / "gen", 30_000, seed=7, files=3, row_group_size=4096)
    _bad_rows(root / "gen" / "zz-bad.parquet")
    return root / "gen"


@pytest.mark.slow
def test_duckdb_and_spark_agree_to_the_last_unit(spark, generated_log):
    """The same log priced by DuckDB and by Spark gives the same JSON, every total and every note."""
    import billpath

    on_duckdb = billpath.price_log([str(generated_log)], at=AT).to_dict()
    on_spark = billpath.price_log([str(generated_log)], at=AT, engine="spark").to_dict()
    assert on_spark == on_duckdb

    # The log exercised what it is meant to: a test that prices nothing interesting proves nothing.
    d = on_duckdb
    assert d["rows_total"] == 30_006
    assert d["rows_priced"] + d["rows_unpriced"] + d["rows_rejected"] == d["rows_total"]
    # The generator also writes prompts longer than the model's context window (deepseek-v3.2: 128k) as one
    # request: impossible, so rejected by line on both engines (analysis/context_window.py).
    over = [r for r in d["rejected"] if "exceeds the context window" in r["error"]]
    assert over and d["rows_rejected"] == 3 + len(over)
    assert sorted(r["line"] for r in d["rejected"] if r not in over) == [1, 2, 3]
    assert Decimal(d["total_usd"]) > 0
    notes = " | ".join(d["notes"])
    assert "gpt-5.5: requests above 272,000" in notes
    assert "claude-sonnet-4-6: requests above 200,000" in notes  # only before 2026-03-13
    assert "rows carry no timestamp" in notes
    reasons = " | ".join(u["reason"] for u in d["unpriced"])
    assert "mystery-model-9" in reasons
    assert "no price for gpt-5.5 on openai/standard at the row's date" in reasons
    channels = {c["channel"] for c in d["by_channel"]}
    assert {"anthropic", "openai", "openrouter", "aws-bedrock", "google", "deepseek"} <= channels
    # Re-priced on every other channel selling the models (complete or not: no channel sells all nine).
    assert any(Decimal(v["covered_usd"]) > 0 for v in d["reprice_incomplete"].values())


@pytest.mark.slow
def test_price_history_boundary_on_spark(spark, tmp_path):
    """Sonnet 4.6 at 2026-03-12 (long-context tier) vs 2026-03-13 (flat price): exact dollars on Spark."""
    import billpath

    _bad_rows(tmp_path / "rows.parquet")
    d = billpath.price_log([str(tmp_path / "rows.parquet")], at=AT, engine="spark").to_dict()
    day = {x["day"]: Decimal(x["total_usd"]) for x in d["by_day"]}
    # 2026-03-12: prompt 210,000 > 200,000: input 150k x $6 + cache read 60k x $0.60 + output 1k x $22.50
    assert day["2026-03-12"] == Decimal("0.9585")
    # 2026-03-13: one tier: 150k x $3 + 60k x $0.30 + 1k x $15
    assert day["2026-03-13"] == Decimal("0.483")


@pytest.mark.slow
def test_cli_engine_spark_json_with_full_reprice(spark, tmp_path):
    """Two models sold on many channels: `reprice` is complete, and the CLI's JSON is the same on both engines."""
    from typer.testing import CliRunner

    from billpath.cli import app
    from billpath.usage.genlog import Mix, write_log

    mix = (
        Mix("claude-sonnet-4-6", "anthropic", 3, date(2026, 2, 20), date(2026, 7, 1)),
        Mix("gpt-5.5", "openrouter", 2, date(2026, 4, 23), date(2026, 7, 1)),
    )
    log = tmp_path / "two-models.parquet"
    write_log(log, 5000, seed=3, mix=mix)
    args = ["price-log", str(log), "--format", "json"]
    runner = CliRunner()
    on_duckdb = runner.invoke(app, args)
    on_spark = runner.invoke(app, [*args, "--engine", "spark"])
    assert on_duckdb.exit_code == 0, on_duckdb.output
    assert on_spark.exit_code == 0, on_spark.output
    data = json.loads(on_spark.stdout)
    assert data == json.loads(on_duckdb.stdout)
    assert data["rows_priced"] == 5000
    assert "azure" in data["reprice"] and Decimal(data["reprice"]["azure"]) > 0


def test_spark_engine_refuses_other_formats_before_starting_spark(tmp_path):
    import billpath

    csv = tmp_path / "usage.csv"
    csv.write_text("model,input_tokens,output_tokens\ngpt-5.5,10,10\n")
    with pytest.raises(SparkEngineError, match="reads canonical Parquet"):
        billpath.price_log([str(csv)], at=AT, engine="spark")
    with pytest.raises(SparkEngineError, match="--engine duckdb"):
        billpath.price_log([str(csv)], at=AT, engine="spark", input_format="litellm")
    with pytest.raises(BillpathError, match="unknown engine"):
        billpath.price_log([str(csv)], at=AT, engine="presto")


@pytest.mark.slow
def test_text_typed_parquet_is_validated_alike(spark, tmp_path):
    """A Parquet of text columns takes the validation's text path (regexes, TRY_CAST, time zones) on both."""
    import duckdb

    rows = [
        ("2026-05-01T10:00:00Z", "gpt-5.5", "openai", " 1200 ", "300", "true"),
        ("2026-03-12T23:30:00-02:00", "claude-sonnet-4-6", "anthropic", "250000", "10", "no"),
        ("1777777777", "gpt-5.5", "openai", "1.0", "5", "1"),
        ("2026-05-02", "gpt-5.5", "openai", "1.5", "5", "0"),
        ("2026-05-02 08:00:00", "gpt-5.5", "openai", "-3", "5", ""),
        ("2026-05-02", "gpt-5.5", "openai", "x", "5", "false"),
        ("2026-05-02", "gpt-5.5", "openai", "", "5", "false"),
        ("2026-05-02", "gpt-5.5", "openai", "10", "5", "maybe"),
        ("not a date", "gpt-5.5", "openai", "10", "5", "false"),
        ("", "gpt-5.5", "openai", "10", "5", "batch"),
        ("2026-05-03", "  ", "openai", "10", "5", "false"),
        ("2026-05-03", "gpt-5.5", "openai", "9" * 19, "5", "false"),
    ]
    values = ", ".join("(" + ", ".join("'" + v + "'" for v in r) + ")" for r in rows)
    path = tmp_path / "text.parquet"
    duckdb.sql(
        f'COPY (SELECT * FROM (VALUES {values}) t("timestamp", model, channel, input_tokens, output_tokens, batch)) '
        f"TO '{path}' (FORMAT parquet)"
    )
    on_duckdb = billpath_price_log(path)
    on_spark = billpath_price_log(path, engine="spark")
    assert on_spark == on_duckdb
    assert on_duckdb["rows_total"] == len(rows)
    assert (on_duckdb["rows_priced"], on_duckdb["rows_rejected"]) == (4, 8)
    days = [d["day"] for d in on_duckdb["by_day"]]
    assert "2026-03-13" in days  # 23:30 at UTC-2 on the 12th is the 13th in UTC: priced after the change
    assert "2026-05-03" in days  # Unix seconds 1777777777


def billpath_price_log(path, **kw) -> dict:
    import billpath

    return billpath.price_log([str(path)], at=AT, **kw).to_dict()
