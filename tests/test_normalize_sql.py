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


def test_ok_read_off_error_is_the_checks_own_ok() -> None:
    """`ok_from_error` (a materialised table) and `ok` over the checks (a view) agree on every row, valid or not."""
    con = duckdb.connect()
    cols = [c for c in CANONICAL]
    con.execute(f"CREATE TABLE raw (line BIGINT, {', '.join(f'{c} VARCHAR' for c in cols)}, error VARCHAR)")
    values = {
        "model": ["m", "", " ", None],
        "input_tokens": ["10", "-1", "1x", "", None, "99999999999999999999", " 7 "],
        "output_tokens": ["5", "0", None, "3.0"],
        "reasoning_tokens": [None, "9", "2"],
        "timestamp": ["2026-01-02", "1767348000", "not a date", None, "2026-01-02T10:00:00Z"],
        "timestamp_end": [None, "2026-01-01", "1767440000"],
        "batch": ["yes", "maybe", None, "0"],
        "cost_usd": [None, "0.5", "x", "0"],
        "requests": [None, "0", "2", "-3"],
    }
    rows = []
    for i in range(200):  # every value of each column meets every other column's values, spread over the rows
        row = {c: (v[(i * (k + 1) + i // len(v)) % len(v)]) for k, (c, v) in enumerate(values.items())}
        rows.append([i, *(row.get(c) for c in cols), "reader: bad" if i % 37 == 0 else None])
    con.executemany(f"INSERT INTO raw VALUES ({', '.join('?' for _ in range(len(cols) + 2))})", rows)
    types = dict.fromkeys(cols, "VARCHAR")
    view = normalize_sql("raw", types, "'f'", 's."line"', pre_error="error")
    table = normalize_sql("raw", types, "'f'", 's."line"', pre_error="error", ok_from_error=True)
    a = con.execute(f"SELECT * FROM ({view}) ORDER BY line").fetchall()
    b = con.execute(f"SELECT * FROM ({table}) ORDER BY line").fetchall()
    assert a == b
    assert {r[-1] for r in a} == {True, False}  # both kinds of row met
