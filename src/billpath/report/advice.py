"""Table views for recommend, lag, explain and scenarios."""

from __future__ import annotations

from decimal import Decimal

from billpath.money import display
from billpath.report.render import TableView


def recommend_view(payload: dict) -> TableView:
    rows = [
        [str(i + 1), r["channel"], r["variant"], display(Decimal(r["monthly_cost"])), "; ".join(r["reasons"])]
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
    title = f"{payload['model']}: channels ranked by monthly cost (requirements: {req}), prices at {payload['at']}"
    return TableView(title, ["rank", "channel", "variant", "monthly cost", "reasons"], rows, footer)


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
    return TableView(title, ["channel", "kind", "variant", "available from", "days behind", "source"], rows, footer)


def explain_view(payload: dict) -> TableView:
    rows = []
    for a in payload["answers"]:
        cites = "; ".join(f"{e['channel']}/{e['variant'] or '-'}: {e['detail']}" for e in a["evidence"])
        rows.append([a["question"], a["answer"], cites])
    title = f"{payload['model']}: the four questions, from the catalog (reference: {payload['reference_usage']})"
    return TableView(title, ["question", "answer", "offers used"], rows)


def scenarios_view(payload: dict) -> TableView:
    """Months down, scenarios across (each on its cheapest channel); every channel's 12-month total below."""
    months = payload["months"]
    best: dict[str, dict] = {}
    for r in payload["rows"]:  # sorted by scenario, then total
        best.setdefault(r["scenario"], r)
    columns = ["month", *[f"{name} ({r['channel']})" for name, r in best.items()]]
    rows = [[str(m + 1), *[display(Decimal(r["monthly"][m])) for r in best.values()]] for m in range(months)]
    rows.append([f"{months}-month total", *[display(Decimal(r["total"])) for r in best.values()]])
    footer = []
    for name, top in best.items():
        others = [r for r in payload["rows"] if r["scenario"] == name and r is not top]
        extra = ", ".join(
            f"{r['channel']} {display(Decimal(r['total']))} (+{display(Decimal(r['total']) - Decimal(top['total']))})"
            for r in others
        )
        footer.append(f"{name}: cheapest {top['channel']} {display(Decimal(top['total']))}; others: {extra or 'none'}")
    footer += [f"{s['scenario']}: {s['channel']} skipped ({s['reason']})" for s in payload["skipped"]]
    title = f"{payload['file']}: {months} months side by side, prices at {payload['at']}"
    return TableView(title, columns, rows, footer)


def scenarios_long_view(payload: dict) -> TableView:
    """One row per scenario, channel and month, with exact amounts: the CSV form of `scenarios`."""
    rows = []
    for r in payload["rows"]:
        for i, (cost, n) in enumerate(zip(r["monthly"], r["requests"], strict=True)):
            rows.append([r["scenario"], r["channel"], str(i + 1), n, cost])
    columns = ["scenario", "channel", "month", "requests", "cost_usd"]
    return TableView(f"{payload['file']}: monthly cost per scenario and channel", columns, rows)
