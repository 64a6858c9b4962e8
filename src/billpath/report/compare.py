"""Table view of a comparison: the verdict, the API channels, then the coding-tool seats apart.

Every row's money columns add up to its total: components are grouped into columns, and whatever a
row has outside the named groups (a discount, per-request fees, a plan's allowance) gets its own
column whenever any row has it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from billpath.analysis.compare import Comparison
from billpath.money import ZERO, display
from billpath.report.render import Num, Pct, TableView, Usd

# (column, components) in display order; `fees` is the quote's fees, not a component.
API_GROUPS = (
    ("input", ("input",)),
    ("output", ("output", "reasoning")),
    ("cache", ("cache_read", "cache_write_5m", "cache_write_1h")),
    ("per request", ("requests",)),
    ("discount", ("discount",)),
)
SEAT_GROUPS = (
    ("plan fee", ("plan_fee",)),
    ("usage at API price", ("input", "output", "reasoning", "cache_read", "cache_write_5m", "cache_write_1h")),
    ("included", ("included_usage",)),
    ("overage", ("premium_request_overage",)),
)
COMPACT = ["channel", "variant", "plan", "total", "$/Mtok in/out", "vs direct"]


def _fmt_tokens(value) -> str:
    return str(Num(value))


def _unit_prices(q) -> str:
    up = q.unit_prices()
    if not up:
        return ""
    return f"{per_mtok(up['input_per_mtok'])}/{per_mtok(up['output_per_mtok'])}"


def per_mtok(price: Decimal) -> str:
    """A unit price as listed: at least cents, every further digit the catalog has (never rounded)."""
    cents = price.quantize(Decimal("0.01"))
    return f"${cents}" if cents == price else f"${price.normalize():f}"


def money_columns(quotes, groups) -> tuple[list[str], list[list[Decimal]]]:
    """Column names and per-quote amounts such that each quote's amounts sum to its total.

    A group is shown when any quote has a non-zero amount in it; fees always; anything left over
    (components outside every group) goes to an `other` column, shown when non-zero anywhere.
    """
    named = {c for _, comps in groups for c in comps}
    amounts: list[list[Decimal]] = []
    for q in quotes:
        comp = q.cost.components
        row = [sum((comp.get(c, ZERO) for c in comps), ZERO) for _, comps in groups]
        row.append(sum((v for k, v in comp.items() if k not in named), ZERO))  # other
        row.append(q.cost.fees)
        amounts.append(row)
    names = [name for name, _ in groups] + ["other", "fees"]
    always = {"input", "output", "fees", "plan fee"}
    shown = [i for i, n in enumerate(names) if n in always or any(r[i] for r in amounts)]
    return [names[i] for i in shown], [[r[i] for i in shown] for r in amounts]


def _quote_rows(quotes, groups, first: list[str]) -> tuple[list[str], list[list]]:
    names, amounts = money_columns(quotes, groups)
    rows = []
    for q, money in zip(quotes, amounts, strict=True):
        head = {"channel": q.offer.channel, "kind": q.channel_kind, "variant": q.offer.variant, "plan": q.offer.variant}
        rows.append(
            [
                *(head[c] for c in first),
                Usd(q.total),
                *map(Usd, money),
                _unit_prices(q),
                Pct(q.markup_vs_direct_pct),
            ]
        )
    return [*first, "total", *names, "$/Mtok in/out", "vs direct"], rows


def grouped_notes(quotes) -> list[str]:
    """Hidden costs and version lag once per distinct fact, naming every channel it applies to."""
    by_note: dict[str, list[str]] = {}
    missing: dict[str, list[str]] = {}
    ref = None
    for q in quotes:
        label = q.offer.channel if q.offer.variant == "standard" else f"{q.offer.channel}/{q.offer.variant}"
        for gap in q.hidden_costs or ():
            if gap.get("missing"):
                ref = gap["note"].split(":")[0].removeprefix("missing here vs ")
                for feature in gap["missing"]:
                    missing.setdefault(feature, []).append(q.offer.channel)
            elif gap.get("amount") is None:
                by_note.setdefault(gap["note"], []).append(label)
        for n in q.notes:
            if "version lag" in n or " lacks " in n or "fee" in n or n.startswith("no batch here") or "caching" in n:
                key = n.split(": meanwhile")[0]
                by_note.setdefault(key, []).append(label)
    lines = []
    for feature, chans in missing.items():
        lines.append(f"{feature}: not sold on {_names(chans)} (sold on {ref}; not priced)")
    for note, labels in by_note.items():
        lines.append(f"{note} ({_names(labels)})" if len(labels) > 1 else f"{labels[0]}: {note}")
    return lines


def _names(labels: list[str]) -> str:
    unique = list(dict.fromkeys(labels))
    return ", ".join(unique)


def compare_view(c: Comparison) -> TableView:
    u = c.usage
    title = (
        f"{c.model}: {_fmt_tokens(u.requests)} request{'s' if u.requests != 1 else ''}, "
        f"{_fmt_tokens(u.input_tokens)} input / {_fmt_tokens(u.output_tokens)} output tokens in all, "
        f"prices at {c.at}; API channels, cheapest first"
    )
    if c.retired is not None:
        title += f"; no longer sold since {c.retired_text}"
    columns, rows = _quote_rows(c.quotes, API_GROUPS, ["channel", "kind", "variant"])
    detail = [f"{q.offer.channel}/{q.offer.variant}: {n}" for q in c.quotes for n in q.notes]
    not_sold = [x["channel"] for x in c.unavailable if x["reason"].endswith(f"does not sell {c.model}")]
    others = [x for x in c.unavailable if x["channel"] not in not_sold]
    seat_channels = {q.offer.channel for q in c.seats}
    app_out = [x for x in others if x.get("channel_kind") == "application"]
    footer = grouped_notes(c.quotes)
    footer += [f"not available on {x['channel']}: {x['reason']}" for x in others if x["channel"] not in seat_channels]
    footer = [f for f in footer if not any(f.startswith(f"not available on {x['channel']}:") for x in app_out)]
    if not_sold:
        footer.append(f"not sold on: {', '.join(not_sold)}")
    footer.append("per-offer notes: --verbose (--format json has everything)")
    view = TableView(
        title=title, columns=columns, rows=rows, footer=footer, verdict=c.verdict, detail=detail, compact=COMPACT
    )
    if c.seats or app_out:
        view.sections.append(seats_view(c, app_out))
    return view


def seats_view(c: Comparison, unpriceable: Sequence[dict] = ()) -> TableView:
    n = c.seat_count
    who = f"{n} seats sharing the workload" if n > 1 else "one seat taking the whole workload"
    title = f"Coding-tool seats (application plans, not APIs; not ranked with them): {who}"
    columns, rows = _quote_rows(c.seats, SEAT_GROUPS, ["channel", "plan"])
    footer = []
    for q in c.seats:
        for note in q.notes:
            if note.startswith(("usage at the maker", "other plans")) or "premium requests;" in note:
                footer.append(f"{q.offer.channel}/{q.offer.variant}: {note}")
    footer += [f"{x['channel']}: not priceable per token (--verbose says why)" for x in unpriceable]
    if c.seats:
        footer.append(f"--seats N prices a team ({display(c.seats[0].total)} here for {n} seat{'s' if n > 1 else ''})")
    detail = [f"{q.offer.channel}/{q.offer.variant}: {note}" for q in c.seats for note in q.notes]
    detail += [f"not priceable on {x['channel']}: {x['reason']}" for x in unpriceable]
    return TableView(title=title, columns=columns, rows=rows, footer=footer, detail=detail, compact=COMPACT)


def multi_compare_view(m) -> TableView:
    """Several models: the channels selling all of them (with a total column), then each model's comparison."""
    models = [c.model for c in m.comparisons]
    rows = []
    for r in m.combined:
        amounts = {x["model"]: Usd(Decimal(x["total_usd"])) for x in r["by_model"]}
        rows.append([r["channel"], r["channel_kind"], *(amounts[x] for x in models), Usd(Decimal(r["total_usd"]))])
    view = TableView(
        title="Channels that sell every model, cheapest first (each model on the channel's cheapest variant)",
        columns=["channel", "kind", *models, "total"],
        rows=rows,
        verdict=m.verdict,
    )
    for c in m.comparisons:
        section = compare_view(c)
        section.footer.insert(0, c.verdict)
        section.verdict = ""
        view.sections.append(section)
    return view
