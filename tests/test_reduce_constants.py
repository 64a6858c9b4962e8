"""A column one literal in every row is keyed as that literal, not grouped on: the same groups, types and prices.

A canonical Parquet without `user`, `variant`, `channel`, `timestamp`, `batch`, `cost_usd` or `fee_usd` gives
`usage` columns that `normalize_sql` writes as one literal (`usage.columns.constant_columns`). For random files
with random subsets of those columns (and rows DuckDB rejects), every constant holds its literal in every row,
and the reduce with the constants gives the same rows, in the same column types, as the reduce without them;
the whole price-log result is the same too.
"""

from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billpath.analysis.price_log import price_log
from billpath.engines import duckdb as engine
from billpath.pricing.table import reduce_sql
from billpath.usage import load

OPTIONAL = ("channel", "variant", "user", "timestamp", "batch", "cost_usd", "fee_usd", "requests")
# The normalised column each optional canonical column makes (and keeps constant when it is absent).
MAKES = {
    "channel": "provider",
    "variant": "variant",
    "user": "user_id",
    "timestamp": "day",
    "batch": "batch",
    "cost_usd": "logged_cost",
    "fee_usd": "logged_fee",
}
MODELS = ["claude-sonnet-4-6", "gpt-5.5", "gemini-2.5-pro", "no-such-model-x", " gpt-5.4-mini "]
VALUES = {
    "channel": st.sampled_from(["anthropic", "openai", "", None, "aws-bedrock"]),
    "variant": st.sampled_from(["", "flex", None]),
    "user": st.sampled_from(["ana", "bo", None, ""]),
    "timestamp": st.sampled_from([datetime(2026, 3, 12, 9), datetime(2026, 10, 20, 23, 59), None]),
    "batch": st.sampled_from([True, False, None]),
    "cost_usd": st.sampled_from(["0", "0.25", "1e-3", "x", None]),
    "fee_usd": st.sampled_from(["0.01", None, ""]),
    "requests": st.sampled_from([0, 1, 3, -1, None]),
}


@st.composite
def logs(draw):
    columns = [c for c in OPTIONAL if draw(st.booleans())]
    rows = []
    for _ in range(draw(st.integers(1, 30))):
        row = {
            "model": draw(st.sampled_from(MODELS)),
            "input_tokens": draw(st.one_of(st.integers(0, 5_000), st.integers(150_000, 2_000_000), st.just(-5))),
            "output_tokens": draw(st.integers(0, 40_000)),
        }
        row.update({c: draw(VALUES[c]) for c in columns})
        rows.append(row)
    return columns, rows


def _write(tmp_path, columns, rows):
    types = {
        "model": pa.string(),
        "input_tokens": pa.int64(),
        "output_tokens": pa.int64(),
        "timestamp": pa.timestamp("us"),
        "batch": pa.bool_(),
        "requests": pa.int64(),
    }
    names = ["model", "input_tokens", "output_tokens", *columns]
    schema = pa.schema([(n, types.get(n, pa.string())) for n in names])
    path = tmp_path / "log.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return path


def _rows(con, sql):
    return sorted(con.execute(sql).fetchall(), key=repr)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(log=logs())
def test_constants_hold_and_change_no_group(tmp_path, log):
    columns, rows = log
    path = _write(tmp_path, columns, rows)
    opened = engine.open_log([str(path)])
    con = opened.con
    try:
        assert set(opened.constants) == {made for col, made in MAKES.items() if col not in columns}
        for col, literal in opened.constants.items():  # the literal is what every row holds
            assert con.execute(f"SELECT COUNT(*) FROM usage WHERE {col} IS DISTINCT FROM {literal}").fetchone() == (0,)
        tiers, windows = [200_000, 128_000], [1_000_000, 400_000]
        plain = reduce_sql("usage", tiers, windows=windows, listing=3)
        keyed = reduce_sql("usage", tiers, windows=windows, listing=3, constants=opened.constants)
        if opened.constants:
            assert keyed != plain
        assert _rows(con, keyed) == _rows(con, plain)
        assert con.execute(f"DESCRIBE {keyed}").fetchall() == con.execute(f"DESCRIBE {plain}").fetchall()
    finally:
        con.close()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(log=logs())
def test_price_log_is_the_same_without_constants(tmp_path, log):
    columns, rows = log
    path = _write(tmp_path, columns, rows)
    keyed = price_log([str(path)], at=date(2026, 11, 1)).to_dict()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(load, "constant_columns", lambda types, source_name=None: {})
        plain = price_log([str(path)], at=date(2026, 11, 1)).to_dict()
    assert keyed == plain
