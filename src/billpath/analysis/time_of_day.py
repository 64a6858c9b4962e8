"""`price-log` and rows priced by the time of day (rule 6 of `billpath.pricing.rules`).

The pass over the log reduces without time classes (`pricing.table.NOT_JUDGED`: priced at peak): most logs
have no row of a model with time-of-day prices, and judging every row's minute would cost them a third of
the pass. `judge` then reduces again only the rows of the logged names whose model has such prices (any
channel: re-pricing uses them too), with their time classes, and puts those groups in place of the
unjudged ones: the context-window split's pattern. `notes` reads the priced groups back per offer and time
code (`pricing.table.time_of_day_sql`) and writes one note per offer: how many rows were off-peak, at peak,
and at peak only because their time was not known to be off-peak (no timestamp, or a period spanning both),
so no row is silently priced off-peak.
"""

from __future__ import annotations

from collections.abc import Callable

from billpath.analysis.context_window import NAME, NAME_TYPES, ON_NAME
from billpath.catalog.store import Catalog
from billpath.engines.base import create_table
from billpath.money import exact
from billpath.pricing.rules import MIXED, OFF_PEAK, PEAK, UNTIMED
from billpath.pricing.table import time_of_day_sql
from billpath.usage.columns import sql_str
from billpath.usage.routes import Router

WORDS = {
    OFF_PEAK: "off-peak",
    PEAK: "at peak",
    UNTIMED: "without a timestamp, priced at peak (an upper bound)",
    MIXED: "spanning peak and off-peak hours (an aggregated period cannot be split by hour), priced at peak "
    "(an upper bound)",
}


def judge(con, router: Router, catalog: Catalog, reduce_into: Callable[..., None]) -> int:
    """Reduce again, with time classes, the rows of every logged name whose model has time-of-day prices, in
    place of their unjudged groups. Returns how many names (0: the log has none, and nothing is read)."""
    names = [tuple(k) for k in con.execute("SELECT DISTINCT model, provider, variant FROM groups").fetchall()]
    timed = sorted(k for k in names if _timed(catalog, router.route(*k).model))
    if not timed:
        return 0
    create_table(con, "tod_names", NAME_TYPES, {c: [k[i] for k in timed] for i, c in enumerate(NAME)})
    # The names' models as a literal list too: a filter the engine applies before it computes a row's columns.
    models = ", ".join(sql_str(m) for m in sorted({k[0] for k in timed}))
    con.execute(
        "CREATE OR REPLACE TEMP VIEW usage_tod AS SELECT u.* FROM usage u JOIN tod_names s ON "
        + ON_NAME.format(a="u", b="s")
        + f" WHERE u.model IN ({models})"
    )
    reduce_into("usage_tod", "groups_tod", catalog.time_schedules())
    con.execute(
        "CREATE OR REPLACE TEMP TABLE groups AS SELECT g.* FROM groups g LEFT JOIN tod_names s ON "
        + ON_NAME.format(a="g", b="s")
        + " WHERE s.raw_model IS NULL UNION ALL SELECT * FROM groups_tod"
    )
    return len(timed)


def _timed(catalog: Catalog, model: str | None) -> bool:
    return model is not None and any(o.time_of_day is not None for o in catalog.offers_for(model))


def notes(con, catalog: Catalog, priced: str = "priced") -> list[str]:
    """One note per offer with time-of-day prices that priced rows of the log."""
    counts: dict[tuple[str, str, str], dict[str, int]] = {}
    for model, channel, variant, code, rows in con.execute(time_of_day_sql(priced)).fetchall():
        counts.setdefault((model, channel, variant), {})[code] = int(rows)
    out = []
    for (model, channel, variant), by_code in counts.items():
        tod = next(
            (
                o.time_of_day
                for o in catalog.offers_for(model)
                if (o.channel, o.variant) == (channel, variant) and o.time_of_day is not None
            ),
            None,
        )
        rate = f" (x{exact(tod.off_peak_multiplier)})" if tod is not None else ""
        parts = [
            f"{by_code[c]:,} row{'' if by_code[c] == 1 else 's'} {WORDS[c]}{rate if c == OFF_PEAK else ''}"
            for c in WORDS
            if by_code.get(c)
        ]
        note = f"{model} on {channel}/{variant}: time-of-day prices: {', '.join(parts)}"
        if tod is not None and tod.note:
            note += f"; {tod.note}"
        out.append(note)
    return out
