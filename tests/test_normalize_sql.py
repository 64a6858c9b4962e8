"""The normalising statement parses each value once (`billpath.usage.columns._hoisted`).

A text log's counts, timestamps, batch flags and costs are parsed by expressions that the row's value, its checks and
its messages all use. Written out at every use, a CSV's statement was 15 KB and most of a small log's time went into
planning it; computed once in a projection below, each parse appears once whatever the number of checks.
"""

from __future__ import annotations

import duckdb
import pytest

from billpath.usage.columns import CANONICAL, COST_TYPE, HOIST_PREFIX, normalize_sql

PARSES = ("regexp_extract(", "regexp_full_match(s.", f"AS {COST_TYPE})", "TIMESTAMPTZ)", "LOWER(TRIM(")


@pytest.mark.parametrize("text_columns", [CANONICAL, ("model", "input_tokens", "output_tokens", "timestamp")])
def test_each_parse_appears_once_per_column(text_columns: tuple[str, ...]) -> None:
    sql = normalize_sql("raw", dict.fromkeys(text_columns, "VARCHAR"), "'f'", 's."line"')
    hoisted = sql.split(" FROM raw s)")[0]  # the projection that parses
    above = sql.split(" FROM raw s)")[1]
    for parse in PARSES:
        assert above.count(parse) == 0, (parse, "parsed again above the hoisting projection")
    numeric = [c for c in text_columns if c.endswith("_tokens") or c == "requests"]
    assert hoisted.count("regexp_extract(") == len(numeric)
    times = [c for c in text_columns if c.startswith("timestamp")]
    assert hoisted.count("TIMESTAMPTZ)") == len(times)
    assert len(sql) < 12_000


def test_hoisted_values_are_the_values() -> None:
    """The same rows, values and rejections as a plain read: a valid row, and one rejected for each parse."""
    con = duckdb.connect()
    cols = ("line", "model", "input_tokens", "output_tokens", "timestamp", "timestamp_end", "batch", "cost_usd")
    con.execute(f"CREATE TABLE raw ({', '.join(f'{c} VARCHAR' for c in cols)}, error VARCHAR)")
    rows = [
        ("1", "m", "10", "5", "2026-01-02", None, "yes", "0.5"),
        ("2", "m", "1x", "5", "2026-01-02T10:00:00Z", None, "no", None),
        ("3", "m", "10", "5", "not a date", None, "false", None),
        ("4", "m", "10", "5", "1767348000", "1767340000", "1", None),
        ("5", "m", "10", "5", None, None, "maybe", "x"),
    ]
    con.executemany(f"INSERT INTO raw VALUES ({', '.join('?' for _ in cols)}, NULL)", rows)
    types = {c: "VARCHAR" for c in cols if c != "line"}
    sql = normalize_sql("raw", types, "'f'", 'CAST(s."line" AS BIGINT)', pre_error="error")
    got = con.execute(
        f"SELECT line, input_tokens, day, minute_to, batch, logged_cost, error FROM ({sql}) ORDER BY line"
    )
    out = got.fetchall()
    assert [r[6] for r in out] == [
        None,
        "input_tokens is not a whole number >= 0: 1x",
        "timestamp is not a date/time: not a date",
        "timestamp_end 1767340000 is not after timestamp 1767348000",
        "batch is not true/false: maybe",
    ]
    assert out[0][1] == 10 and str(out[0][2]) == "2026-01-02" and out[0][4] is True and str(out[0][5]).startswith("0.5")
    assert out[0][3] is not None  # a date without a time covers its whole day
    assert not any(HOIST_PREFIX in c for c in [d[0] for d in got.description])
