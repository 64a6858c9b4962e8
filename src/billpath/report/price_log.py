"""Table view of a priced usage log."""

from __future__ import annotations

from decimal import Decimal

from billpath.analysis.price_log import PriceLogResult, Tally
from billpath.analysis.verdict import offer_label, signed_pct, signed_usd
from billpath.money import display, exact, pct
from billpath.report.render import Cell, Num, TableView, Usd


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


BY = ("model", "channel", "day", "week", "month", "user")


def _slices(r: PriceLogResult, by: str) -> list[tuple[str, Tally]]:
    if by == "model":
        return sorted(r.by_model.items())
    if by == "channel":
        return [(f"{c}/{v}", t) for (c, v), t in sorted(r.by_channel.items())]
    if by == "day":
        return [(d.isoformat(), t) for d, t in sorted(r.by_day.items())]
    if by in ("week", "month"):
        return sorted(r.periods(by).items())
    if by == "user":
        return sorted(r.user_tallies.items())
    raise ValueError(f"--by {by}: use one of {', '.join(BY)}")


def price_log_view(r: PriceLogResult, by: str | None = None) -> TableView:
    """The table (one row per `by` slice, default model). Without `by`, its CSV form is the whole result."""
    whole = price_log_csv(r) if by is None else None
    by = by or "model"
    title = (
        f"Usage log: {plural(r.rows_total, 'row')} ({r.rows_priced:,} priced, {r.rows_unpriced:,} unpriced, "
        f"{r.rows_rejected:,} rejected), total {display(r.total)}"
    )
    rows: list[list[Cell]] = []
    for model, t in _slices(r, by):
        c = t.cost.components
        q = t.quantities
        rows.append(
            [
                model,
                Num(t.rows),
                Num(q["requests"]),
                Usd(c["input"]),
                Usd(c["output"] + c["reasoning"]),
                Usd(c["cache_read"] + c["cache_write_5m"] + c["cache_write_1h"]),
                Usd(c["requests"]),
                Usd(t.cost.fees),
                Usd(t.cost.total),
            ]
        )
    if rows:
        c, q = r.cost.components, {k: sum(t.quantities[k] for t in r.by_model.values()) for k in ("requests",)}
        rows.append(
            [
                "total",
                Num(r.rows_priced),
                Num(q["requests"]),
                Usd(c["input"]),
                Usd(c["output"] + c["reasoning"]),
                Usd(c["cache_read"] + c["cache_write_5m"] + c["cache_write_1h"]),
                Usd(c["requests"]),
                Usd(r.cost.fees),
                Usd(r.total),
            ]
        )
    footer = [
        f"on {ch}/{v}: {display(t.cost.total)} ({plural(t.rows, 'row')})" for (ch, v), t in sorted(r.by_channel.items())
    ]
    footer += [f"same usage on {ch}: {display(v)}" for ch, v in sorted(r.reprice.items(), key=lambda kv: kv[1])]
    for ch, inc in sorted(r.reprice_incomplete.items()):
        missing = ", ".join(f"{m['model']} ({plural(m['rows'], 'row')})" for m in inc["missing"])
        footer.append(
            f"not comparable on {ch}: it does not sell {missing} (the rest: {display(Decimal(inc['covered_usd']))})"
        )
    footer += [f"unpriced: {plural(u['rows'], 'row')}: {u['reason']}" for u in r.unpriced]
    footer += [f"rejected: {e['file']} line {e['line']}: {e['error']}" for e in r.rejected[:20]]
    if len(r.rejected) > 20:
        footer.append(f"... and {r.rows_rejected - 20:,} more rejected rows (--format json lists them)")
    for rec in r.reconcile:
        line = f"logged vs computed, {rec['model']}: ${rec['logged_usd']} vs ${rec['computed_usd']}"
        footer.append(line + (f" ({rec['flag']})" if "flag" in rec else ""))
        for ln in rec.get("lines", []):
            if "cause" in ln:
                billed = f"billed ${ln['logged_usd']} vs ${ln['computed_usd']}"
                footer.append(f"  {ln['day']} {ln['line_type']}: {billed}: {ln['cause']}")
    for user, u in sorted(r.by_user.items()):
        logged = f" (export: ${u['logged_usd']})" if "logged_usd" in u else ""
        footer.append(f"user {user}: ${u['total_usd']}{logged}")
    for fee in r.application_fees:
        on = f"{fee['tokens']:,} tokens" if "tokens" in fee else f"{fee['rows']:,} rows"
        footer.append(f"{fee['fee']}: ${fee['total_usd']} on {on} (in the total)")
    for t in r.to_dict().get("export_totals", []):
        amounts = ", ".join(f"{k} ${v}" for k, v in t.items() if k not in ("file", "group"))
        footer.append(f"stated in the export, {t['group']}: {amounts}")
    footer += [f"note: {n}" for n in r.notes]
    columns = [by, "rows", "requests", "input", "output", "cache", "per request", "fees", "total"]
    if by == "user" and not r.user_tallies:
        footer.insert(0, "the log has no user column: nothing to show per user")
    view = TableView(
        title=title,
        columns=columns,
        rows=rows,
        footer=footer,
        verdict=r.verdict,
        compact=[by, "rows", "requests", "total"],
        csv=whole,
    )
    if r.best_mix and r.best_mix["by_model"]:
        view.sections.append(best_mix_view(r))
    if r.seats:
        view.sections.append(seats_view(r))
    return view


def seats_view(r: PriceLogResult) -> TableView:
    """Coding-tool seats, each user on their own monthly usage: unused allowance and overage both shown."""
    rows = [
        [
            s["channel"],
            s["plan"],
            Num(s["users"]),
            Usd(Decimal(s["total_usd"])),
            Usd(Decimal(s["unused_allowance_usd"])),
            Usd(Decimal(s["overage_usd"])),
        ]
        for s in r.seats
    ]
    best = r.seats[0]
    footer = [
        f"{u['user']}: seat {display(Decimal(u['seat_usd']))}, unused {display(Decimal(u['unused_allowance_usd']))}, "
        f"overage {display(Decimal(u['overage_usd']))} ({best['channel']} {best['plan']})"
        for u in best["by_user"]
    ]
    return TableView(
        "Coding-tool seats for the log's users (application plans, not APIs), each on their own usage",
        ["channel", "plan", "users", "total", "unused allowance", "overage"],
        rows,
        footer,
    )


def best_mix_view(r: PriceLogResult) -> TableView:
    """Per model: what it cost as logged, the cheapest channel for all of its rows, and the signed delta."""
    mix = r.best_mix
    assert mix is not None  # shown only when there is a mix
    rows: list[list[Cell]] = []
    for m in mix["by_model"]:
        logged = r.by_model[m["model"]].cost.total
        best = Decimal(m["total_usd"])
        rows.append(
            [
                m["model"],
                Usd(logged),
                offer_label(m["channel"], m["variant"]),
                Usd(best),
                signed_usd(best - logged),
                signed_pct(pct(best - logged, logged)),
            ]
        )
    delta = Decimal(mix["delta_usd"])
    rows.append(
        ["total", Usd(r.total), "", Usd(Decimal(mix["total_usd"])), signed_usd(delta), signed_pct(pct(delta, r.total))]
    )
    footer = [
        "each model on the cheapest channel that sells it on every day of the log (default offer, list prices + fees)"
    ]
    return TableView(
        "The whole bill: best channel per model",
        ["model", "as logged", "best channel", "best", "delta", "delta %"],
        rows,
        footer,
    )


CSV_COLUMNS = [
    "record",
    "model",
    "channel",
    "variant",
    "file",
    "line",
    "rows",
    "requests",
    "input_usd",
    "output_usd",
    "cache_usd",
    "fees_usd",
    "total_usd",
    "reason",
]


def price_log_csv(r: PriceLogResult) -> list[list[str]]:
    """The priced log as one CSV: counts, each model and channel, every unpriced group and rejected row, the total.

    Column `record` says what a line is (`rows_total`, `rows_priced`, `rows_unpriced`, `rows_rejected`,
    `model`, `channel`, `unpriced`, `rejected`, `note`, `total`), so nothing the JSON says is dropped: an
    all-unpriced log is its counts and its reasons, never a bare header. Money is exact decimal USD.
    """

    def line(record: str, **cells: object) -> list[str]:
        return [record, *("" if cells.get(c) is None else str(cells[c]) for c in CSV_COLUMNS[1:])]

    out = [CSV_COLUMNS]
    out += [
        line(name, rows=n)
        for name, n in (
            ("rows_total", r.rows_total),
            ("rows_priced", r.rows_priced),
            ("rows_unpriced", r.rows_unpriced),
            ("rows_rejected", r.rows_rejected),
        )
    ]

    def money(t) -> dict:
        c = t.cost.components
        return {
            "rows": t.rows,
            "requests": t.quantities["requests"],
            "input_usd": exact(c["input"]),
            "output_usd": exact(c["output"] + c["reasoning"]),
            "cache_usd": exact(c["cache_read"] + c["cache_write_5m"] + c["cache_write_1h"]),
            "fees_usd": exact(t.cost.fees),
            "total_usd": exact(t.cost.total),
        }

    out += [line("model", model=m, **money(t)) for m, t in sorted(r.by_model.items())]
    out += [line("channel", channel=c, variant=v, **money(t)) for (c, v), t in sorted(r.by_channel.items())]
    out += [line("unpriced", model=" ".join(u["models"]), rows=u["rows"], reason=u["reason"]) for u in r.unpriced]
    out += [line("rejected", file=e["file"], line=e["line"], rows=1, reason=e["error"]) for e in r.rejected]
    if r.rows_rejected > len(r.rejected):
        more = r.rows_rejected - len(r.rejected)
        out.append(line("note", reason=f"{more} more rejected rows not listed (the first {len(r.rejected)} are)"))
    out += [line("note", reason=n) for n in r.notes]
    out.append(line("total", rows=r.rows_total, fees_usd=exact(r.cost.fees), total_usd=exact(r.total)))
    return out
