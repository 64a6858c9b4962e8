"""Price a usage log: read it, reduce it, price the groups, re-price them on every other channel.

The pricing is the table evaluator's SQL (`billpath.pricing.table`) run on DuckDB; this module owns
the engine session and turns the priced groups into the `price-log` result (README, "Price a usage log").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from billpath.analysis import exports

if TYPE_CHECKING:
    from billpath.analysis.subscription import Equivalence
from billpath.catalog.store import Catalog, load_catalog
from billpath.engines.base import Progress, create_table, run_statement
from billpath.errors import CatalogError
from billpath.money import ZERO, display, exact
from billpath.pricing.fees import DEFAULT_PURCHASE_USD, FeeTerms, channel_fee
from billpath.pricing.rules import COMPONENTS, NO_BATCH_NOTE, UNKNOWN_TIME
from billpath.pricing.table import (
    PRICE_COLUMNS,
    PRICE_TYPES,
    QUANTITY_FIELDS,
    UNIT_DIGITS,
    exact_offer,
    price_table,
    statements,
)
from billpath.usage.columns import LogError, sql_str
from billpath.usage.load import Input
from billpath.usage.readers.cursor_csv import PROVIDER_TEAM
from billpath.usage.readers.openrouter import BYOK_VARIANT
from billpath.usage.routes import Route, Router

COMPONENT_NAMES = tuple(c.name for c in COMPONENTS)
GAP_NOTES = {c.name: c.gap_note for c in COMPONENTS if c.gap_note}
MAX_REJECTED_SHOWN = 1000


def usd(units: Decimal | int | None) -> Decimal:
    """Integer femto-dollars (the table evaluator's money unit) -> exact USD (a power-of-ten shift, never rounded)."""
    return ZERO if units is None else Decimal(units).scaleb(-UNIT_DIGITS)


@dataclass
class Money:
    components: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(COMPONENT_NAMES, ZERO))
    fees: Decimal = ZERO  # channel fees outside token prices (rule 5), where a channel charges them

    @property
    def total(self) -> Decimal:
        return sum(self.components.values(), ZERO) + self.fees

    def to_dict(self) -> dict:
        return {
            **{k: exact(v) for k, v in self.components.items()},
            "fees": exact(self.fees),
            "total": exact(self.total),
        }


@dataclass
class Tally:
    """Rows, quantities and cost of some slice of the priced log."""

    rows: int = 0
    quantities: dict[str, int] = field(default_factory=lambda: dict.fromkeys(QUANTITY_FIELDS, 0))
    cost: Money = field(default_factory=Money)
    logged_rows: int = 0
    logged_zero_rows: int = 0
    logged: Decimal = ZERO
    logged_fee: Decimal = ZERO  # fees the log states outside token prices (`fee_usd`: OpenRouter's BYOK fee)

    def add(self, g: dict) -> None:
        self.rows += g["rows_n"]
        for f in QUANTITY_FIELDS:
            self.quantities[f] += int(g[f])
        for c in COMPONENT_NAMES:
            self.cost.components[c] += usd(g[f"c_{c}"])
        self.logged_rows += g["logged_rows"] or 0
        self.logged_zero_rows += g["logged_zero_rows"] or 0
        self.logged += g["logged_cost"] or ZERO
        self.logged_fee += g.get("logged_fee") or ZERO

    def charge_logged_fee(self) -> Decimal:
        """Add the logged fee to this slice's cost and to what the log says it cost (once); returns it."""
        self.cost.fees += self.logged_fee
        self.logged += self.logged_fee
        return self.logged_fee


@dataclass
class PriceLogResult:
    """The priced log: counts (priced + unpriced + rejected == total), totals, re-pricing, problems."""

    at: date
    inputs: list[Input]
    rows_total: int
    rows_priced: int
    rows_unpriced: int
    rows_rejected: int
    cost: Money
    by_model: dict[str, Tally]
    by_channel: dict[tuple[str, str], Tally]
    by_day: dict[date, Tally]
    reprice: dict[str, Decimal]
    reprice_incomplete: dict[str, dict]
    unpriced: list[dict]
    rejected: list[dict]
    reconcile: list[dict]
    notes: list[str]
    by_user: dict[str, dict] = field(default_factory=dict)
    application_fees: list[dict] = field(default_factory=list)
    focus_rows: list[dict] = field(default_factory=list, repr=False)  # `focus` as read, made lines on first use
    catalog: Catalog | None = field(default=None, repr=False, compare=False)  # the catalog the log was priced on
    fee_channel_names: dict[str, str] = field(default_factory=dict)
    best_mix: dict | None = None
    by_offer: dict[str, dict[tuple[str, str], Decimal]] = field(default_factory=dict)  # model -> offer -> cost
    verdict: str = ""
    rows_over_context: int = 0  # rejected: a prompt longer than the model's context window for one request
    user_tallies: dict[str, Tally] = field(default_factory=dict)  # per user, by component (`--by user`)
    seats: list[dict] = field(default_factory=list)  # coding-tool seats, each user on their own usage
    rows_outside_period: int = 0  # left out by --since/--until
    subscription: Equivalence | None = None  # `price-log --plan`

    @property
    def total(self) -> Decimal:
        return self.cost.total

    @cached_property
    def focus(self) -> list[dict]:
        """FOCUS-ready lines (`--format focus`): built when asked for, not on every run."""
        lines = exports.focus_dicts(self.focus_rows)
        channels, models = (self.catalog.channels, self.catalog.models) if self.catalog else ({}, {})
        for line in lines:  # names for FinOps tools: the channel's and the model maker's
            channel, model = channels.get(line["channel"]), models.get(line["model"])
            line["channel_name"] = channel.name if channel else line["channel"]
            line["maker"] = getattr(model, "maker", "") if model else ""
        return lines

    def periods(self, unit: str) -> dict[str, Tally]:
        """`by_day` summed by ISO week (`2026-W41`, from Monday) or calendar month (`2026-10`)."""
        out: dict[str, Tally] = {}
        for d, t in self.by_day.items():
            key = f"{d.isocalendar().year}-W{d.isocalendar().week:02d}" if unit == "week" else f"{d:%Y-%m}"
            slot = out.setdefault(key, Tally())
            slot.rows += t.rows
            for f, v in t.quantities.items():
                slot.quantities[f] += v
            for c, amount in t.cost.components.items():
                slot.cost.components[c] += amount
            slot.cost.fees += t.cost.fees
        return out

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "inputs": [
                {
                    "file": i.path,
                    "format": i.format,
                    "skipped_non_usage": i.skipped,
                    **({"error": i.error} if i.error else {}),
                }
                for i in self.inputs
            ],
            "at": self.at.isoformat(),
            "rows_total": self.rows_total,
            "rows_priced": self.rows_priced,
            "rows_unpriced": self.rows_unpriced,
            "rows_rejected": self.rows_rejected,
            **({"rows_outside_period": self.rows_outside_period} if self.rows_outside_period else {}),
            "total_usd": exact(self.total),
            "cost": self.cost.to_dict(),
            "by_model": [_tally_dict({"model": m}, t) for m, t in sorted(self.by_model.items())],
            "by_channel": [
                _tally_dict({"channel": c, "variant": v}, t, tokens=False)
                for (c, v), t in sorted(self.by_channel.items())
            ],
            "by_day": [_tally_dict({"day": d.isoformat()}, t, tokens=False) for d, t in sorted(self.by_day.items())],
            "by_week": [_tally_dict({"week": k}, t, tokens=False) for k, t in sorted(self.periods("week").items())],
            "by_month": [_tally_dict({"month": k}, t, tokens=False) for k, t in sorted(self.periods("month").items())],
            "seats": self.seats,
            "reprice": {c: exact(v) for c, v in sorted(self.reprice.items(), key=lambda kv: (kv[1], kv[0]))},
            "reprice_incomplete": self.reprice_incomplete,
            "best_mix": self.best_mix,
            "unpriced": self.unpriced,
            "rejected": self.rejected,
            "reconcile": self.reconcile,
            **({"by_user": [{"user": u, **v} for u, v in sorted(self.by_user.items())]} if self.by_user else {}),
            **({"application_fees": self.application_fees} if self.application_fees else {}),
            **({"export_totals": totals} if (totals := _export_totals(self.inputs)) else {}),
            "notes": self.notes,
            **({"subscription": self.subscription.to_dict()} if self.subscription is not None else {}),
        }


def _export_totals(inputs: list[Input]) -> list[dict]:
    """Amounts the inputs state outside their usage rows (included pool, overage, tax, credits), as stated."""
    return [
        {"file": i.path, "group": group, **{k: exact(v) for k, v in sorted(amounts.items())}}
        for i in inputs
        for group, amounts in sorted(i.totals.items())
    ]


def _tally_dict(head: dict, t: Tally, tokens: bool = True) -> dict:
    out = {**head, "rows": t.rows, "requests": t.quantities["requests"]}
    if tokens:
        out["tokens"] = {f: t.quantities[f] for f in QUANTITY_FIELDS if f != "requests"}
        out["cost"] = t.cost.to_dict()
    out["total_usd"] = exact(t.cost.total)
    return out


_PRICES: dict[tuple, tuple[Catalog, dict[str, list]]] = {}
ROUTE_TYPES = dict.fromkeys(("raw_model", "raw_provider", "raw_variant", "model", "channel", "variant"), "VARCHAR")


def _price_columns(catalog: Catalog, models: frozenset[str]) -> dict[str, list]:
    """The price table of `models` (every channel) by column, built once per catalog and model set."""
    key = (id(catalog), models)
    hit = _PRICES.get(key)
    if hit is not None and hit[0] is catalog:
        return hit[1]
    offers = [o for m in sorted(models) for o in catalog.offers_for(m)]
    no_us = frozenset(
        (o.model, o.channel)
        for o in offers
        if o.channel in catalog.channels and catalog.channels[o.channel].unpublished(o.model, "us")
    )
    rows = price_table(offers, no_us, catalog.time_schedules())
    columns = {c: [r[i] for r in rows] for i, c in enumerate(PRICE_COLUMNS)}
    if len(_PRICES) > 32:
        _PRICES.clear()
    _PRICES[key] = (catalog, columns)
    return columns


def _register_prices(con, catalog: Catalog, models: frozenset[str]) -> None:
    create_table(con, "prices", PRICE_TYPES, _price_columns(catalog, models))


def _register_routes(con, router: Router, keys: list[tuple[str, str, str]]) -> dict[tuple, Route]:
    routes = {k: router.route(*k) for k in keys}
    ok = {k: (r if r.reason is None else Route()) for k, r in routes.items()}  # unresolved: NULL route
    columns: dict[str, list[str | None]] = {
        "raw_model": [k[0] for k in ok],
        "raw_provider": [k[1] for k in ok],
        "raw_variant": [k[2] for k in ok],
        "model": [r.model for r in ok.values()],
        "channel": [r.channel for r in ok.values()],
        "variant": [r.variant for r in ok.values()],
    }
    create_table(con, "routes", ROUTE_TYPES, columns)
    return routes


def _fetch(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


@dataclass(frozen=True)
class PriceLogOptions:
    """How one price-log run reads and prices its files: every setting of `price_log` but the files.

    Built by the API (`billpath.price_log`) and the CLI from their keywords and flags, and passed whole.
    """

    input_format: str = "auto"
    at: date | None = None  # prices for rows without a timestamp (default: today)
    catalog: Catalog | None = None
    progress: Progress | None = None
    memory_limit: str | None = None
    threads: int | None = None
    engine: str = "duckdb"
    payment: str | None = None  # rule 5's terms (default card, $100 purchases)
    purchase_usd: Decimal | None = None
    focus_reprice: str | None = None
    columns: list[str] | dict[str, str] | None = None  # headers -> canonical fields, as `--column`
    since: date | None = None  # inclusive UTC dates; rows without a date are kept
    until: date | None = None


def price_log(paths: list[str] | str, options: PriceLogOptions | None = None, **settings) -> PriceLogResult:
    """Price every row of the usage files `paths` (files, directories or globs) on its own channel.

    `options` (or the same settings as keywords, which override it) say how: `payment` and `purchase_usd`
    are the terms channel fees are computed on (rule 5; default card, $100). `engine="spark"` runs the same
    statements on Spark (canonical Parquet; see docs/spark.md). `columns` maps headers to canonical fields
    (`["input_tokens=Prompt Tokens"]`, as `--column`). `since`/`until` (inclusive UTC dates) keep only rows
    dated in that period; the rows left out are counted in `rows_outside_period` (rows without a date are kept).
    """
    opts = replace(options or PriceLogOptions(), **settings)
    if opts.since and opts.until and opts.since > opts.until:
        raise LogError(f"the --since day ({opts.since}) is after the --until day ({opts.until})")
    from billpath.usage.readers.canonical import column_mapping, parse_mapping

    mapping = opts.columns if isinstance(opts.columns, dict) else parse_mapping(opts.columns)
    with column_mapping(mapping):
        return _price_log([paths] if isinstance(paths, str) else list(paths), opts)


def _period(con, since: date | None, until: date | None) -> int:
    """Keep the rows dated within [since, until] (DuckDB); returns how many dated rows fall outside."""
    cond = " AND ".join(
        c for c in (since and f"day >= DATE '{since.isoformat()}'", until and f"day <= DATE '{until.isoformat()}'") if c
    )
    con.execute("ALTER VIEW usage RENAME TO usage_all_days")
    con.execute(f"CREATE TEMP VIEW usage AS SELECT * FROM usage_all_days WHERE day IS NULL OR ({cond})")
    (n,) = con.execute(f"SELECT COUNT(*) FROM usage_all_days WHERE day IS NOT NULL AND NOT ({cond})").fetchone()
    return int(n)


def _price_log(paths: list[str], opts: PriceLogOptions) -> PriceLogResult:
    catalog = opts.catalog or load_catalog()
    at = opts.at or date.today()
    engine, progress, since, until = opts.engine, opts.progress, opts.since, opts.until
    if engine == "spark":
        from billpath.engines import spark

        log = spark.open_log(paths, opts.input_format)
    elif engine == "duckdb":
        from billpath.engines import duckdb

        on_file = (lambda path, fmt: progress(f"reading {path} ({fmt})", None)) if progress else None
        log = duckdb.open_log(paths, opts.input_format, on_file, opts.memory_limit, opts.threads)
    else:
        raise LogError(f"unknown engine {engine!r}; use duckdb or spark")
    try:
        outside = 0
        if since or until:
            if engine != "duckdb":
                raise LogError("--since/--until run on the duckdb engine only")
            outside = _period(log.con, since, until)
        from billpath.analysis import context_window

        router = Router(catalog)  # one per run: each logged name is resolved once
        tiers = catalog.tier_thresholds()
        logged = context_window.logged_names(log.con, log.names)  # the pre-pass: one scan of the name columns
        windows = context_window.limits(router, logged)  # the logged names' context windows
        extra = context_window.boundaries(windows, tiers)
        listing = MAX_REJECTED_SHOWN if engine == "duckdb" else 0  # Spark has no n-argument min_by: one query
        over = context_window.over_sql(windows) if listing else None
        from billpath.analysis import time_of_day

        timed = time_of_day.timed_models(router, (m for m, _, _ in logged))  # the logged models with time-of-day prices
        schedules = catalog.time_schedules() if timed else None
        relations = ("usage", "groups", "routes", "prices", "priced")
        st = statements(tiers, *relations, extra, listing, over, schedules, timed, log.constants)
        run_statement(log.con, f"CREATE TEMP TABLE groups AS {st.reduce}", progress, log.label)
        over_context, rejected = context_window.check(log.con, windows, engine, bool(extra), listing)
        log.after_reduce()
        terms = FeeTerms(opts.payment, opts.purchase_usd or DEFAULT_PURCHASE_USD)
        result = _result(log.con, router, st, log.inputs, at, terms, opts.focus_reprice, over_context, rejected)
        if outside:
            result.rows_outside_period = outside
            span = f"{since or 'the start'}..{until or 'the end'}"
            result.notes.insert(0, f"{outside:,} dated rows outside {span} left out (--since/--until)")
        return result
    except log.errors as exc:
        if type(exc).__name__ == "InterruptException":  # DuckDB's Ctrl-C: an interrupt, not a bad log
            raise KeyboardInterrupt from None
        raise LogError(f"cannot read the usage log: {' '.join(str(exc).split())}") from None
    finally:
        log.con.close()


def _result(
    con,
    router: Router,
    st,
    inputs: list[Input],
    at: date,
    terms: FeeTerms,
    focus_reprice: str | None = None,
    over_context: int = 0,
    rejected: list[tuple] | None = None,
) -> PriceLogResult:
    # One small query for what the groups say by name: the counts, the names to route, whether users are named
    names = con.execute(
        "SELECT model, provider, variant, ok, SUM(rows_n), SUM(CASE WHEN day IS NULL THEN rows_n ELSE 0 END), "
        "MAX(CASE WHEN user_id <> '' THEN 1 ELSE 0 END) FROM groups GROUP BY model, provider, variant, ok"
    ).fetchall()
    rows_total = sum(int(n) for *_, n, _, _ in names)
    rows_rejected = sum(int(n) for *_, ok, n, _, _ in names if not ok)
    undated = sum(int(u) for *_, ok, _, u, _ in names if ok)
    keys = sorted((m, p, v) for m, p, v, ok, *_ in names if ok)
    has_users = any(ok and users for *_, ok, _, _, users in names)
    catalog = router.catalog
    notes: list[str] = []
    if over_context:
        from billpath.analysis.context_window import note

        notes.append(note(over_context))
    for i in inputs:
        notes.extend(n for n in i.notes if n not in notes)
        if i.skipped:
            notes.append(f"{i.path}: {i.skipped} records without token usage skipped (not usage rows)")
    if undated:
        notes.append(f"{undated} rows carry no timestamp: priced at the prices of {at}")
        con.execute(f"UPDATE groups SET day = DATE '{at.isoformat()}' WHERE day IS NULL")
    routes = _register_routes(con, router, keys)
    _register_prices(con, catalog, frozenset(r.model for r in routes.values() if r.model))
    con.execute(f"CREATE TEMP TABLE priced AS {st.price}")
    groups = _fetch(
        con, _summary_sql("priced", ("raw_model", "raw_provider", "raw_variant", "model", "channel", "variant", "tier"))
    )
    days = _fetch(con, _summary_sql("priced", ("day",), "tier IS NOT NULL"))
    result = PriceLogResult(
        at=at,
        inputs=inputs,
        rows_total=rows_total,
        rows_priced=0,
        rows_unpriced=0,
        rows_rejected=rows_rejected,
        cost=Money(),
        by_model={},
        by_channel={},
        by_day={},
        reprice={},
        reprice_incomplete={},
        unpriced=[],
        rejected=[],
        reconcile=[],
        notes=notes,
    )
    result.rows_over_context = over_context
    _tally(result, catalog, groups, routes, terms)
    _moving_windows(con, catalog, result)
    from billpath.analysis import time_of_day

    if st.time_judged:  # only the logged models with time-of-day prices are judged, only they meet such prices
        result.notes.extend(n for n in time_of_day.notes(con, catalog) if n not in result.notes)
    for d in days:
        result.by_day.setdefault(d["day"], Tally()).add(d)
    _logged_fees(catalog, result, groups)
    if has_users:
        _users(con, catalog, result)
    reprice_rows = _fetch(con, f"SELECT * FROM ({st.reprice}) r ORDER BY channel, variant, model")
    _reprice(result, catalog, reprice_rows, terms)
    teams = any(p == PROVIDER_TEAM for _, p, _ in keys)
    _exports(con, catalog, result, inputs, focus_reprice, has_users, teams)
    _reconcile(result, exports.reconcile_lines(con, inputs))
    _best_mix(result, catalog, reprice_rows, terms)
    if rows_rejected:
        if rejected is None:  # not carried by the reduce: read from the rows
            rejected = con.execute(
                f"SELECT source, line, error FROM usage WHERE NOT ok AND error IS NOT NULL ORDER BY source, line "
                f"LIMIT {MAX_REJECTED_SHOWN}"
            ).fetchall()
        result.rejected = [{"file": f, "line": int(line), "error": err} for f, line, err in rejected]
        if rows_rejected > MAX_REJECTED_SHOWN:
            notes.append(f"{rows_rejected} rows rejected; the first {MAX_REJECTED_SHOWN} are listed")
    if result.rows_priced + result.rows_unpriced + result.rows_rejected != result.rows_total:
        # Only overlapping price periods in the catalog could make a row match two prices: refuse, never double count.
        raise CatalogError(
            "the catalog has overlapping price periods for a logged model: run `billpath catalog validate`"
        )
    return result


def _summary_sql(priced: str, keys: tuple[str, ...], where: str = "TRUE") -> str:
    """Priced groups summed over everything but `keys` (a few rows per model and channel, not per group)."""
    sums = [
        f"SUM({f}) AS {f}"
        for f in ("rows_n", *QUANTITY_FIELDS, "logged_rows", "logged_zero_rows", "logged_cost", "logged_fee")
    ]
    sums += [f"SUM(c_{c}) AS c_{c}" for c in COMPONENT_NAMES]
    sums += [f"MAX(gap_{c}) AS gap_{c}" for c in COMPONENT_NAMES]
    sums += [
        "MAX(CASE WHEN batch AND NOT has_batch THEN 1 ELSE 0 END) AS no_batch",
        "MIN(day) AS first_day",
        "MAX(day) AS last_day",
    ]
    order = ", ".join(f"{k} NULLS LAST" for k in keys)  # a fixed order: notes come out the same on every engine
    return (
        f"SELECT {', '.join(keys)}, {', '.join(sums)} FROM {priced} WHERE {where} GROUP BY {', '.join(keys)} "
        f"ORDER BY {order}"
    )


def _tally(result: PriceLogResult, catalog: Catalog, groups: list[dict], routes: dict, terms: FeeTerms) -> None:
    unpriced: dict[str, dict] = {}
    notes = result.notes
    for g in groups:
        key = (g["raw_model"], g["raw_provider"], g["raw_variant"])
        route = routes[key]
        for n in route.notes:
            if n not in notes:
                notes.append(n)
        if g["tier"] is None:
            reason = _no_price_reason(catalog, route, (g["first_day"], g["last_day"]))
            slot = unpriced.setdefault(reason, {"reason": reason, "rows": 0, "models": set(), "days": set()})
            slot["rows"] += g["rows_n"]
            slot["models"].add(g["raw_model"])
            slot["days"].update((g["first_day"], g["last_day"]))
            continue
        result.rows_priced += g["rows_n"]
        spot = result.by_offer.setdefault(g["model"], {})
        spot[(g["channel"], g["variant"])] = spot.get((g["channel"], g["variant"]), ZERO) + sum(
            (usd(g[f"c_{c}"]) for c in COMPONENT_NAMES), ZERO
        )
        for tally in (
            result.by_model.setdefault(g["model"], Tally()),
            result.by_channel.setdefault((g["channel"], g["variant"]), Tally()),
        ):
            tally.add(g)
        for c in COMPONENT_NAMES:
            result.cost.components[c] += usd(g[f"c_{c}"])
            if g[f"gap_{c}"] and c in GAP_NOTES:
                _add_note(notes, f"{g['channel']}/{g['variant']}: {GAP_NOTES[c]}")
        if g["no_batch"]:
            _add_note(notes, f"{g['channel']}/{g['variant']}: {NO_BATCH_NOTE}")
        if g["tier"]:
            _add_note(
                notes,
                f"{g['model']}: requests above {g['tier']:,} input tokens priced entirely at the long-context rate",
            )
    for (channel, _variant), tally in sorted(result.by_channel.items()):
        fee = _channel_fee(catalog, channel, tally.cost.total, Decimal(tally.quantities["requests"]), notes, terms)
        tally.cost.fees += fee
        result.cost.fees += fee
    result.rows_unpriced = sum(u["rows"] for u in unpriced.values())
    result.unpriced = [
        {
            "reason": u["reason"],
            "rows": u["rows"],
            "models": sorted(u["models"]),
            "first_day": min(u["days"]).isoformat(),
            "last_day": max(u["days"]).isoformat(),
        }
        for u in sorted(unpriced.values(), key=lambda u: -u["rows"])
    ]


def _exports(
    con,
    catalog: Catalog,
    result: PriceLogResult,
    inputs: list[Input],
    focus_reprice: str | None,
    users_named: bool = True,
    team_rows: bool = True,
) -> None:
    """Application fees (the Cursor Token Rate), per-user totals and FOCUS lines (`billpath.analysis.exports`).

    `users_named`/`team_rows`: some valid group names a user / is a Cursor team row (else those queries are
    not run: they would find nothing)."""
    if focus_reprice is not None and focus_reprice not in catalog.channels:
        raise LogError(f"unknown channel {focus_reprice!r} to re-price on; see `billpath channels`")
    users = exports.by_user(con) if users_named else {}
    fees = exports.token_rate(con) if team_rows else []
    for r in fees:
        fee = r["usd"]
        result.cost.fees += fee
        result.by_model[r["model"]].cost.fees += fee
        result.by_day.setdefault(r["day"], Tally()).cost.fees += fee
        result.by_channel.setdefault(("cursor", "token-rate"), Tally()).cost.fees += fee
        if r["user_id"]:
            users.setdefault(r["user_id"], {"rows": 0, "usd": ZERO, "logged_rows": 0, "logged": None})["usd"] += fee
    if fees:
        total = sum((r["usd"] for r in fees), ZERO)
        result.application_fees.append(
            {
                "channel": "cursor",
                "fee": "Cursor Token Rate (Teams plans)",
                "usd_per_mtok": exact(exports.TOKEN_RATE_PER_MTOK),
                "tokens": sum(r["tokens"] for r in fees),
                "total_usd": exact(total),
                "source": exports.TOKEN_RATE_SOURCE,
            }
        )
        _add_note(result.notes, f"Cursor Token Rate: {display(total)} on the team rows' tokens (in the total)")
    result.by_user = {u: _user_entry(v) for u, v in sorted(users.items())}
    result.focus_rows, result.catalog = exports.focus_rows(con, focus_reprice), catalog
    result.fee_channel_names = {ch: catalog.channels[ch].name for ch, _ in result.by_channel if ch in catalog.channels}


def _user_entry(v: dict) -> dict:
    entry = {"rows": v["rows"], "total_usd": exact(v["usd"])}
    if v["logged_rows"]:
        logged = Decimal(v["logged"])
        entry.update(
            rows_with_logged_cost=v["logged_rows"], logged_usd=exact(logged), difference_usd=exact(logged - v["usd"])
        )
    return entry


def _reconcile(result: PriceLogResult, lines: dict[str, list[dict]]) -> None:
    """Logged against computed cost per model (and, for bills, per day and line type with causes)."""
    for m, t in sorted(result.by_model.items()):
        if not t.logged_rows:
            continue
        entry = {
            "model": m,
            "rows": t.rows,
            "rows_with_logged_cost": t.logged_rows,
            "logged_usd": exact(t.logged),
            "computed_usd": exact(t.cost.total),
            "difference_usd": exact(t.logged - t.cost.total),
        }
        if t.logged_fee:  # in both figures: the fee is the log's own, the comparison is of the token cost
            entry["fees_logged_usd"] = exact(t.logged_fee)
        entry.update(reconcile_flag(t.logged, t.cost.total, t.logged_rows, t.rows, t.logged_zero_rows))
        if m in lines:
            entry["lines"] = lines[m]
            causes = sorted(
                {part.split(":")[0] for line in lines[m] for part in line.get("cause", "").split("; ") if part}
            )
            if causes:
                entry["causes"] = causes
        result.reconcile.append(entry)


def reconcile_flag(logged: Decimal, computed: Decimal, logged_rows: int, rows: int, zero_rows: int) -> dict:
    """`{"flag": why}` when what the log says it cost is not what billpath computes (any difference), else {}."""
    flags = []
    if logged != computed:
        diff = logged - computed
        pct = f" ({diff / computed * 100:+.2f}%)" if computed else ""
        flags.append(f"logged ${exact(logged)} != computed ${exact(computed)}: differs by ${exact(diff)}{pct}")
    if logged_rows < rows:
        flags.append(f"only {logged_rows} of {rows} rows carry a logged cost")
    if zero_rows:
        flags.append(f"{zero_rows} rows logged $0 for a model billpath prices (cost not tracked by the logger)")
    return {"flag": "; ".join(flags)} if flags else {}


def _channel_fee(
    catalog: Catalog, channel: str, subtotal: Decimal, requests: Decimal, notes: list[str], terms: FeeTerms
) -> Decimal:
    """Rule 5 on a channel's token cost in the log, on the run's payment terms, with its note."""
    fee, note = channel_fee(catalog.channels[channel], subtotal, requests, terms.payment, terms.purchase_usd)
    if note:
        _add_note(notes, f"{channel}: fee {display(fee)} added: {note}")
    return fee


def _add_note(notes: list[str], note: str) -> None:
    if note not in notes:
        notes.append(note)


FEE_VARIANT = "logged-fee"  # the by_channel slot of fees a log states (`fee_usd`), apart from any token cost


def _logged_fees(catalog: Catalog, result: PriceLogResult, groups: list[dict]) -> None:
    """Fees the log states outside token prices (`fee_usd`), in the total once, as a fee line per channel that
    charged them: OpenRouter's BYOK fee on rows whose tokens were billed to your own key upstream (priced on
    the upstream channel, reconciled with the upstream charge). On unpriced rows they are left out, and said."""
    lines: dict[str, dict] = {}
    left_out = ZERO
    for g in groups:
        fee = g.get("logged_fee")
        if fee is None:
            continue
        if g["tier"] is None:
            left_out += fee
            continue
        channel = "openrouter" if g["raw_variant"] == BYOK_VARIANT else g["channel"]
        result.by_channel.setdefault((channel, FEE_VARIANT), Tally()).cost.fees += fee
        line = lines.setdefault(channel, {"rows": 0, "usd": ZERO})
        line["rows"] += g["rows_n"]
        line["usd"] += fee
    for tally in (*result.by_model.values(), *result.by_day.values()):
        tally.charge_logged_fee()
    for channel, line in sorted(lines.items()):
        result.cost.fees += line["usd"]
        byok = channel == "openrouter"
        fees = catalog.channels[channel].fees if channel in catalog.channels else None
        source = {"source": {"url": fees.source.url, "checked": fees.source.checked}} if fees and fees.source else {}
        result.application_fees.append(
            {
                "channel": channel,
                "fee": "OpenRouter BYOK fee, as logged (total_cost)" if byok else "fee stated by the log (fee_usd)",
                "rows": line["rows"],
                "total_usd": exact(line["usd"]),
                **source,
            }
        )
        what = (
            "OpenRouter BYOK fee (5% of the OpenRouter price past 1,000,000 free BYOK requests a month), as logged"
            if byok
            else f"{channel}: fees the log states (fee_usd)"
        )
        _add_note(
            result.notes,
            f"{what}: {display(line['usd'])} on {line['rows']:,} rows, in the total once; the tokens are priced "
            "on the channel that billed them",
        )
    if left_out:
        _add_note(result.notes, f"{display(left_out)} of logged fees on unpriced rows: not in the total")


def _moving_windows(con, catalog: Catalog, result: PriceLogResult) -> None:
    """Which model a moving alias's rows were priced as: one note per window some priced row is dated in."""
    moving = sorted(m for m in result.by_model if m in catalog.moving)
    if not moving:
        return
    names = ", ".join(sql_str(m) for m in moving)
    days: dict[str, list[date]] = {}
    for model, day in con.execute(
        f"SELECT DISTINCT model, day FROM priced WHERE tier IS NOT NULL AND model IN ({names}) ORDER BY model, day"
    ).fetchall():
        days.setdefault(model, []).append(day)
    for model in moving:
        alias = catalog.moving[model]
        for w in alias.windows:
            n = sum(1 for d in days.get(model, []) if w.covers(d))
            if n:
                _add_note(
                    result.notes,
                    f"{alias.id}: {n} day(s) of rows dated {w.span()} priced as {w.target}, what it pointed at then",
                )


def _no_price_reason(catalog: Catalog, route: Route, days: tuple[date, date] | None = None) -> str:
    if route.reason:
        return route.reason
    assert route.model is not None, "a route without a reason names its model"
    alias = catalog.moving.get(route.model)
    if alias is not None and days is not None:
        end, start = alias.windows[-1].end, alias.windows[0].start
        if alias.retired is not None and end is not None and days[0] >= end:
            return f"{alias.id} is no longer sold since {alias.retired} (a retired moving alias)"
        if start is not None and days[1] < start:
            return f"{alias.id} named no model before {alias.windows[0].since} (its first recorded target)"
    offers = [o for o in catalog.offers_for(route.model) if o.channel == route.channel and o.variant == route.variant]
    inexact = [r for r in map(exact_offer, offers) if r]
    if inexact:
        return inexact[0] + " (a catalog data issue)"
    first = min(o.effective_from for o in offers)
    ended = [o.effective_to for o in offers if o.effective_to]
    span = f"prices from {first}" + (f" to {max(ended)}" if ended and all(o.effective_to for o in offers) else "")
    return f"no price for {route.model} on {route.channel}/{route.variant} at the row's date ({span})"


def _users(con, catalog: Catalog, result: PriceLogResult) -> None:
    """Per-user totals, and coding-tool seats priced on each user's own monthly usage."""
    from billpath.analysis.seats import per_user_seats
    from billpath.usage.record import Usage

    for u in _fetch(con, _summary_sql("priced", ("user_id",), "tier IS NOT NULL")):
        tally = result.user_tallies.setdefault(u["user_id"] or "(no user)", Tally())
        tally.add(u)
        tally.charge_logged_fee()
    sums = ", ".join(f"SUM({f}) AS {f}" for f in QUANTITY_FIELDS)
    totals: dict[tuple[str, str], dict[str, dict[str, int]]] = {}
    for r in _fetch(
        con,
        f"SELECT user_id, day, model, {sums} FROM priced WHERE tier IS NOT NULL AND user_id <> '' "
        "GROUP BY user_id, day, model ORDER BY user_id, day, model",
    ):
        month = totals.setdefault((r["user_id"], f"{r['day']:%Y-%m}"), {})
        slot = month.setdefault(r["model"], dict.fromkeys(QUANTITY_FIELDS, 0))
        for f in QUANTITY_FIELDS:
            slot[f] += int(r[f])
    usage = {
        key: {m: replace(Usage(), **{f: Decimal(v) for f, v in q.items()}) for m, q in models.items()}  # type: ignore[arg-type]  # quantity fields only
        for key, models in totals.items()
    }
    result.seats = per_user_seats(catalog, usage)


def _best_mix(result: PriceLogResult, catalog: Catalog, rows: list[dict], terms: FeeTerms) -> None:
    """The cheapest channel per model (analysis.best_mix) and the verdict built on it."""
    from billpath.analysis.best_mix import best_mix
    from billpath.analysis.verdict import price_log_verdict

    if result.by_model:
        result.best_mix, kept = best_mix(
            catalog,
            {m: t.rows for m, t in result.by_model.items()},
            {m: t.quantities["requests"] for m, t in result.by_model.items()},
            result.by_offer,
            [(r["channel"], r["variant"], r["model"], r["rows_n"], usd(r["cost_units"])) for r in rows],
            result.total,
            terms,
        )
        if kept:
            _add_note(result.notes, f"best mix: {', '.join(kept)} kept as logged (no one channel serves all its rows)")
    result.verdict = price_log_verdict(result, result.best_mix)


def _reprice(result: PriceLogResult, catalog: Catalog, rows: list[dict], terms: FeeTerms) -> None:
    used = {c for c, v in result.by_channel if v != FEE_VARIANT}
    need = {m: t.rows for m, t in result.by_model.items()}
    per_channel: dict[str, dict] = defaultdict(lambda: {"cost": ZERO, "rows": defaultdict(int), "notes": []})
    for r in rows:
        if r["channel"] in used:
            continue
        slot = per_channel[r["channel"]]
        slot["cost"] += usd(r["cost_units"])
        slot["rows"][r["model"]] += r["rows_n"]
        for c in COMPONENT_NAMES:
            if r[f"gap_{c}"] and c in GAP_NOTES:
                _add_note(slot["notes"], f"{r['variant']}: {GAP_NOTES[c]}")
        if r["batch_on_demand_rows"]:
            _add_note(slot["notes"], f"{r['variant']}: {NO_BATCH_NOTE}")
        if r["peak_by_default_rows"]:
            _add_note(
                slot["notes"], f"{r['variant']}: {r['peak_by_default_rows']:,} rows priced at peak: {UNKNOWN_TIME}"
            )
    for channel, slot in sorted(per_channel.items()):
        missing = {m: n - slot["rows"].get(m, 0) for m, n in need.items() if slot["rows"].get(m, 0) < n}
        if not missing:
            requests = Decimal(sum(t.quantities["requests"] for t in result.by_model.values()))
            result.reprice[channel] = slot["cost"] + _channel_fee(
                catalog, channel, slot["cost"], requests, result.notes, terms
            )
            for n in slot["notes"]:
                _add_note(result.notes, f"reprice on {channel}: {n}")
            continue
        result.reprice_incomplete[channel] = {
            "covered_usd": exact(slot["cost"]),
            "missing": [
                {"model": m, "rows": n, "reason": _missing_reason(catalog, channel, m, m in slot["rows"])}
                for m, n in sorted(missing.items())
            ],
        }


def _missing_reason(catalog: Catalog, channel: str, model: str, partly: bool) -> str:
    unpublished = catalog.channels[channel].unpublished(model, "us") if channel in catalog.channels else None
    # the US-only rows: their like-for-like deployment there has no published price
    if unpublished is not None and any(o.channel == channel for o in catalog.offers_for(model)):
        return f"{channel}: the US-only rows of {model} need its {unpublished.id} deployment: {unpublished.note}"
    return f"{channel} did not sell {model} on every day of the log" if partly else f"{channel} does not sell {model}"
