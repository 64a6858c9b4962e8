"""A row whose prompt exceeds its model's context window cannot be one request: reject it, by line.

A log of daily totals without a `requests` column reads as one huge request per row, which would be
priced at a long-context rate (twice the price) instead of being questioned. The check is decided on the
reduced groups, in the one pass over the log: a cheap pre-pass lists the logged names (`limits`: one
DISTINCT over the name columns), each resolved to its model's window, and every window is a class boundary
of the reduce (`pricing.table.reduce_sql`, `window_class`, beside the tiers' `prompt_class`). A group's rows
then all lie between the same two boundaries, so against its name's window a group is wholly within it
(the usual case: nothing to do) or wholly over it (its rows become rejected rows of the groups): exact,
never a second pass. The `usage` relation is wrapped with the same check per row, so that what reads it
again (bill lines; the rejected rows' listing where the engine cannot carry it in the reduce) sees the rows
rejected with their line numbers and the messages say why (`message`, the same text in SQL and Python).
"""

from __future__ import annotations

from billpath.catalog.store import Catalog
from billpath.engines.base import create_table
from billpath.pricing.table import GROUP_KEYS, QUANTITY_FIELDS, prompt_above_sql
from billpath.usage.columns import USAGE_COLUMNS, sql_str
from billpath.usage.routes import Router

PROMPT = "(u.input_tokens + u.cache_read_tokens + u.cache_write_tokens + u.cache_write_1h_tokens)"
MARK = "exceeds the context window"
NAME = ("raw_model", "raw_provider", "raw_variant")
NAME_TYPES = dict.fromkeys(NAME, "VARCHAR")
ON_NAME = "{a}.model = {b}.raw_model AND {a}.provider = {b}.raw_provider AND {a}.variant = {b}.raw_variant"


def context_window(catalog: Catalog, model: str, channel: str | None, variant: str | None) -> int | None:
    """The largest prompt one request may carry: the offer's own window, else the model's."""
    windows = [
        int(o.features.max_context_tokens)
        for o in catalog.offers_for(model)
        if o.channel == channel and o.variant == variant and o.features.max_context_tokens
    ]
    if windows:  # the largest over the offer's price blocks (a moving alias's targets differ by date)
        return max(windows)
    m = catalog.models.get(model)
    return m.context_tokens if m and m.context_tokens else None


Name = tuple[str, str, str]


def logged_names(con, names: str = "usage") -> list[Name]:
    """The pre-pass: every distinct (model, provider, variant) the log uses, in one scan of `names` (a relation
    holding at least every name `usage` uses: `LoadedLog.names`)."""
    return [tuple(row) for row in con.execute(f"SELECT DISTINCT model, provider, variant FROM {names}").fetchall()]


def limits(router: Router, logged: list[Name]) -> dict[Name, tuple[str, int]]:
    """Each logged (model, provider, variant) with a known window -> (its model, the window)."""
    catalog = router.catalog
    out: dict[Name, tuple[str, int]] = {}
    for raw_model, raw_provider, raw_variant in logged:
        route = router.route(raw_model, raw_provider, raw_variant)
        if route.reason is None and route.model is not None:
            ctx = context_window(catalog, route.model, route.channel, route.variant)
            if ctx is not None:
                out[(raw_model, raw_provider, raw_variant)] = (route.model, ctx)
    return out


def boundaries(windows: dict[Name, tuple[str, int]], tiers_above: list[int]) -> list[int]:
    """The windows that are not already tier thresholds: the reduce's extra class boundaries."""
    return sorted({ctx for _, ctx in windows.values()} - set(tiers_above))


MAX_NAMES_TESTED = 200  # names in `over_sql` one by one; a log of more names lists the rows over the smallest window


def over_sql(windows: dict[Name, tuple[str, int]], row: str = "t") -> str | None:
    """SQL true for a row of `row` over its name's window (None: no window), for the reduce's listing.

    A cheap test first (over the smallest window), then the row's own window, by model name where all of a
    name's providers and variants share one window. A wider test only lists rows that are then dropped.
    """
    if not windows:
        return None
    above = f"{row}.prompt_above"
    smallest = min(ctx for _, ctx in windows.values())
    if len(windows) > MAX_NAMES_TESTED:
        return f"{above} >= {smallest}"
    by_model: dict[str, set[int]] = {}
    for (model, _, _), (_, ctx) in windows.items():
        by_model.setdefault(model, set()).add(ctx)
    cases: dict[str, int] = {}  # condition -> window, in a fixed order
    for (model, provider, variant), (_, ctx) in sorted(windows.items()):
        cond = f"{row}.model = {sql_str(model)}"
        if len(by_model[model]) > 1:
            cond += f" AND {row}.provider = {sql_str(provider)} AND {row}.variant = {sql_str(variant)}"
        cases[cond] = ctx
    whens = " ".join(f"WHEN {cond} THEN {ctx}" for cond, ctx in cases.items())
    return f"{above} >= {smallest} AND {above} >= CASE {whens} END"


def message(prompt: int, model: str, ctx: int) -> str:
    """Why a row over its window is rejected (`_wrap_usage` builds the same text in SQL)."""
    return (
        f"prompt of {prompt} tokens per request {MARK} of {model} ({ctx}): "
        "a row holding several requests needs a requests column"
    )


def check(
    con, windows: dict[Name, tuple[str, int]], engine: str, classes: bool, listed: int
) -> tuple[int, list[tuple] | None]:
    """Reject the groups over their name's window; returns how many rows, and (`listed` > 0: the reduce carried
    each group's first `listed` rejected rows) the first `listed` rejected rows as (source, line, error).

    `classes`: the reduce had a `window_class` key (`boundaries` was not empty); it is summed away here.
    The same statements on DuckDB and Spark.
    """
    window_class = "window_class" if classes else "0"
    rows = con.execute(
        f"SELECT model, provider, variant, ok, MAX(prompt_class), MAX({window_class}) FROM groups "
        "GROUP BY model, provider, variant, ok"
    ).fetchall()
    over = {
        (m, p, v)
        for m, p, v, ok, pc, wc in rows
        if ok and (m, p, v) in windows and max(int(pc), int(wc)) >= windows[(m, p, v)][1]
    }
    regroup = bool(over) or any(ok and int(wc) for *_, ok, _, wc in rows)
    rejected = bool(over) or not all(ok for *_, ok, _, _ in rows)  # else nothing to list
    if over:
        columns: dict[str, list] = {c: [] for c in (*NAME, "model_id", "ctx")}
        for (raw_model, raw_provider, raw_variant), (model, ctx) in windows.items():
            for c, v in zip(columns, (raw_model, raw_provider, raw_variant, model, ctx), strict=True):
                columns[c].append(v)
        create_table(con, "context_limits", {**NAME_TYPES, "model_id": "VARCHAR", "ctx": "BIGINT"}, columns)
        _wrap_usage(con, engine)
    listing = (_listing(con, window_class, bool(over), listed) if rejected else []) if listed else None
    if not regroup:
        return 0, listing
    (before,) = con.execute("SELECT COALESCE(SUM(rows_n), 0) AS n FROM groups WHERE NOT ok").fetchall()[0]
    _regroup(con, window_class, over)  # groups wholly over their window rejected; the window classes summed away
    (after,) = con.execute("SELECT COALESCE(SUM(rows_n), 0) AS n FROM groups WHERE NOT ok").fetchall()[0]
    return int(after) - int(before), listing  # the rows this check rejected (counted on the small groups)


def _listing(con, window_class: str, over: bool, n: int) -> list[tuple]:
    """(source, line, error) of the first `n` rows by (source, line) that the groups carry in `listed` and that end
    up rejected: a rejected group's rows with their error, an over-window group's with `message`."""
    cls = f"GREATEST(g.prompt_class, g.{window_class})" if window_class != "0" else "g.prompt_class"
    flagged = f"(g.ok AND {cls} >= l.ctx)" if over else "FALSE"
    join = f" LEFT JOIN context_limits l ON {ON_NAME.format(a='g', b='l')}" if over else ""
    limits = ", l.model_id, l.ctx" if over else ", NULL AS model_id, NULL AS ctx"
    rows = con.execute(
        f"""SELECT x.r.source, x.r.line, x.r.error, x.r.prompt, x.ok, x.model_id, x.ctx
FROM (SELECT g.ok{limits}, unnest(g.listed) AS r FROM groups g{join} WHERE NOT g.ok OR {flagged}) x
WHERE x.ok OR x.r.error IS NOT NULL
ORDER BY x.r.source, x.r.line
LIMIT {int(n)}"""
    ).fetchall()
    return [
        (source, line, message(int(prompt), model_id, int(ctx)) if ok else error)
        for source, line, error, prompt, ok, model_id, ctx in rows
    ]


def _wrap_usage(con, engine: str) -> None:
    """`usage` with the check per row: what the rejected rows' listing and the bill lines read."""
    # 0 requests: a bill line of unknown request count, not judged; prompt > ctx * requests, without overflow
    above = f"CASE WHEN u.ok AND u.requests > 0 THEN {prompt_above_sql(PROMPT, 'u.requests')} END"
    over = f"(u.ok AND l.ctx IS NOT NULL AND {above} >= l.ctx)"
    message = (
        f"'prompt of ' || CAST({PROMPT} AS VARCHAR) || ' tokens per request {MARK} of ' || l.model_id || ' (' || "
        "CAST(l.ctx AS VARCHAR) || '): a row holding several requests needs a requests column'"
    )
    if engine == "duckdb":  # a DuckDB view is bound by name: rename it before wrapping it
        con.execute("ALTER VIEW usage RENAME TO usage_unchecked")
    else:  # a Spark relation is bound when defined: a copy under the new name keeps the old definition
        con.execute("CREATE OR REPLACE TEMP VIEW usage_unchecked AS SELECT * FROM usage")
    keep = ", ".join(f"u.{c}" for c in USAGE_COLUMNS if c not in ("error", "ok"))
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW usage AS SELECT {keep},
  CASE WHEN {over} THEN {message} ELSE u.error END AS error,
  (u.ok AND NOT COALESCE({over}, FALSE)) AS ok
FROM usage_unchecked u LEFT JOIN context_limits l ON {ON_NAME.format(a="u", b="l")}"""
    )


def _regroup(con, window_class: str, over: set[Name]) -> None:
    """`groups` summed by `GROUP_KEYS` (the window classes summed away), the groups at or above their window
    made rejected groups. The window classes make "at or above" exact: a group's rows share their class."""
    cls = f"GREATEST(g.prompt_class, g.{window_class})" if window_class != "0" else "g.prompt_class"
    flagged = f"COALESCE({cls} >= l.ctx, FALSE)" if over else "FALSE"
    join = f" LEFT JOIN context_limits l ON {ON_NAME.format(a='g', b='l')}" if over else ""
    picked = ", ".join(f"(g.ok AND NOT {flagged}) AS ok" if k == "ok" else f"g.{k}" for k in GROUP_KEYS)
    summed = ("rows_n", *QUANTITY_FIELDS, "logged_rows", "logged_zero_rows", "logged_cost", "logged_fee")
    sums = ", ".join(f"SUM(t.{c}) AS {c}" for c in summed)
    keys = ", ".join(f"t.{k}" for k in GROUP_KEYS)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE groups AS SELECT {keys}, {sums}
FROM (
  SELECT {picked}, {", ".join(f"g.{c}" for c in summed)}
  FROM groups g{join}
) t
GROUP BY {keys}"""
    )


def note(rejected: int) -> str:
    return (
        f"{rejected:,} rows exceed their model's context window as single requests and are rejected: "
        "if each row sums several requests (daily totals), add a requests column"
    )
