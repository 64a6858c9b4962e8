"""Table view of a priced usage log."""

from __future__ import annotations

from decimal import Decimal

from billpath.analysis.price_log import PriceLogResult
from billpath.money import display
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
    return TableView(title=title, columns=columns, rows=rows, footer=footer)
