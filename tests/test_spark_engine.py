"""The Spark engine: statements compiled from DuckDB's dialect, exact decimals, Parquet inputs.

Tests marked slow start Spark in local mode once per session (about 8 s; needs Java 17).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from billpath.usage.duck import WHOLE

sqlglot = pytest.importorskip("sqlglot")

from billpath.pricing.spark_engine import SparkEngineError, to_spark  # noqa: E402


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    from billpath.pricing import spark_engine

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
    from billpath.pricing.spark_engine import read_parquet
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
