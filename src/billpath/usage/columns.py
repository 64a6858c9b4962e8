"""The normalised `usage` relation the table evaluator prices: its columns and the SQL that validates a file into it.

Canonical Parquet files are read by DuckDB itself (a file, a directory or a glob),
streamed, never loaded whole into Python. Other formats are parsed in Python by their readers and
arrive here as Arrow batches of canonical text columns. Both paths go through ONE validation
(`normalize_sql`), so a value is accepted or rejected the same way whatever format carried it.

The normalised relation has: source, line, model, provider, variant, user_id ('' when absent), day,
minute_from and minute_to (the minutes the row covers, counted as `record.MINUTE_SHIFT` says, in UTC:
minute_from is the timestamp's minute, NULL without one; minute_to the exclusive end for a date without
a time (the whole day) or a `timestamp_end`, else NULL: an instant), batch, the quantity fields,
logged_cost, effective_cost, list_cost and logged_fee (NULL where the input states none), error (NULL
when the row is valid, else why it is rejected) and ok (error IS NULL, computed as one boolean so that
pricing never builds a message for a valid row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from billpath.errors import BillpathError
from billpath.usage.record import MINUTE_SHIFT

# The quantities a usage row carries, in the order every engine's SQL and the JSON output list them.
# `billpath.pricing.table` checks that the pricing rules' components use exactly these.
QUANTITY_FIELDS: tuple[str, ...] = (
    "input_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "requests",
)
TOKEN_COLUMNS = tuple(f for f in QUANTITY_FIELDS if f != "requests")
# Canonical columns (README, "Price a usage log") plus billpath's optional cache_write_1h_tokens, variant and cost_usd
# (what the log itself says the row cost, for reconciliation), and user (who used it, where an export
# says: per-user totals).
# A bill also states its effective (amortised, after discounts) and list cost: effective_cost_usd, list_cost_usd.
# fee_usd: a fee the log states outside the token prices, added to the total as a fee line (OpenRouter's BYOK fee,
# which its log calls total_cost while cost_usd is the provider's own charge).
# A row that sums a period (a usage bucket, a bill line) may state its end: timestamp_end (exclusive).
CANONICAL = (
    "timestamp",
    "timestamp_end",
    "model",
    "channel",
    "variant",
    *TOKEN_COLUMNS,
    "batch",
    "requests",
    "cost_usd",
    "user",
    "effective_cost_usd",
    "list_cost_usd",
    "fee_usd",
)
REQUIRED = ("model", "input_tokens", "output_tokens")
# Other spellings of canonical columns; names are matched without case. Two columns with one meaning
# (a repeat, `Model` next to `model`, `provider` next to `channel`) are an error: never last-one-wins.
ALIASES = {
    "provider": "channel",
    "cost": "cost_usd",
    "reasoning_output_tokens": "reasoning_tokens",
    "service_tier": "variant",  # Bedrock's and OpenAI's `service_tier` (flex, priority; default = standard)
}
MAX_TOKENS = 10**15  # per row: larger counts are a broken export, and would overflow 64-bit tier arithmetic
MAX_REQUESTS = 10**12
COST_TYPE = "DECIMAL(38,24)"
INT_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "HUGEINT"}
WIDE_INT_TYPES = {"UBIGINT", "HUGEINT"}  # integer types wider than BIGINT
FLOAT_TYPES = {"FLOAT", "DOUBLE", "REAL"}
TIME_TYPES = {"TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S", "DATE"}
MAX_EPOCH = 32503680000  # 3000-01-01 in Unix seconds
WHOLE = r"^\s*\+?[0-9]{1,18}(\.0*)?\s*$"


# The normalised relation's columns, in `normalize_sql`'s order (a wrapper view re-selects them by name).
USAGE_COLUMNS: tuple[str, ...] = (
    "source",
    "line",
    "model",
    "provider",
    "variant",
    "user_id",
    "day",
    "minute_from",
    "minute_to",
    "batch",
    *QUANTITY_FIELDS,
    "logged_cost",
    "effective_cost",
    "list_cost",
    "logged_fee",
    "error",
    "ok",
)


class LogError(BillpathError):
    """A usage log that cannot be read at all (as opposed to rows rejected one by one)."""


def canonical_name(column: str) -> str:
    key = column.strip().lower()
    return ALIASES.get(key, key)


def canonical_columns(
    types: dict[str, str] | list[tuple[str, str]], where: str = "the usage log"
) -> dict[str, tuple[str, str]]:
    """Canonical name -> (the column as spelled, its type); two columns with one meaning are a LogError.

    `types` may be a list of (name, type) pairs, so that a name a file repeats exactly is seen twice.
    """
    out: dict[str, tuple[str, str]] = {}
    for k, t in types.items() if isinstance(types, dict) else types:
        name = canonical_name(k)
        if name not in CANONICAL:
            continue
        if name in out:
            raise LogError(
                f"{where}: columns {out[name][0]!r} and {k!r} both mean {name!r}: conflicting columns, keep one"
            )
        out[name] = (k, t)
    return out


def sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _base_type(t: str) -> str:
    return re.sub(r"\(.*\)$", "", t.upper()).strip()


def _q(col: str) -> str:
    return f's."{col}"'


@dataclass
class Column:
    """One canonical column's SQL: its value, and the checks that reject a row."""

    value: str
    checks: list[tuple[str, str]]  # (condition, message expression)
    hoist: list[tuple[str, str]] = field(default_factory=list)  # (name, SQL): see `_hoisted`


# A parsed value (a count read from text, a timestamp parsed from text) is used by the row's value, its checks
# and its messages: each is computed once, in a projection under the normalising one, and named there
# `_bp_<what>_<column>`, so the statement stays small (a CSV's normalising statement was 15 KB, most of its
# planning time) and no engine parses a value twice. Integer and timestamp columns are used as they are.
HOIST_PREFIX = "_bp_"


def _hoisted(what: str, col: str, sql: str, hoist: list[tuple[str, str]]) -> str:
    """`sql` computed once under the normalising projection, as a column named for `what` and `col`."""
    name = f"{HOIST_PREFIX}{what}_{col}"
    hoist.append((name, sql))
    return _q(name)


def _as_text(col: str) -> str:
    return f"CAST({_q(col)} AS VARCHAR)"


def _count_column(col: str, t: str | None, required: bool, default: int) -> Column:
    if t is None:
        if required:
            raise LogError(f"required column {col!r} is missing")
        return Column(str(default), [])
    c, base = _q(col), _base_type(t)
    limit = MAX_REQUESTS if col == "requests" else MAX_TOKENS
    shown = f"'{col} is not a whole number >= 0: ' || {_as_text(col)}"
    hoist: list[tuple[str, str]] = []
    if base in WIDE_INT_TYPES:  # may hold values past BIGINT: those are not whole numbers billpath can count
        value = _hoisted("n", col, f"TRY_CAST({c} AS BIGINT)", hoist)
        bad = f"({value} IS NULL OR {c} < 0)"
    elif base in INT_TYPES:  # fits a BIGINT: a widening cast and plain comparisons, which the engine can settle
        # from the file's column statistics (no TRY_CAST to see through)
        value = c if base == "BIGINT" else f"CAST({c} AS BIGINT)"
        bad = f"{c} < 0"
    elif base in FLOAT_TYPES or base == "DECIMAL":
        value = _hoisted("n", col, f"TRY_CAST({c} AS BIGINT)", hoist)
        bad = f"({value} IS NULL OR {c} < 0 OR {c} <> FLOOR({c}))"
    elif base == "VARCHAR":
        value = _hoisted("n", col, f"TRY_CAST(regexp_extract({c}, '[0-9]+') AS BIGINT)", hoist)
        bad = _hoisted("bad", col, f"(NOT regexp_full_match({c}, '{WHOLE}'))", hoist)
        c = _hoisted("text", col, f"NULLIF(TRIM({c}), '')", hoist)
    else:
        raise LogError(f"column {col!r} has type {t}; expected whole numbers")
    checks = []
    if required:
        checks.append((f"{c} IS NULL", f"'{col} is missing'"))
    checks += [
        (f"{c} IS NOT NULL AND {bad}", shown),
        (f"{value} > {limit}", f"'{col} is implausibly large: ' || {value}"),
    ]
    return Column(f"COALESCE({value}, {default})", checks, hoist)


def _text_column(col: str, t: str | None, required: bool) -> Column:
    if t is None:
        if required:
            raise LogError(f"required column {col!r} is missing")
        return Column("''", [])
    value = f"COALESCE(TRIM(CAST({_q(col)} AS VARCHAR)), '')"
    return Column(value, [(f"{value} = ''", f"'{col} is missing'")] if required else [])


@dataclass
class Instant:
    """A time column's SQL: its timestamp (NULL when absent or unreadable), whether it is a date without a time,
    and the checks that reject a row."""

    ts: str
    date_only: str
    checks: list[tuple[str, str]]
    hoist: list[tuple[str, str]] = field(default_factory=list)  # as `Column.hoist`


def _instant(col: str, t: str) -> Instant:
    c, base = _q(col), _base_type(t)
    if base == "DATE":
        return Instant(f"CAST({c} AS TIMESTAMP)", "TRUE", [])
    if base in TIME_TYPES:
        return Instant(c, "FALSE", [])
    if base in INT_TYPES:  # Unix seconds; converted only when in range, so one odd value rejects its row only
        in_range = f"{c} BETWEEN 0 AND {MAX_EPOCH}"
        value = f"CASE WHEN {in_range} THEN to_timestamp(CAST({c} AS BIGINT)) END"
        return Instant(value, "FALSE", [(f"NOT ({in_range})", f"'{col} is out of range: ' || " + _as_text(col))])
    if base == "VARCHAR":
        raw = f"NULLIF(TRIM({c}), '')"
        epoch = f"to_timestamp(TRY_CAST({raw} AS BIGINT))"
        parsed = f"TRY_CAST({raw} AS TIMESTAMPTZ)"
        hoist: list[tuple[str, str]] = []  # one projection: each hoisted value is computed from the raw column
        value = _hoisted(
            "ts", col, f"CASE WHEN regexp_full_match({raw}, '[0-9]{{9,11}}') THEN {epoch} ELSE {parsed} END", hoist
        )
        text = _hoisted("text", col, raw, hoist)
        return Instant(
            value,
            f"regexp_full_match({text}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')",
            [(f"{text} IS NOT NULL AND ({value}) IS NULL", f"'{col} is not a date/time: ' || {text}")],
            hoist,
        )
    raise LogError(f"column {col!r} has type {t}; expected a timestamp, a date or ISO 8601 text")


def _minute(ts: str, ceil: bool = False) -> str:
    """The minute index of a timestamp (`record.minute_index`), from its Unix microseconds: exact, independent
    of any time zone, and an integer division of a positive number on every engine."""
    shift = MINUTE_SHIFT * 60_000_000 + (59_999_999 if ceil else 0)
    return f"((epoch_us({ts}) + {shift}) // 60000000)"


def _time_columns(t: str | None, t_end: str | None) -> tuple[Column, Column, Column]:
    """day, minute_from and minute_to (see the module docstring) from timestamp and timestamp_end."""
    none = "CAST(NULL AS BIGINT)"
    if t is None:
        return Column("CAST(NULL AS DATE)", []), Column(none, []), Column(none, [])
    start = _instant("timestamp", t)
    day = Column(f"CAST({start.ts} AS DATE)", start.checks, start.hoist)
    first = _minute(start.ts)
    whole_day = f"CASE WHEN {start.date_only} THEN {first} + 1440 END"
    if t_end is None:
        return day, Column(first, []), Column(f"CAST({whole_day} AS BIGINT)", [])
    end = _instant("timestamp_end", t_end)
    last = _minute(end.ts, ceil=True)  # rounded up: a period ending at 04:00:30 covers the minute from 04:00
    checks = [(f"{start.ts} IS NOT NULL AND {cond}", msg) for cond, msg in end.checks]
    checks.append(
        (
            f"{start.ts} IS NOT NULL AND {end.ts} IS NOT NULL AND {end.ts} <= {start.ts}",
            f"'timestamp_end ' || {_as_text('timestamp_end')} || ' is not after timestamp ' || {_as_text('timestamp')}",
        )
    )
    to = f"CASE WHEN {end.ts} IS NOT NULL THEN {last} ELSE {whole_day} END"
    return day, Column(first, []), Column(f"CAST({to} AS BIGINT)", checks, end.hoist)


def _batch_column(t: str | None) -> Column:
    if t is None:
        return Column("FALSE", [])
    c, base = _q("batch"), _base_type(t)
    if base == "BOOLEAN":
        return Column(f"COALESCE({c}, FALSE)", [])
    if base in INT_TYPES:
        return Column(
            f"COALESCE({c} <> 0, FALSE)", [(f"{c} NOT IN (0, 1)", "'batch is not 0 or 1: ' || " + _as_text("batch"))]
        )
    if base == "VARCHAR":
        hoist: list[tuple[str, str]] = []
        text = _hoisted("text", "batch", f"COALESCE(LOWER(TRIM({c})), '')", hoist)
        yes, no = "('true', 't', 'yes', 'y', '1', 'batch')", "('false', 'f', 'no', 'n', '0', '')"
        return Column(
            f"({text} IN {yes})",
            [(f"{text} NOT IN {yes} AND {text} NOT IN {no}", f"'batch is not true/false: ' || {c}")],
            hoist,
        )
    raise LogError(f"column 'batch' has type {t}; expected true/false")


NULL_COST = f"CAST(NULL AS {COST_TYPE})"  # a cost the input does not state


def _cost_column(t: str | None, col: str = "cost_usd") -> Column:
    if t is None:
        return Column(NULL_COST, [])
    raw = f"NULLIF(TRIM({_as_text(col)}), '')"
    hoist: list[tuple[str, str]] = []
    value = _hoisted("n", col, f"TRY_CAST({raw} AS {COST_TYPE})", hoist)
    text = _hoisted("text", col, raw, hoist)
    checks = [(f"{text} IS NOT NULL AND {value} IS NULL", f"'{col} is not a number: ' || {text}")]
    return Column(value, checks, hoist)


def normalize_sql(
    source: str,
    types: dict[str, str],
    source_id: str,
    line: str,
    pre_error: str | None = None,
    ok_from_error: bool = False,
    source_name: str | None = None,
) -> str:
    """SELECT the normalised usage columns from `source` (a relation whose columns have `types`).

    `line` is the SQL for the row's line number; `pre_error` the column holding a reader's own
    rejection (a format-specific problem found while parsing), checked first. `ok` is its own boolean over
    the checks, so that a pass reading only `ok` builds no message; where every row's `error` is built anyway
    (a table materialised once), `ok_from_error` reads it off `error` instead: the same value (every message is
    text wherever its check holds), in a statement half the size.
    """
    spelled = canonical_columns(types, source_name or "the usage log")
    renames = [(k, name) for name, (k, _) in spelled.items() if k.lower() != name]
    if renames:  # other spellings (`Model`, `provider`) are read under their canonical name
        extra = ", ".join(f'"{k}" AS "{name}"' for k, name in renames)
        source = f"(SELECT *, {extra} FROM {source})"
    cols = {name: t for name, (_, t) in spelled.items()}
    model = _text_column("model", cols.get("model"), True)
    counts = {f: _count_column(f, cols.get(f), f in REQUIRED, 0) for f in TOKEN_COLUMNS}
    counts["requests"] = _count_column("requests", cols.get("requests"), False, 1)
    day, minute_from, minute_to = _time_columns(cols.get("timestamp"), cols.get("timestamp_end"))
    batch, cost = _batch_column(cols.get("batch")), _cost_column(cols.get("cost_usd"))
    effective = _cost_column(cols.get("effective_cost_usd"), "effective_cost_usd")
    listed = _cost_column(cols.get("list_cost_usd"), "list_cost_usd")
    fee = _cost_column(cols.get("fee_usd"), "fee_usd")
    hoist = [h for col in (*counts.values(), day, minute_to, batch, cost, effective, listed, fee) for h in col.hoist]
    if hoist:  # the parsed values, computed once (`_hoisted`)
        parsed = ", ".join(f'{sql} AS "{name}"' for name, sql in hoist)
        source = f"(SELECT s.*, {parsed} FROM {source} s)"
    checks: list[tuple[str, str]] = []
    if pre_error:
        checks.append((f"{_q(pre_error)} IS NOT NULL", _q(pre_error)))
    for col in (model, *counts.values(), day, minute_to, batch, cost, effective, listed, fee):
        checks += col.checks
    out, rsn = counts["output_tokens"].value, counts["reasoning_tokens"].value
    checks.append(
        (
            f"{rsn} > {out}",
            f"'reasoning_tokens (' || {rsn} || ') exceed output_tokens (' || {out} || '); reasoning is inside output'",
        )
    )
    error = "CASE " + " ".join(f"WHEN {cond} THEN {msg}" for cond, msg in checks) + " ELSE NULL END"
    # The same checks as one boolean (no message text built per row): what the reduce step groups on.
    ok = "NOT (" + " OR ".join(f"COALESCE({cond}, FALSE)" for cond, _ in checks) + ")"
    provider = _text_column("channel", cols.get("channel"), False).value
    variant = _text_column("variant", cols.get("variant"), False).value
    user = _text_column("user", cols.get("user"), False).value
    fields = ",\n  ".join(f"{c.value} AS {name}" for name, c in counts.items())
    own_ok = "" if ok_from_error else f", {ok} AS ok"
    body = f"""SELECT {source_id} AS source, {line} AS line, {model.value} AS model, {provider} AS provider,
  {variant} AS variant, {user} AS user_id, {day.value} AS day,
  {minute_from.value} AS minute_from, {minute_to.value} AS minute_to, {batch.value} AS batch,
  {fields},
  {cost.value} AS logged_cost, {effective.value} AS effective_cost, {listed.value} AS list_cost,
  {fee.value} AS logged_fee, {error} AS error{own_ok}
FROM {source} s"""
    return f"SELECT *, error IS NULL AS ok FROM ({body}) n" if ok_from_error else body


def constant_columns(types: dict[str, str], source_name: str | None = None) -> dict[str, str]:
    """The normalised columns that `normalize_sql` makes one literal for every row of a relation with `types`,
    because the canonical column they come from is absent (a Parquet file without `user` or `cost_usd`): column ->
    that literal, written by the same builders. A pass may use the literal instead of reading the column (the
    reduce keys a constant as a literal, never hashing it per row)."""
    spelled = canonical_columns(types, source_name or "the usage log")
    literals = {
        "provider": ("channel", _text_column("channel", None, False).value),
        "variant": ("variant", _text_column("variant", None, False).value),
        "user_id": ("user", _text_column("user", None, False).value),
        "day": ("timestamp", _time_columns(None, None)[0].value),
        "batch": ("batch", _batch_column(None).value),
        "logged_cost": ("cost_usd", _cost_column(None).value),
        "logged_fee": ("fee_usd", _cost_column(None, "fee_usd").value),
    }
    return {name: sql for name, (col, sql) in literals.items() if col not in spelled}


NAME_COLUMNS = ("model", "channel", "variant")  # canonical columns that name what a row used (model, provider, variant)


def names_sql(source: str, types: dict[str, str], source_name: str | None = None) -> str:
    """SELECT the normalised (model, provider, variant) of `source`'s rows, as `normalize_sql` makes them, from
    its distinct raw names (a pass over the name columns only, before any per-row normalisation)."""
    spelled = canonical_columns(types, source_name or "the usage log")
    raw = [f'"{spelled[c][0]}" AS "{c}"' for c in NAME_COLUMNS if c in spelled]
    cols = {name: t for name, (_, t) in spelled.items()}
    model = _text_column("model", cols.get("model"), True).value
    provider = _text_column("channel", cols.get("channel"), False).value
    variant = _text_column("variant", cols.get("variant"), False).value
    return (
        f"SELECT {model} AS model, {provider} AS provider, {variant} AS variant "
        f"FROM (SELECT DISTINCT {', '.join(raw)} FROM {source}) s"
    )


def describe(con, relation: str) -> dict[str, str]:
    """Column name -> DuckDB type of a relation, without reading its rows."""
    return {row[0]: row[1] for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}
