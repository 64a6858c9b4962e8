"""Table view of a priced usage log."""

from __future__ import annotations

from decimal import Decimal

from billpath.analysis.price_log import PriceLogResult
from billpath.money import display, exact
from billpath.report.render import TableView


def price_log_view(r: PriceLogResult) -> TableView:
    title = (
        f"Usage log: {r.rows_total:,} rows ({r.rows_priced:,} priced, {r.rows_unpriced:,} unpriced, "
        f"{r.rows_rejected:,} rejected), total {display(r.total)}"
    )
    rows = []
    for model, t in sorted(r.by_model.items()):
        c = t.cost.components
        q = t.quantities
        rows.append(
            [
                model,
                f"{t.rows:,}",
                f"{q['requests']:,}",
                display(c["input"]),
                display(c["output"] + c["reasoning"]),
                display(c["cache_read"] + c["cache_write_5m"] + c["cache_write_1h"]),
                display(t.cost.total),
            ]
        )
    footer = [f"on {ch}/{v}: {display(t.cost.total)} ({t.rows:,} rows)" for (ch, v), t in sorted(r.by_channel.items())]
    footer += [f"same usage on {ch}: {display(v)}" for ch, v in sorted(r.reprice.items(), key=lambda kv: kv[1])]
    for ch, inc in sorted(r.reprice_incomplete.items()):
        missing = ", ".join(f"{m['model']} ({m['rows']:,} rows)" for m in inc["missing"])
        footer.append(
            f"not comparable on {ch}: it does not sell {missing} (the rest: {display(Decimal(inc['covered_usd']))})"
        )
    footer += [f"unpriced: {u['rows']:,} rows: {u['reason']}" for u in r.unpriced]
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
        footer.append(f"{fee['fee']}: ${fee['total_usd']} on {fee['tokens']:,} tokens (in the total)")
    for t in r.to_dict().get("export_totals", []):
        amounts = ", ".join(f"{k} ${v}" for k, v in t.items() if k not in ("file", "group"))
        footer.append(f"stated in the export, {t['group']}: {amounts}")
    footer += [f"note: {n}" for n in r.notes]
    columns = ["model", "rows", "requests", "input", "output", "cache", "total"]
    return TableView(title=title, columns=columns, rows=rows, footer=footer, csv=price_log_csv(r))


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
