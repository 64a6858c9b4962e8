"""The embedded engine's connection: threads by input size, settings, a clear error for a bad memory limit."""

from __future__ import annotations

import os

import pytest

from billpath.engines import duckdb as engine
from billpath.usage.columns import LogError


def _threads(log) -> int:
    """The log's threads; a small log (one thread unless asked) also plans without the optimizer."""
    try:
        threads = int(log.con.execute("SELECT current_setting('threads')").fetchone()[0])
        (optimized,) = log.con.execute("SELECT current_setting('enable_optimizer')").fetchone()
    finally:
        log.con.close()
    assert optimized == (not log.inputs[0].path.endswith("small.csv")), optimized
    return threads


def test_a_small_log_runs_on_one_thread_a_large_one_on_all(tmp_path) -> None:
    small = tmp_path / "small.csv"
    small.write_text("model,input_tokens,output_tokens\ngpt-5.5,10,5\n")
    assert _threads(engine.open_log([str(small)])) == 1
    big = tmp_path / "big.csv"
    big.write_text("model,input_tokens,output_tokens\n" + "gpt-5.5,10,5\n" * (engine.SMALL_INPUT_BYTES // 12 + 1))
    assert big.stat().st_size >= engine.SMALL_INPUT_BYTES
    assert _threads(engine.open_log([str(big)])) == (os.cpu_count() or 2)
    assert _threads(engine.open_log([str(small)], threads=2)) == 2  # asked for: kept whatever the size


def test_a_few_bytes_of_many_rows_get_the_settings_of_a_big_log(tmp_path) -> None:
    """A small file that DuckDB reads as a view (Parquet; a big log read in Python) may hold millions of rows: once
    read, it runs on every thread and with the optimizer; a small log normalised into a table keeps one thread."""
    import duckdb

    parquet = tmp_path / "many.parquet"
    duckdb.sql(
        f"COPY (SELECT 'gpt-5.5' AS model, 10 AS input_tokens, 5 AS output_tokens FROM range(200000)) TO '{parquet}'"
    )
    assert parquet.stat().st_size < engine.SMALL_INPUT_BYTES
    log = engine.open_log([str(parquet)])
    try:
        got = log.con.execute("SELECT current_setting('threads'), current_setting('enable_optimizer')").fetchone()
    finally:
        log.con.close()
    assert got == (os.cpu_count() or 2, True)
    small = tmp_path / "small.csv"
    small.write_text("model,input_tokens,output_tokens\ngpt-5.5,10,5\n")
    assert _threads(engine.open_log([str(small)])) == 1


def test_settings_hold() -> None:
    con = engine.connect()
    try:
        got = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN "
                "('TimeZone', 'preserve_insertion_order', 'enable_progress_bar_print', 'temp_directory')"
            ).fetchall()
        )
    finally:
        con.close()
    assert got["TimeZone"] == "UTC" and got["preserve_insertion_order"] == "false"
    assert got["enable_progress_bar_print"] == "false" and got["temp_directory"] == engine.spill_dir()


def test_a_memory_limit_duckdb_cannot_read_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("BILLPATH_DUCKDB_MEMORY", "lots")
    with pytest.raises(LogError, match="memory limit 'lots'"):
        engine.connect()
