"""`price-log` and rows priced by the time of day (rule 6 of `billpath.pricing.rules`).

Judging a row's minutes costs the pass over the log about a third more, and most logs have no row of a model
with time-of-day prices. So the pre-pass's names (`LoadedLog.names`: the name columns only) say which logged
models have such prices on any channel (re-pricing uses them too: `timed_models`), and the reduce judges the
rows of those models only; every other row's time class is `pricing.table.NOT_JUDGED` (priced at peak by an
offer with time-of-day prices, which by construction none of them meets). `notes` reads the priced groups
back per offer and time code (`pricing.table.time_of_day_sql`) and writes one note per offer: how many rows
were off-peak, at peak, and at peak only because their time was not known to be off-peak (no timestamp, or a
period spanning both), so no row is silently priced off-peak.
"""

from __future__ import annotations

from collections.abc import Iterable

from billpath.catalog.store import Catalog
from billpath.money import exact
from billpath.pricing.rules import MIXED, OFF_PEAK, PEAK, UNTIMED
from billpath.pricing.table import time_of_day_sql
from billpath.usage.routes import Router

WORDS = {
    OFF_PEAK: "off-peak",
    PEAK: "at peak",
    UNTIMED: "without a timestamp, priced at peak (an upper bound)",
    MIXED: "spanning peak and off-peak hours (an aggregated period cannot be split by hour), priced at peak "
    "(an upper bound)",
}


def timed_models(router: Router, logged: Iterable[str]) -> list[str]:
    """The logged model names (as the usage relation spells them) whose model has time-of-day prices on some
    channel."""
    return sorted(m for m in set(logged) if _timed(router.catalog, router.route(m).model))


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
