"""What `price-log` adds for application exports and cloud bills, on top of the priced groups.

- **Cursor Token Rate**: Teams plans pay $0.25 per 1M tokens (input, output and cached) on every
  non-Auto request, on top of the API price. Rows from a team export (priced on the maker's
  channel) get it as an application fee, per model, day and user, so the totals include it.
- **Per-user totals** where the export names users, with what the export itself says was covered by
  the included pool and billed as overage (Copilot `discount_amount` / `net_amount`).
- **Bill reconciliation per model, day and line type**: a bill line prices one token type, so the
  computed cost of a line type is its component's cost. Each difference is given the cause that
  explains it, where one does: the regional (+10%) rate billed, units in thousands, a discount seen
  in the effective cost, a component the catalog prices at a fallback.
- **FOCUS lines**: the priced groups as (day, model, channel, variant, batch, token type) lines with
  their quantity and cost, optionally re-priced on another channel, for `--format focus`.

Everything here reads the DuckDB session `price_log` already built (`usage`, `routes`, `prices`,
`priced`); nothing re-reads the files.
"""

from __future__ import annotations

from decimal import Decimal

from billpath.money import MTOK, ZERO, exact
from billpath.pricing.rules import COMPONENTS
from billpath.pricing.table import QUANTITY_FIELDS, UNIT_DIGITS, component_costs_sql, offer_join_sql
from billpath.usage.readers.cursor_csv import PROVIDER_TEAM
from billpath.usage.readers.exports import BILL_FORMATS
from billpath.usage.readers.openrouter import BYOK_VARIANT

TOKEN_RATE_PER_MTOK = Decimal("0.25")
TOKEN_RATE_SOURCE = "https://cursor.com/help/models-and-usage/token-rate.md"
TOKEN_RATE_FIELDS = (
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
)
# Bill line types -> the components their cost is in (reasoning is inside output on a bill).
LINE_COMPONENTS = {
    "input": ("input",),
    "output": ("output", "reasoning"),
    "cache_read": ("cache_read",),
    "cache_write_5m": ("cache_write_5m",),
    "cache_write_1h": ("cache_write_1h",),
}
LINE_FIELDS = {
    "input": "input_tokens",
    "output": "output_tokens",
    "cache_read": "cache_read_tokens",
    "cache_write_5m": "cache_write_tokens",
    "cache_write_1h": "cache_write_1h_tokens",
}
COMPONENT_NAMES = tuple(c.name for c in COMPONENTS)
CENT = Decimal("0.01")


def usd(units) -> Decimal:
    return ZERO if units is None else Decimal(units).scaleb(-UNIT_DIGITS)


def _fetch(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def token_rate(con) -> list[dict]:
    """The Cursor Token Rate owed by priced team rows, per model, day and user (tokens and USD)."""
    tokens = " + ".join(f"g.{f}" for f in TOKEN_RATE_FIELDS)
    rows = _fetch(
        con,
        f"SELECT g.model, g.day, g.user_id, SUM({tokens}) AS tokens FROM priced g "
        f"WHERE g.tier IS NOT NULL AND g.raw_provider = '{PROVIDER_TEAM}' GROUP BY g.model, g.day, g.user_id "
        "ORDER BY g.model, g.day, g.user_id",
    )
    for r in rows:
        r["tokens"] = int(r["tokens"])
        r["usd"] = Decimal(r["tokens"]) * TOKEN_RATE_PER_MTOK / MTOK
    return rows


def by_user(con) -> dict[str, dict]:
    """Priced cost per user (rows that name one), with what the export says those rows cost."""
    sums = ", ".join(f"SUM(c_{c}) AS c_{c}" for c in COMPONENT_NAMES)
    out: dict[str, dict] = {}
    for r in _fetch(
        con,
        f"SELECT user_id, SUM(rows_n) AS rows_n, SUM(logged_rows) AS logged_rows, SUM(logged_cost) AS logged, "
        f"SUM(logged_fee) AS fee, {sums} FROM priced WHERE tier IS NOT NULL AND user_id <> '' "
        "GROUP BY user_id ORDER BY user_id",
    ):
        fee = r["fee"] or ZERO  # a fee the log states (OpenRouter BYOK): in the user's total and logged cost
        out[r["user_id"]] = {
            "rows": int(r["rows_n"]),
            "usd": sum((usd(r[f"c_{c}"]) for c in COMPONENT_NAMES), ZERO) + fee,
            "logged_rows": int(r["logged_rows"] or 0),
            "logged": r["logged"] + fee if r["logged"] is not None else None,
        }
    return out


def _line_type_sql() -> str:
    """The line type of a bill row: the one token column it fills."""
    whens = " ".join(f"WHEN u.{f} > 0 THEN '{t}'" for t, f in LINE_FIELDS.items())
    return f"CASE {whens} ELSE 'none' END"


def bill_lines(con) -> list[dict]:
    """Logged (billed, effective, list) and computed cost per model, day, batch and line type of the bill rows."""
    logged = _fetch(
        con,
        f"""SELECT r.model, r.channel, r.variant, u.day, u.batch, {_line_type_sql()} AS line_type,
  COUNT(*) AS rows_n, SUM(u.logged_cost) AS logged, SUM(u.effective_cost) AS effective, SUM(u.list_cost) AS listed
FROM usage u JOIN routes r ON u.model = r.raw_model AND u.provider = r.raw_provider AND u.variant = r.raw_variant
WHERE u.ok AND r.model IS NOT NULL AND u.logged_cost IS NOT NULL
GROUP BY r.model, r.channel, r.variant, u.day, u.batch, line_type""",
    )
    sums = ", ".join(f"SUM(c_{c}) AS c_{c}, MAX(gap_{c}) AS gap_{c}" for c in COMPONENT_NAMES)
    keys = "model, channel, variant, day, batch"
    computed = {
        tuple(r[k] for k in ("model", "channel", "variant", "day", "batch")): r
        for r in _fetch(con, f"SELECT {keys}, {sums} FROM priced WHERE tier IS NOT NULL GROUP BY {keys}")
    }
    out = []
    order = ("model", "day", "line_type", "channel", "variant", "batch")
    for r in sorted(logged, key=lambda r: tuple(str(r[k]) for k in order)):
        c = computed.get((r["model"], r["channel"], r["variant"], r["day"], r["batch"]))
        parts = LINE_COMPONENTS.get(r["line_type"], ())
        value = sum((usd(c[f"c_{p}"]) for p in parts), ZERO) if c else None
        gap = c is not None and any(c[f"gap_{p}"] for p in parts)
        out.append({**r, "computed": value, "gap": gap})
    return out


def cause(line: dict) -> str | None:
    """Why a bill line's billed cost differs from the computed one, where the numbers say so."""
    logged, computed = line["logged"], line["computed"]
    effective, listed = line["effective"], line["listed"]
    if computed is None:
        return "no computed cost: the line's model has no price at its date (see unpriced)"
    diff = logged - computed
    causes = []
    if effective is not None and effective < logged:
        causes.append(f"a discount visible in the effective cost: {exact(logged - effective)} below billed")
    if abs(diff) <= CENT * max(1, line["rows_n"]) and diff != 0:
        causes.append("the bill rounds each line to the cent")
    elif diff != 0 and computed != 0:
        ratio = logged / computed
        if abs(ratio - Decimal("1.1")) <= Decimal("0.001"):
            where = "a global usage type" if line["variant"] == "global" else "this line"
            causes.append(f"billed at the in-region (+10%) rate for {where}")
        elif abs(ratio * Decimal("1.1") - 1) <= Decimal("0.001"):
            causes.append("billed at the global rate; the catalog priced the regional (+10%) offer")
        elif abs(ratio - 1000) <= 1 or abs(ratio * 1000 - 1) <= Decimal("0.001"):
            causes.append("units in thousands: the quantity or the price is per 1K tokens on one side")
        elif listed is not None and abs(listed - computed) <= CENT and logged < listed:
            causes.append(f"billed below list: {exact(listed - logged)} of discount in the billed cost")
        elif line["gap"]:
            causes.append(
                "the catalog has no price for this token type on this offer (a missing cache price): "
                "priced at its fallback"
            )
        elif logged == 0:
            causes.append("billed $0 (included, credited or not charged)")
        else:
            causes.append("not explained by the bill's columns")
    elif diff != 0 and computed == 0:
        causes.append("the computed cost is 0 for a billed line: missing price data for this token type")
    return "; ".join(causes) if causes else None


def reconcile_lines(con, inputs) -> dict[str, list[dict]]:
    """Per model: the bill's lines per day and line type, logged against computed, with causes."""
    if not inputs or not all(i.format in BILL_FORMATS for i in inputs):
        return {}  # only bill lines carry one token type each; mixed with other logs a line type is not a bill line
    out: dict[str, list[dict]] = {}
    for line in bill_lines(con):
        entry = {
            "day": line["day"].isoformat() if line["day"] else None,
            "line_type": line["line_type"] + (" (batch)" if line["batch"] else ""),
            "channel": line["channel"],
            "variant": line["variant"],
            "lines": int(line["rows_n"]),
            "logged_usd": exact(line["logged"]),
            "computed_usd": exact(line["computed"]) if line["computed"] is not None else None,
            "difference_usd": exact(line["logged"] - (line["computed"] or ZERO)),
        }
        if line["effective"] is not None:
            entry["effective_usd"] = exact(line["effective"])
        if line["listed"] is not None:
            entry["list_usd"] = exact(line["listed"])
        why = cause(line)
        if why:
            entry["cause"] = why
        out.setdefault(line["model"], []).append(entry)
    return out


def focus_rows(con, reprice: str | None = None) -> list[dict]:
    """Priced groups for FOCUS-ready lines: one per group (day, model, channel, variant, batch, tier class),
    with its quantities and component costs; with `reprice`, the same groups on that channel's default offer
    too (scenario "reprice:<channel>"). `focus_dicts` makes them lines, only when a FOCUS file is asked for."""
    keys = "g.day, g.model, g.channel, g.variant, g.batch, g.prompt_class, g.time_class, g.raw_provider"
    quantities = ", ".join(f"SUM(g.{f}) AS {f}" for f in QUANTITY_FIELDS)
    costs = ", ".join(f"SUM(g.c_{c}) AS c_{c}" for c in COMPONENT_NAMES)
    groups = _fetch(
        con,
        f"SELECT {keys}, {quantities}, {costs}, SUM(g.logged_fee) AS logged_fee, "
        f"MAX(CASE WHEN g.raw_variant = '{BYOK_VARIANT}' THEN 1 ELSE 0 END) AS byok "
        f"FROM priced g WHERE g.tier IS NOT NULL GROUP BY {keys} "
        f"ORDER BY g.day, g.model, g.channel, g.variant, g.batch, g.prompt_class, g.time_class",
    )
    for g in groups:
        g["scenario"] = "actual"
    if reprice:
        quantity = ", ".join(f"g.{f}" for f in QUANTITY_FIELDS)
        priced_on = _fetch(
            con,
            f"""SELECT g.day, g.model, p.channel, p.variant, g.batch, g.prompt_class, g.time_class, g.raw_provider,
  {quantity},
  {component_costs_sql("g", "p")}
FROM (SELECT {keys}, {quantities} FROM priced g WHERE g.tier IS NOT NULL GROUP BY {keys}) g
JOIN prices p ON {offer_join_sql("g", "p", "g.model", "p.channel")} AND p.is_default
  AND (p.available_from IS NULL OR p.available_from <= g.day)
WHERE p.channel = '{reprice.replace("'", "''")}'
ORDER BY g.day, g.model, g.batch, g.prompt_class, g.time_class""",
        )
        for g in priced_on:
            g["scenario"] = f"reprice:{reprice}"
            g["logged_fee"], g["byok"] = None, 0
        groups += priced_on
    return groups


def focus_dicts(groups: list[dict]) -> list[dict]:
    """`focus_rows` as FOCUS-ready lines: numbered, costs in exact USD per component, quantities as ints."""
    out = []
    for n, g in enumerate(groups, 1):
        g["group"] = n
        g["costs"] = {c: usd(g.pop(f"c_{c}")) for c in COMPONENT_NAMES}
        for c in COMPONENT_NAMES:
            g.pop(f"gap_{c}", None)
        for f in QUANTITY_FIELDS:
            g[f] = int(g[f])
        out.append(g)
    return out
