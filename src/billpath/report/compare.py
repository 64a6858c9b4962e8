"""Table view of a comparison."""

from __future__ import annotations

from billpath.analysis.compare import Comparison
from billpath.money import display
from billpath.report.render import TableView


def _fmt_tokens(value) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,}"


def compare_view(c: Comparison) -> TableView:
    u = c.usage
    title = (
        f"{c.model}: {_fmt_tokens(u.requests)} requests, {_fmt_tokens(u.input_tokens)} input / "
        f"{_fmt_tokens(u.output_tokens)} output tokens in all, prices at {c.at}"
    )
    if c.retired is not None:
        title += f"; no longer sold since {c.retired}"
    rows, notes = [], []
    for q in c.quotes:
        comp = q.cost.components
        cache = comp["cache_read"] + comp["cache_write_5m"] + comp["cache_write_1h"]
        markup = "" if q.markup_vs_direct_pct is None else f"{q.markup_vs_direct_pct:+}%"
        rows.append(
            [
                q.offer.channel,
                q.channel_kind,
                q.offer.variant,
                display(q.total),
                display(comp["input"]),
                display(comp["output"] + comp["reasoning"]),
                display(cache),
                display(q.cost.fees),
                markup,
            ]
        )
        notes.extend(f"{q.offer.channel}/{q.offer.variant}: {n}" for n in q.notes)
    not_sold = [u["channel"] for u in c.unavailable if u["reason"].endswith(f"does not sell {c.model}")]
    others = [f"not available on {u['channel']}: {u['reason']}" for u in c.unavailable if u["channel"] not in not_sold]
    footer = [*notes, *others, *([f"not sold on: {', '.join(not_sold)}"] if not_sold else [])]
    columns = ["channel", "kind", "variant", "total", "input", "output", "cache", "fees", "vs direct"]
    return TableView(title=title, columns=columns, rows=rows, footer=footer)
