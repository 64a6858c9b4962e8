"""Table views for recommend, lag, explain and scenarios."""

from __future__ import annotations

from decimal import Decimal

from billpath.analysis.verdict import signed_usd
from billpath.money import display
from billpath.report.render import Cell, Num, TableView, Usd


def recommend_view(payload: dict) -> TableView:
    if "recommendations" in payload:  # recommend --log without a model: one recommendation per model
        return mix_recommend_view(payload)
    rows = [
        [Num(i + 1), r["channel"], r["variant"], Usd(Decimal(r["monthly_cost"])), "; ".join(r["reasons"])]
        for i, r in enumerate(payload["ranking"])
    ]
    footer = [f"excluded {e['channel']}: {e['reason']}" for e in payload["excluded"]]
    be = payload["break_even"]
    for ch, e in be.get("channels", {}).items():
        footer.append(f"break-even vs {ch}: {e['explanation']}")
    footer.append(f"rule of thumb tested: {be['rule_of_thumb']!r}")
    if payload.get("failover"):
        f = payload["failover"]
        footer.append(
            f"failover: primary {f.get('primary')}, secondary {f.get('secondary')} {f.get('problem', '')}".strip()
        )
    if payload.get("workload"):
        footer.insert(0, payload["workload"])
    req = ", ".join(payload["requires"]) or "none"
    title = f"{payload['model']}: API channels ranked by monthly cost (requirements: {req}), prices at {payload['at']}"
    view = TableView(
        title,
        ["rank", "channel", "variant", "monthly cost", "reasons"],
        rows,
        footer,
        verdict=payload.get("verdict", ""),
    )
    view.wrap = ["reasons"]
    seats = payload.get("seats") or []
    if seats:
        n = seats[0].get("seats", 1)
        view.sections.append(
            TableView(
                f"Coding-tool seats (application plans, not APIs; not ranked with them), {n} seat{'s' * (n > 1)}",
                ["channel", "plan", "monthly cost", "why apart"],
                [[s["channel"], s["variant"], Usd(Decimal(s["monthly_cost"])), s["reasons"][0]] for s in seats],
                wrap=["why apart"],
            )
        )
    return view


def lag_view(payload: dict) -> TableView:
    rows = [
        [
            r["channel"],
            r["channel_kind"],
            r["variant"],
            r["available_from"] or "unknown",
            "unknown" if r["days_behind_direct"] is None else str(r["days_behind_direct"]),
            r["source"],
        ]
        for r in payload["channels"]
    ]
    released = payload["released"] or "on an unknown date"
    title = f"{payload['model']}: released {released} on the maker's API; days behind per channel"
    footer = [f"newest in family {payload['family']}: {payload['newest_in_family']}"]
    columns = ["channel", "kind", "variant", "available from", "days behind", "source"]
    view = TableView(title, columns, rows, footer, compact=columns[:-1])
    if shutil_narrow(view):  # URLs out of cells: one line per channel under the table
        view.footer += [f"source, {r['channel']}: {r['source']}" for r in payload["channels"]]
    return view


def shutil_narrow(view: TableView) -> bool:
    """True when the terminal is too narrow for the view's full column set (its compact set is used)."""
    from billpath.report.render import layout, terminal_width

    keep = layout(view, terminal_width())
    return keep is None or len(keep) < len(view.columns)


def explain_view(payload: dict) -> TableView:
    rows = []
    for a in payload["answers"]:
        cites = "; ".join(f"{e['channel']}/{e['variant'] or '-'}: {e['detail']}" for e in a["evidence"])
        rows.append([a["question"], a["answer"], cites])
    title = f"{payload['model']}: the four questions, from the catalog (reference: {payload['reference_usage']})"
    return TableView(title, ["question", "answer", "offers used"], rows, wrap=["question", "answer", "offers used"])


def scenarios_view(payload: dict) -> TableView:
    """Months down, scenarios across (each on its cheapest channel); every channel's 12-month total below."""
    months = payload["months"]
    best: dict[str, dict] = {}
    for r in payload["rows"]:  # sorted by scenario, then total
        best.setdefault(r["scenario"], r)
    columns = ["month", *[f"{name} ({r['channel']})" for name, r in best.items()]]
    rows: list[list[Cell]] = [
        [Num(m + 1), *[Usd(Decimal(r["monthly"][m])) for r in best.values()]] for m in range(months)
    ]
    rows.append([f"{months}-month total", *[Usd(Decimal(r["total"])) for r in best.values()]])
    footer = []
    for name, top in best.items():
        others = [r for r in payload["rows"] if r["scenario"] == name and r is not top]
        extra = ", ".join(
            f"{r['channel']} {display(Decimal(r['total']))} (+{display(Decimal(r['total']) - Decimal(top['total']))})"
            for r in others
        )
        footer.append(f"{name}: cheapest {top['channel']} {display(Decimal(top['total']))}; others: {extra or 'none'}")
    footer += [f"{s['scenario']}: {s['channel']} skipped ({s['reason']})" for s in payload["skipped"]]
    seat_best: dict[str, dict] = {}
    for r in payload.get("seats", []):
        seat_best.setdefault(r["scenario"], r)
    footer += [
        f"{name}: coding-tool seats (not an API, not ranked): cheapest {r['channel']} {display(Decimal(r['total']))}"
        for name, r in seat_best.items()
    ]
    title = f"{payload['file']}: {months} months side by side on the cheapest API channel, prices at {payload['at']}"
    return TableView(title, columns, rows, footer, verdict=payload.get("verdict", ""))


def scenarios_long_view(payload: dict) -> TableView:
    """One row per scenario, channel and month, with exact amounts: the CSV form of `scenarios`."""
    rows = []
    for kind, key in (("api", "rows"), ("seats", "seats")):
        for r in payload.get(key, []):
            for i, (cost, n) in enumerate(zip(r["monthly"], r["requests"], strict=True)):
                rows.append([r["scenario"], r["channel"], kind, Num(i + 1), Num(Decimal(n)), Usd(Decimal(cost))])
    columns = ["scenario", "channel", "kind", "month", "requests", "cost_usd"]
    return TableView(f"{payload['file']}: monthly cost per scenario and channel", columns, rows)


def mix_recommend_view(payload: dict) -> TableView:
    mix = payload["best_mix"]
    rows = [
        [
            m["model"],
            Usd(Decimal(m["logged_usd"])),
            m["channel"] if m["variant"] == "standard" else f"{m['channel']} {m['variant']}",
            Usd(Decimal(m["total_usd"])),
            signed_usd(Decimal(m["delta_usd"])),
        ]
        for m in mix["by_model"]
    ]
    kept = [r["model"] for r in payload["recommendations"] if not r["ranking"]]
    total = ["total", Usd(Decimal(payload["logged_usd"])), "", Usd(Decimal(mix["total_usd"]))]
    rows.append([*total, signed_usd(Decimal(mix["delta_usd"]))])
    req = ", ".join(payload["requires"]) or "none"
    view = TableView(
        f"The whole bill: best API channel per model (requirements: {req})",
        ["model", "as logged", "best channel", "best", "delta"],
        rows,
        [f"kept as logged (no channel meets the requirements): {', '.join(kept)}"] if kept else [],
        verdict=payload["verdict"],
    )
    for rec in payload["recommendations"]:
        section = recommend_view({k: v for k, v in rec.items() if k != "verdict"})
        view.sections.append(section)
    return view
