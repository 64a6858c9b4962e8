"""Subscription equivalence (`price-log --plan`) as footer lines of the table and markdown views."""

from __future__ import annotations

from billpath.analysis.subscription import Equivalence
from billpath.money import display


def lines(eq: Equivalence) -> list[str]:
    """The table/markdown footer lines of an equivalence."""
    rate = eq.rate(eq.plan_usd)
    out = [f"plan {eq.plan}: {eq.verdict()}", f"plan {eq.plan}: {eq.plan_detail}"]
    if rate is not None:
        out.append(f"plan {eq.plan}: effective ${rate}/Mtok on {eq.tokens:,} tokens (all token kinds)")
    for a in eq.alternatives:
        r = eq.rate(a.total_usd)
        mark = "cheaper than the plan" if a.total_usd < eq.plan_usd else "dearer than the plan"
        out.append(f"plan {eq.plan}: {a.channel} {display(a.total_usd)} (${r}/Mtok), {mark}")
    out += [f"plan {eq.plan}: {n}" for n in eq.notes]
    return out
