"""A row whose prompt exceeds its model's context window cannot be one request: reject it, by line.

A log of daily totals without a `requests` column reads as one huge request per row, which would be
priced at a long-context rate (twice the price) instead of being questioned. The check costs nothing
on a normal log: from the reduced groups (each knows its prompt class, i.e. the tier thresholds its
requests lie between) it decides whether any row CAN exceed its model's window; only then is the
usage relation wrapped with the check and reduced again, so the offending rows are rejected with
their line numbers and the rest is priced as usual.
"""

from __future__ import annotations

from collections.abc import Callable

from billpath.catalog.store import Catalog
from billpath.usage.columns import USAGE_COLUMNS
from billpath.usage.routes import Router

PROMPT = "(u.input_tokens + u.cache_read_tokens + u.cache_write_tokens + u.cache_write_1h_tokens)"
N = "(CASE WHEN u.requests > 0 THEN u.requests END)"  # 0 requests: a bill line, count unknown: not judged
MARK = "exceeds the context window"


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


def _upper(classes: list[int], prompt_class: int) -> int | None:
    """The next threshold above a prompt class (requests of the class are at most that): None for the top one."""
    above = [t for t in classes if t > prompt_class]
    return min(above) if above else None


def check(con, catalog: Catalog, engine: str, reduce_again: Callable[[], None]) -> int:
    """Reject rows over their model's context window (`reduce_again` rebuilds `groups`); returns how many.

    The same statements on DuckDB and Spark; only how the unchecked relation keeps its name differs.
    """
    classes = catalog.tier_thresholds()  # the prompt classes the reduce step used
    rows = con.execute(
        "SELECT model, provider, variant, MAX(prompt_class) FROM groups WHERE ok GROUP BY model, provider, variant"
    ).fetchall()
    router = Router(catalog)
    limits = []
    for raw_model, raw_provider, raw_variant, top in rows:
        route = router.route(raw_model, raw_provider, raw_variant)
        if route.reason or route.model is None:
            continue
        ctx = context_window(catalog, route.model, route.channel, route.variant)
        if ctx is None:
            continue
        upper = _upper(classes, int(top))
        if upper is None or ctx < upper:  # some request of this name could be longer than the window
            limits.append((raw_model, raw_provider, raw_variant, route.model, ctx))
    if not limits:
        return 0
    (before,) = con.execute("SELECT COALESCE(SUM(rows_n), 0) AS n FROM groups WHERE NOT ok").fetchall()[0]
    import pyarrow as pa

    cols = list(zip(*limits, strict=True))
    con.register(
        "context_limits",
        pa.table(
            {
                "raw_model": pa.array(cols[0], pa.string()),
                "raw_provider": pa.array(cols[1], pa.string()),
                "raw_variant": pa.array(cols[2], pa.string()),
                "model_id": pa.array(cols[3], pa.string()),
                "ctx": pa.array(cols[4], pa.int64()),
            }
        ),
    )
    over = f"(u.ok AND l.ctx IS NOT NULL AND {PROMPT} > l.ctx * {N})"
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
FROM usage_unchecked u LEFT JOIN context_limits l
  ON u.model = l.raw_model AND u.provider = l.raw_provider AND u.variant = l.raw_variant"""
    )
    reduce_again()
    (after,) = con.execute("SELECT COALESCE(SUM(rows_n), 0) AS n FROM groups WHERE NOT ok").fetchall()[0]
    return int(after) - int(before)  # the rows this check rejected (counted on the small groups, no third scan)


def note(rejected: int) -> str:
    return (
        f"{rejected:,} rows exceed their model's context window as single requests and are rejected: "
        "if each row sums several requests (daily totals), add a requests column"
    )
