"""The table evaluator: the rules of `billpath.pricing.rules` compiled to SQL over a whole usage log.

Everything here is engine-neutral: a price table built from the same `price_rows(offer)` the exact
evaluator uses (unit prices as integer femto-dollars, 1e-15 USD, so sums are exact integers), and
plain ANSI SQL text (joins, CASE, SUM over DECIMAL(38,0)) that DuckDB runs today and Spark can run
unchanged. Reading files is the engine's business (`billpath.usage.columns`), not this module's.

The statement follows DESIGN's reduce-then-price idea. Within one price period and one tier, cost is
linear in every quantity, so:

1. `reduce_sql` groups the log by logged model/provider/variant, day, batch, *prompt class* and *time
   class*. The prompt class is the highest long-context threshold (over every offer in the catalog)
   the row's average request exceeds. Tier membership is decided per row, before grouping (rule 1).
   A row of 0 requests (a bill line: it aggregates an unknown number of requests) is in the base
   class; a bill names its long-context lines apart. The time class is an integer with one base-4 digit
   per distinct set of peak windows in the catalog (`Catalog.time_schedules`): the row's `time_code`
   against it (rule 6; `TIME_DIGITS`), so grouping on it costs what an integer key costs.
2. `price_sql` joins the groups (through the resolved routes) to the price table: the offer valid on
   the group's day, the offer's tier for that prompt class, batch (or on-demand where the offer has
   no batch, rule 4), off-peak where the group's digit for the offer's schedule says so (rule 6), and
   multiplies each component's quantity by its unit price (rules 2 and 3).
3. `reprice_sql` is the same join against every channel's default offer: one small join, not
   another pass over the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billpath.catalog.store import Offer, Windows, default_variants
from billpath.errors import CatalogError
from billpath.money import exact
from billpath.pricing.rules import (
    COMPONENTS,
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    MIXED,
    OFF_PEAK,
    PEAK,
    UNTIMED,
    peak_intervals,
    price_rows,
)
from billpath.usage.columns import NULL_COST, QUANTITY_FIELDS, sql_str

# Money in SQL is an integer count of femto-dollars (1e-15 USD): every catalog unit price, batch halves of
# 6-decimal per-Mtok prices included, is a whole number of them, and sums stay far below 128-bit limits.
UNIT_DIGITS = 15
UNIT = Decimal(10) ** UNIT_DIGITS
FAR_FUTURE = date(9999, 12, 31)
NO_NEXT_TIER = 2**62  # above every prompt class
MAX_UNITS = 2**63 - 1  # unit prices are BIGINT columns of the price table
SUM = "DECIMAL(38,0)"

PROMPT_FIELDS = ("input_tokens", "cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens")
GROUP_KEYS = ("model", "provider", "variant", "user_id", "day", "batch", "prompt_class", "time_class", "ok")
PRICE_COLUMNS: tuple[str, ...] = (
    "model",
    "channel",
    "variant",
    "variant_kind",
    "is_default",
    "is_us_default",
    "effective_from",
    "effective_to",
    "available_from",
    "above_input_tokens",
    "next_above",
    "has_batch",
    "batch",
    "tod_unit",
    "off_peak",
    *(f"p_{c.name}" for c in COMPONENTS),
    *(f"fb_{c.name}" for c in COMPONENTS),
)
PRICE_TYPES: dict[str, str] = {
    "model": "VARCHAR",
    "channel": "VARCHAR",
    "variant": "VARCHAR",
    "variant_kind": "VARCHAR",
    "is_default": "BOOLEAN",
    "is_us_default": "BOOLEAN",
    "effective_from": "DATE",
    "effective_to": "DATE",
    "available_from": "DATE",
    "above_input_tokens": "BIGINT",
    "next_above": "BIGINT",
    "has_batch": "BOOLEAN",
    "batch": "BOOLEAN",
    "tod_unit": "BIGINT",  # 4**i for the offer's schedule i: its digit in a group's time class; NULL: none
    "off_peak": "BOOLEAN",
    **{f"p_{c.name}": "BIGINT" for c in COMPONENTS},
    **{f"fb_{c.name}": "INTEGER" for c in COMPONENTS},
}


def in_units(unit_price: Decimal, offer: Offer) -> int:
    """A unit price (USD per token or per request) as integer femto-dollars, exactly or not at all."""
    scaled = unit_price * UNIT
    if scaled != scaled.to_integral_value():
        raise CatalogError(
            f"price {unit_price} per unit of {offer.model} on {offer.channel}/{offer.variant} is finer than "
            f"1e-{UNIT_DIGITS} USD: the table evaluator cannot sum it exactly"
        )
    return int(scaled)


def exact_offer(offer: Offer, rows: list | None = None) -> str | None:
    """None when every unit price of `offer` is a whole number of femto-dollars that fits the price table's
    BIGINT columns, else why not."""
    for r in rows if rows is not None else price_rows(offer):
        for name, price in r.unit_prices.items():
            scaled = price * UNIT
            if not scaled.is_finite() or abs(scaled) > MAX_UNITS:
                return (
                    f"the {name} price of {offer.model} on {offer.channel}/{offer.variant} "
                    f"({exact(price)} USD per unit) is beyond the {MAX_UNITS:,} femto-dollars per unit "
                    "the table evaluator holds"
                )
            if scaled != scaled.to_integral_value():
                return (
                    f"the {name} price of {offer.model} on {offer.channel}/{offer.variant} "
                    f"({exact(price)} USD per unit) is finer than 1e-{UNIT_DIGITS} USD, so it cannot be summed exactly"
                )
    return None


def unit_problems(offer: Offer) -> list[str]:
    """Why the table evaluator could not price `offer` exactly (empty: it can), for checks made up front."""
    reason = exact_offer(offer)
    return [reason] if reason else []


def price_table(
    offers: Iterable[Offer],
    no_us_price: frozenset[tuple[str, str]] = frozenset(),
    schedules: list[Windows] | None = None,
) -> list[tuple]:
    """One row per (offer, tier, batch mode, time of day) in `PRICE_COLUMNS` order, from `price_rows(offer)`.

    Offers whose prices are not whole femto-dollars (see `exact_offer`) are left out: a row on them
    is unpriced with that reason, never rounded. `no_us_price` holds the (model, channel) pairs whose
    US-pinned deployment is sold without a published price: US-only rows are never re-priced there.
    `schedules` are the time classes' schedules (`Catalog.time_schedules`, as `reduce_sql` got them): an
    offer's `tod_unit` is 4 to the power of its windows' place there.
    """
    schedules = schedules or []
    priced = [(o, price_rows(o)) for o in offers]
    priced = [(o, rows) for o, rows in priced if exact_offer(o, rows) is None]
    defaults = default_variants(o for o, _ in priced)
    us_defaults = us_variants(o for o, _ in priced)
    rows = []
    for o, offer_rows in priced:
        aboves = sorted(t.above_input_tokens for t in o.tiers)
        nexts = dict(zip(aboves, [*aboves[1:], NO_NEXT_TIER], strict=True))
        unit = None
        if o.time_of_day is not None:
            if o.time_of_day.windows not in schedules:
                raise CatalogError(
                    f"{o.model} on {o.channel}/{o.variant}: its time-of-day windows are not among "
                    "the log's time classes (the statements and the price table need one catalog)"
                )
            unit = 4 ** schedules.index(o.time_of_day.windows)
        for r in offer_rows:
            rows.append(
                (
                    o.model,
                    o.channel,
                    o.variant,
                    o.variant_kind,
                    defaults.get((o.model, o.channel)) == o.variant,
                    (o.model, o.channel) not in no_us_price
                    and us_defaults.get((o.model, o.channel), defaults.get((o.model, o.channel))) == o.variant,
                    o.effective_from,
                    o.effective_to or FAR_FUTURE,
                    o.available_from,
                    r.above_input_tokens,
                    nexts[r.above_input_tokens],
                    o.batch_multiplier is not None,
                    r.batch,
                    unit,
                    r.off_peak,
                    *(in_units(r.unit_prices[c.name], o) for c in COMPONENTS),
                    *(int(c.name in r.fallbacks) for c in COMPONENTS),
                )
            )
    return rows


# Variants that keep inference in the US, in order of preference, per channel grammar: Anthropic's US-only
# inference, Bedrock's / Vertex's regional endpoints (us. profiles), Azure's Data Zone, OpenAI's US residency.
US_VARIANTS = ("us-only", "us-residency", "regional", "data-zone", "us")
US_LOGGED = ("us-only",)  # logged variants that mean "this request ran in the US only" (inference_geo: us)


def us_variants(offers: Iterable[Offer]) -> dict[tuple[str, str], str]:
    """(model, channel) -> the variant a US-only request is re-priced on there (like for like)."""
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for o in offers:
        if o.variant in US_VARIANTS:
            rank = US_VARIANTS.index(o.variant)
            key = (o.model, o.channel)
            if key not in best or rank < best[key][0]:
                best[key] = (rank, o.variant)
    return {k: v[1] for k, v in best.items()}


def prompt_class_sql(tiers_above: list[int], above: str = "prompt_above") -> str:
    """Rule 1 per row: the highest threshold with prompt > threshold * requests, else 0 (0 too when `above`,
    the row's `prompt_above_sql`, is NULL: no requests). prompt > T * n is exactly (prompt - 1) // n >= T."""
    if not tiers_above:
        return "0"
    # Most requests are below every threshold: one comparison settles them.
    first = f"WHEN {above} IS NULL OR {above} < {min(tiers_above)} THEN 0 "
    whens = " ".join(f"WHEN {above} >= {t} THEN {t}" for t in sorted(tiers_above, reverse=True))
    return f"CASE {first}{whens} ELSE 0 END"


# Rule 6's time codes as digits of the SQL time class (base 4): off-peak is 0, so "this schedule's digit is
# off-peak" is `class % (4 * unit) < unit`, and "priced at peak only by default" is the top two digits.
TIME_DIGITS = {OFF_PEAK: 0, PEAK: 1, MIXED: 2, UNTIMED: 3}
MAX_SCHEDULES = 30  # 4**30 < 2**62: the time class stays a BIGINT
# The time class of rows not judged (a reduce without schedules): every digit UNTIMED, so an offer with time-of-day
# prices would price them at peak, never off-peak. The driver judges every row of a model with such prices.
NOT_JUDGED = 4**MAX_SCHEDULES - 1


def time_class_sql(schedules: list[Windows], week: str = "week_minute", span: str = "span") -> str:
    """Rule 6 per row: the sum over the schedules of `TIME_DIGITS[time_code]` * 4**i (the code of the row's
    period against schedule i's peak intervals); 0 when the catalog has no time-of-day prices.

    `week` is the minute of the week the row's period starts (NULL: no timestamp), `span` its minutes. An
    instant (span 1, most rows) is placed by its minute alone: one pass over the week's sorted boundaries.
    Without schedules, `NOT_JUDGED`.
    """
    if len(schedules) > MAX_SCHEDULES:
        raise CatalogError(f"{len(schedules)} distinct time-of-day schedules: at most {MAX_SCHEDULES} are supported")
    end = f"({week} + {span})"
    digits = []
    for i, windows in enumerate(schedules):
        intervals = peak_intervals(windows)
        inside = " OR ".join(
            f"({week} >= {a + k} AND {end} <= {b + k})" for a, b in intervals for k in (-MINUTES_PER_WEEK, 0)
        )
        touches = " OR ".join(
            f"({week} < {b + k} AND {end} > {a + k})"
            for a, b in intervals
            for k in (-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK)
        )
        d = TIME_DIGITS
        case = (
            f"CASE WHEN {week} IS NULL THEN {d[UNTIMED]} WHEN {span} = 1 THEN {_instant_sql(intervals, week)} "
            f"WHEN {inside} THEN {d[PEAK]} WHEN {touches} THEN {d[MIXED]} ELSE {d[OFF_PEAK]} END"
        )
        digits.append(case if i == 0 else f"({case}) * {4**i}")
    return " + ".join(digits) if digits else str(NOT_JUDGED)


def _instant_sql(intervals: tuple[tuple[int, int], ...], week: str) -> str:
    """PEAK or OFF_PEAK of one minute of the week: the intervals cut at the week's end, boundaries in order."""
    pieces = sorted(
        piece
        for a, b in intervals
        for piece in ([(a, b)] if b <= MINUTES_PER_WEEK else [(a, MINUTES_PER_WEEK), (0, b - MINUTES_PER_WEEK)])
    )
    whens, at = [], 0
    for a, b in pieces:
        if a > at:
            whens.append(f"WHEN {week} < {a} THEN {TIME_DIGITS[OFF_PEAK]}")
        whens.append(f"WHEN {week} < {b} THEN {TIME_DIGITS[PEAK]}")
        at = b
    return f"(CASE {' '.join(whens)} ELSE {TIME_DIGITS[OFF_PEAK]} END)"


def period_sql(u: str = "u") -> tuple[str, str]:
    """Rule 6's period of a usage row (`rules.period`): (minute of the week it starts, its minutes), from the
    relation's minute_from / minute_to (non-negative, counted from a Monday midnight: `record.MINUTE_SHIFT`).
    A row of 0 requests without an end is its whole UTC day."""
    day_bill = f"({u}.minute_to IS NULL AND {u}.requests = 0)"
    midnight = f"{u}.minute_from - {u}.minute_from % {MINUTES_PER_DAY}"
    start = f"CASE WHEN {day_bill} THEN {midnight} ELSE {u}.minute_from END"
    span = (
        f"CASE WHEN {u}.minute_to IS NOT NULL THEN LEAST({u}.minute_to - {u}.minute_from, {MINUTES_PER_WEEK}) "
        f"WHEN {day_bill} THEN {MINUTES_PER_DAY} ELSE 1 END"
    )
    return f"({start}) % {MINUTES_PER_WEEK}", span


def time_judged(schedules: list[Windows] | None, timed: list[str] | None) -> bool:
    """Whether the reduce judges any row's time class (rule 6): there are schedules and a logged model priced by
    time of day (`timed`: those models, None for all)."""
    return bool(schedules) and (timed is None or bool(timed))


def reduce_sql(
    usage: str,
    tiers_above: list[int],
    sum_type: str | None = None,
    windows: list[int] | tuple[int, ...] = (),
    listing: int = 0,
    listing_over: str | None = None,
    schedules: list[Windows] | None = None,
    timed: list[str] | None = None,
    constants: Mapping[str, str] | None = None,
) -> str:
    """Group the normalised usage relation (see `billpath.usage.columns`) into priceable groups.

    `usage` has columns model, provider, variant, user_id (VARCHAR, '' when absent), day (DATE),
    minute_from and minute_to (BIGINT or NULL), batch (BOOLEAN), the quantity fields (integers), logged_cost
    and logged_fee (DECIMAL or NULL), error (NULL or the reason the row is rejected) and ok (error IS NULL).
    Rejected rows are counted in groups with `ok` false, so one pass over the log counts everything.
    `windows` are the context windows of the logged
    names (`billpath.analysis.context_window`): each is a class boundary too, in a key of its own
    (`window_class`: the largest window the row's average request exceeds, else 0), so that every group is
    wholly within or wholly over each of them and the check is decided on the groups, exactly. With
    `listing` (DuckDB: an n-argument `min_by`), each group also carries `listed`, its first `listing` rows
    by (source, line) that are rejected or for which `listing_over` holds (SQL over the row's model,
    provider, variant and prompt_above: over its window; source, line, error, prompt), so the
    rejected rows are listed without reading the log again.
    `schedules` are the catalog's time-of-day windows (`Catalog.time_schedules`): the rows of the logged
    models in `timed` (all rows when None) get their time class against them (rule 6, `time_class_sql`);
    every other row is `NOT_JUDGED` (priced at peak by an offer with time-of-day prices: the driver lists
    every logged model that has one), and its minutes are never computed.
    Sums are of 64-bit integers (DuckDB widens them to 128 bits); `sum_type` casts first, e.g. to
    DECIMAL(38,0) on an engine whose integer SUM could overflow.
    `constants` are the columns of `usage` that hold one literal in every row (`usage.columns.constant_columns`,
    DuckDB): a key among them is selected as its literal and not grouped on, and a logged cost that is NULL in
    every row is summed as NULL, so a pass over millions of rows never hashes or adds a constant. The groups
    are the same, in the same columns and types.
    """
    sums = ",\n  ".join(
        f"SUM(CAST(t.{f} AS {sum_type})) AS {f}" if sum_type else f"SUM(t.{f}) AS {f}" for f in QUANTITY_FIELDS
    )
    constants = constants or {}
    fields = ", ".join(f"u.{f}" for f in QUANTITY_FIELDS)
    prompt = " + ".join(f"u.{f}" for f in PROMPT_FIELDS)
    classes = f"{prompt_class_sql(tiers_above, 'p.prompt_above')} AS prompt_class"
    if windows:
        classes += f", {prompt_class_sql(list(windows), 'p.prompt_above')} AS window_class"
    row, listed = "", ""
    if listing:
        # Only rows that are rejected enter the list: a row not ok, or one over its window (`listing_over`); the
        # error text is built for rejected rows only.
        row = (
            ", u.source, u.line, CASE WHEN NOT u.ok THEN u.error END AS error,"
            f" CASE WHEN u.ok THEN {prompt} END AS prompt"
        )
        may = f" OR ({listing_over})" if listing_over else ""
        listed = (
            ",\n  min_by(struct_pack(source := t.source, line := t.line, error := t.error, prompt := t.prompt), "
            f"struct_pack(source := t.source, line := t.line), {int(listing)}) FILTER (WHERE NOT t.ok{may}) AS listed"
        )
    # Only a valid row's counts are bounded (MAX_TOKENS, MAX_REQUESTS): a rejected row's are never added up or
    # multiplied, so an absurd value rejects its row instead of overflowing the pass.
    week, span, time_class = "NULL", "1", str(NOT_JUDGED)
    judged = time_judged(schedules, timed)
    if judged and schedules:  # (`judged` implies schedules; said again for the type checker)
        week, span = period_sql("u")
        time_class = time_class_sql(schedules, "p.week_minute", "p.span")
        if timed is not None:  # the other rows' minutes are never judged (their models have no time-of-day prices)
            time_class = (
                f"CASE WHEN p.model IN ({', '.join(map(sql_str, timed))}) THEN {time_class} ELSE {NOT_JUDGED} END"
            )
    names = (*GROUP_KEYS, *(("window_class",) if windows else ()))
    fixed = {k: constants[k] for k in names if k in constants}
    if not judged:  # every row's time class is the one literal
        fixed["time_class"] = time_class
    keys = ", ".join(f"t.{k}" for k in names if k not in fixed)
    selected = ", ".join(f"{fixed[k]} AS {k}" if k in fixed else f"t.{k}" for k in names)
    if constants.get("logged_cost") == NULL_COST:  # no row states a cost: none is counted or added
        logged = (
            "CAST(0 AS BIGINT) AS logged_rows,\n  CAST(0 AS HUGEINT) AS logged_zero_rows,"
            f"\n  {NULL_COST} AS logged_cost"
        )
    else:
        logged = (
            "COUNT(t.logged_cost) AS logged_rows,"
            "\n  SUM(CASE WHEN t.logged_cost = 0 THEN 1 ELSE 0 END) AS logged_zero_rows,"
            "\n  SUM(t.logged_cost) AS logged_cost"
        )
    fee = (
        f"{NULL_COST} AS logged_fee" if constants.get("logged_fee") == NULL_COST else "SUM(t.logged_fee) AS logged_fee"
    )
    return f"""SELECT {selected},
  COUNT(*) AS rows_n,
  {sums},
  {logged},
  {fee}{listed}
FROM (
  SELECT p.*, {classes}, {time_class} AS time_class
  FROM (
    SELECT u.model, u.provider, u.variant, u.user_id, u.day, u.batch, u.ok, {fields}, u.logged_cost, u.logged_fee{row},
      CASE WHEN u.ok AND u.requests > 0 THEN {prompt_above_sql(f"({prompt})", "u.requests")} END AS prompt_above,
      {week} AS week_minute, {span} AS span
    FROM {usage} u
  ) p
) t
GROUP BY {keys}"""


def prompt_above_sql(prompt: str, n: str) -> str:
    """The largest whole T with prompt > T * n, for n > 0: the highest threshold (tier, context window) the
    row's average request exceeds. An integer division: exact, and it cannot overflow as T * n could."""
    return f"({prompt} - 1) // {n}"


def _costs(g: str, p: str) -> str:
    parts = []
    for c in COMPONENTS:
        parts.append(f"{_qty(g, c)} * {p}.p_{c.name} AS c_{c.name}")
        parts.append(f"CASE WHEN {_qty(g, c)} > 0 THEN {p}.fb_{c.name} ELSE 0 END AS gap_{c.name}")
    return ",\n  ".join(parts)


def _offer_join(g: str, p: str, model: str, channel: str) -> str:
    """The join to the price row in force for a group: period, tier (by prompt class) and batch mode."""
    return (
        f"{p}.model = {model} AND {p}.channel = {channel}"
        f" AND {g}.day >= {p}.effective_from AND {g}.day < {p}.effective_to"
        f" AND {g}.prompt_class >= {p}.above_input_tokens AND {g}.prompt_class < {p}.next_above"
        f" AND {p}.batch = (CASE WHEN {p}.has_batch THEN {g}.batch ELSE FALSE END)"
        f" AND ({p}.tod_unit IS NULL OR ({g}.time_class % (4 * {p}.tod_unit) < {p}.tod_unit) = {p}.off_peak)"
    )


def price_sql(groups: str, routes: str, prices: str) -> str:
    """Price every valid group on the route its logged model/provider/variant resolved to.

    `routes` maps (raw_model, raw_provider, raw_variant) to (model, channel, variant), NULL where the
    name did not resolve. A group without a matching price row (no route, or no price at its day)
    comes back with NULL costs: the caller reports it as unpriced, never as $0.
    """
    quantities = ", ".join(f"g.{f}" for f in QUANTITY_FIELDS)
    return f"""SELECT g.model AS raw_model, g.provider AS raw_provider, g.variant AS raw_variant,
  r.model, r.channel, r.variant, g.user_id, g.day, g.batch, g.prompt_class, g.time_class, g.rows_n, {quantities},
  g.logged_rows, g.logged_zero_rows, g.logged_cost, g.logged_fee,
  p.above_input_tokens AS tier, p.has_batch, p.tod_unit, p.off_peak,
  {_costs("g", "p")}
FROM {groups} g
JOIN {routes} r ON g.model = r.raw_model AND g.provider = r.raw_provider AND g.variant = r.raw_variant
LEFT JOIN {prices} p ON {_offer_join("g", "p", "r.model", "r.channel")} AND p.variant = r.variant
WHERE g.ok"""


def _qty(g: str, c) -> str:
    qty = " + ".join(f"{g}.{f}" for f in c.plus)
    if c.minus:
        qty = f"({qty}) - ({' + '.join(f'{g}.{f}' for f in c.minus)})"
    return f"({qty})"


def reprice_sql(priced: str, prices: str) -> str:
    """What the priced groups would cost on every channel's default offer for their model; a US-only group
    (`inference_geo: us`) is re-priced like for like, on the channel's US-pinned variant (Bedrock regional,
    not global), where the channel has one.

    `priced` is the result of `price_sql` (rows with a NULL tier were not priced and are skipped).
    Only offers live on the group's day count: a model not yet, or no longer, sold there is missing.
    Returns one row per (channel, model) with the cost in femto-dollars and the fallbacks used.
    """
    cost = " + ".join(f"{_qty('g', c)} * p.p_{c.name}" for c in COMPONENTS)
    us = ", ".join(f"'{v}'" for v in US_LOGGED)
    gaps = ",\n  ".join(
        f"MAX(CASE WHEN {_qty('g', c)} > 0 THEN p.fb_{c.name} ELSE 0 END) AS gap_{c.name}" for c in COMPONENTS
    )
    return f"""SELECT p.channel, p.variant, g.model, SUM(g.rows_n) AS rows_n, SUM({cost}) AS cost_units,
  SUM(CASE WHEN g.batch AND NOT p.has_batch THEN g.rows_n ELSE 0 END) AS batch_on_demand_rows,
  SUM(CASE WHEN {_peak_by_default("g", "p")} THEN g.rows_n ELSE 0 END) AS peak_by_default_rows,
  {gaps}
FROM {priced} g
JOIN {prices} p ON {_offer_join("g", "p", "g.model", "p.channel")}
  AND (CASE WHEN g.variant IN ({us}) THEN p.is_us_default ELSE p.is_default END)
  AND (p.available_from IS NULL OR p.available_from <= g.day)
WHERE g.tier IS NOT NULL
GROUP BY p.channel, p.variant, g.model"""


def _peak_by_default(g: str, p: str) -> str:
    """A group priced at peak because its time is not known to be off-peak: no timestamp, or a span across both."""
    digit = f"{g}.time_class % (4 * {p}.tod_unit)"
    return f"({p}.tod_unit IS NOT NULL AND {digit} >= {TIME_DIGITS[MIXED]} * {p}.tod_unit)"


def time_of_day_sql(priced: str) -> str:
    """The priced rows of offers with time-of-day prices, per offer and time code (rule 6's letters): what the
    price-log notes say about peak and off-peak rows."""
    digit = "time_class % (4 * tod_unit)"
    by_digit = sorted(TIME_DIGITS.items(), key=lambda kv: kv[1])
    code = "CASE " + " ".join(f"WHEN {digit} < {v + 1} * tod_unit THEN '{c}'" for c, v in by_digit[:-1])
    code += f" ELSE '{by_digit[-1][0]}' END"
    return (
        f"SELECT model, channel, variant, code, SUM(rows_n) AS rows_n FROM "
        f"(SELECT model, channel, variant, rows_n, {code} AS code FROM {priced} "
        f"WHERE tier IS NOT NULL AND tod_unit IS NOT NULL) t GROUP BY model, channel, variant, code "
        "ORDER BY model, channel, variant, code"
    )


def component_costs_sql(g: str, p: str) -> str:
    """Each component's cost (`c_<name>`) and fallback flag (`gap_<name>`) of group `g` at price row `p`."""
    return _costs(g, p)


def offer_join_sql(g: str, p: str, model: str, channel: str) -> str:
    """The join condition to the price row in force for group `g` (period, tier, batch mode)."""
    return _offer_join(g, p, model, channel)


@dataclass(frozen=True)
class Statement:
    """The three statements for one catalog, ready to run on an engine that has the four relations."""

    reduce: str
    price: str
    reprice: str
    time_judged: bool = False  # whether the reduce judges any row's time class (rule 6)


def statements(
    tiers_above: list[int],
    usage: str,
    groups: str,
    routes: str,
    prices: str,
    priced: str,
    windows: list[int] | tuple[int, ...] = (),
    listing: int = 0,
    listing_over: str | None = None,
    schedules: list[Windows] | None = None,
    timed: list[str] | None = None,
    constants: Mapping[str, str] | None = None,
) -> Statement:
    """The statements over relations named `usage` -> `groups`, (`routes`, `prices`) -> `priced`.

    `tiers_above` are the catalog's long-context thresholds (`Catalog.tier_thresholds`): the prompt classes;
    `windows`, `listing`, `listing_over`, `schedules`, `timed` and `constants` as in `reduce_sql` (the price table
    must be built with the same schedules, `price_table(offers, ..., schedules)`).
    """
    return Statement(
        reduce=reduce_sql(
            usage,
            tiers_above,
            windows=windows,
            listing=listing,
            listing_over=listing_over,
            schedules=schedules,
            timed=timed,
            constants=constants,
        ),
        price=price_sql(groups, routes, prices),
        reprice=reprice_sql(priced, prices),
        time_judged=time_judged(schedules, timed),
    )
