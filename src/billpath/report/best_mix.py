"""Table view of `recommend --log FILE` without a model: the best channel per model, then each ranking."""

from __future__ import annotations

from decimal import Decimal

from billpath.analysis.verdict import signed_usd
from billpath.report.render import TableView, Usd


def mix_recommend_view(payload: dict) -> TableView:
    from billpath.report.advice import recommend_view

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
