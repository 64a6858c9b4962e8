"""A row whose prompt exceeds its model's context window cannot be one request: reject it, by line.

A log of daily totals without a `requests` column reads as one huge request per row, which would be
priced at a long-context rate (twice the price) instead of being questioned. The check is decided on the
reduced groups, in the same pass over the log: each group knows its prompt class (the tier thresholds its
rows' average requests lie between) and `prompt_above`, the longest window one of its rows exceeds
(`pricing.table.prompt_above_sql`). Against the window of the model its name resolves to, a group is
then wholly within the window (the usual case: nothing to do), wholly over it (its class is at or above
the window: its rows become rejected rows of the groups, no pass over the log) or split (the window lies
inside its class): only then are the rows of that name reduced again with the check per row. Either way
the `usage` relation is wrapped with the same check, so the rejected rows are listed with their line
numbers and the messages say why.
"""

from __future__ import annotations

from collections.abc import Callable

from billpath.catalog.store import Catalog
from billpath.engines.base import create_table
from billpath.pricing.table import GROUP_KEYS, QUANTITY_FIELDS, prompt_above_sql
from billpath.usage.columns import USAGE_COLUMNS
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


def check(con, router: Router, engine: str, reduce_into: Callable[[str, str], None]) -> int:
    """Reject rows over their model's context window; returns how many.

    Decided on `groups` (see the module's doc); `reduce_into(relation, table)` runs the reduce statement over
    `relation` into `table`, for the names whose groups a window splits. The same statements on DuckDB and Spark.
    """
    rows = con.execute(
        "SELECT model, provider, variant, prompt_class, MAX(prompt_above) FROM groups "
        "WHERE ok AND prompt_above IS NOT NULL GROUP BY model, provider, variant, prompt_class"
    ).fetchall()
    catalog = router.catalog
    windows: dict[tuple[str, str, str], tuple[str, int] | None] = {}
    over = False
    split: set[tuple[str, str, str]] = set()
    for raw_model, raw_provider, raw_variant, prompt_class, top in rows:
        key = (raw_model, raw_provider, raw_variant)
        if key not in windows:
            route = router.route(*key)
            windows[key] = None
            if route.reason is None and route.model is not None:
                ctx = context_window(catalog, route.model, route.channel, route.variant)
                windows[key] = None if ctx is None else (route.model, ctx)
        window = windows[key]
        if window is not None and int(top) >= window[1]:  # some row of this group is longer than the window
            over = True
            if int(prompt_class) < window[1]:  # ... and perhaps not all of them
                split.add(key)
    if not over:
        return 0
    limits = {k: w for k, w in windows.items() if w is not None}
    columns: dict[str, list] = {c: [] for c in (*NAME, "model_id", "ctx")}
    for (raw_model, raw_provider, raw_variant), (model, ctx) in limits.items():
        for c, v in zip(columns, (raw_model, raw_provider, raw_variant, model, ctx), strict=True):
            columns[c].append(v)
    create_table(con, "context_limits", {**NAME_TYPES, "model_id": "VARCHAR", "ctx": "BIGINT"}, columns)
    _wrap_usage(con, engine)
    (before,) = con.execute("SELECT COALESCE(SUM(rows_n), 0) AS n FROM groups WHERE NOT ok").fetchall()[0]
    _reject_groups(con)  # groups wholly over their window: rejected as a whole
    if split:  # the names a window splits: their rows reduced again, checked one by one
        names = sorted(split)
        create_table(con, "context_split", NAME_TYPES, {c: [k[i] for k in names] for i, c in enumerate(NAME)})
        con.execute(
            "CREATE OR REPLACE TEMP VIEW usage_split AS SELECT u.* FROM usage u JOIN context_split s ON "
            + ON_NAME.format(a="u", b="s")
        )
        reduce_into("usage_split", "groups_split")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE groups AS SELECT g.* FROM groups g LEFT JOIN context_split s ON "
            + ON_NAME.format(a="g", b="s")
            + " WHERE s.raw_model IS NULL UNION ALL SELECT * FROM groups_split"
        )
    (after,) = con.execute("SELECT COALESCE(SUM(rows_n), 0) AS n FROM groups WHERE NOT ok").fetchall()[0]
    return int(after) - int(before)  # the rows this check rejected (counted on the small groups)


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


def _reject_groups(con) -> None:
    """The groups whose prompt class is at or above their window, made rejected groups (summed by key)."""
    over = "COALESCE(g.prompt_class >= l.ctx, FALSE)"
    picked = ", ".join(f"(g.ok AND NOT {over}) AS ok" if k == "ok" else f"g.{k}" for k in GROUP_KEYS)
    summed = ("rows_n", *QUANTITY_FIELDS, "logged_rows", "logged_zero_rows", "logged_cost", "logged_fee")
    sums = ", ".join(f"SUM(t.{c}) AS {c}" for c in summed)
    keys = ", ".join(f"t.{k}" for k in GROUP_KEYS)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE groups AS SELECT {keys}, {sums}, MAX(t.prompt_above) AS prompt_above
FROM (
  SELECT {picked}, {", ".join(f"g.{c}" for c in summed)}, g.prompt_above
  FROM groups g LEFT JOIN context_limits l ON {ON_NAME.format(a="g", b="l")}
) t
GROUP BY {keys}"""
    )


def note(rejected: int) -> str:
    return (
        f"{rejected:,} rows exceed their model's context window as single requests and are rejected: "
        "if each row sums several requests (daily totals), add a requests column"
    )
