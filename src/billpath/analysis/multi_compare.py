"""Several models in one `compare`: each model's comparison, and the channels that sell them all, summed."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from billpath.analysis.compare import KIND_ORDER, Comparison, compare
from billpath.money import ZERO, display, exact
from billpath.pricing.quote import Quote


@dataclass
class MultiComparison:
    comparisons: list[Comparison]
    combined: list[dict] = field(default_factory=list)  # channels selling every model, cheapest first
    verdict: str = ""

    def to_dict(self) -> dict:
        return {
            "models": [c.model for c in self.comparisons],
            "verdict": self.verdict,
            "combined": self.combined,
            "comparisons": [c.to_dict() for c in self.comparisons],
        }


def compare_models(models: list[str], per_request, requests: Decimal = Decimal(1), **kw) -> MultiComparison:
    """The same workload for every model (see `combine`)."""
    return combine(MultiComparison([compare(m, per_request, requests, **kw) for m in models]))


def combine(result: MultiComparison) -> MultiComparison:
    """`combined`: each API channel that sells all the models (cheapest variant per model), with the sum:
    what one channel for the whole set would cost; and the verdict."""
    comps = result.comparisons
    per_channel: dict[str, dict[str, Quote]] = {}
    kinds: dict[str, str] = {}
    for c in comps:
        for q in c.quotes:  # cheapest first: the first quote per channel is its cheapest variant
            per_channel.setdefault(q.offer.channel, {}).setdefault(c.model, q)
            kinds[q.offer.channel] = q.channel_kind
    combined: list[dict[str, Any]] = []
    for channel, quotes in per_channel.items():
        if len(quotes) < len(comps):
            continue
        total = sum((q.total for q in quotes.values()), ZERO)
        combined.append(
            {
                "channel": channel,
                "channel_kind": kinds[channel],
                "total_usd": exact(total),
                "by_model": [
                    {"model": m, "variant": q.offer.variant, "total_usd": exact(q.total)} for m, q in quotes.items()
                ],
            }
        )
    combined.sort(key=lambda r: (Decimal(r["total_usd"]), KIND_ORDER.get(r["channel_kind"], 9), r["channel"]))
    result.combined = combined
    result.verdict = _verdict(result)
    return result


def _verdict(r: MultiComparison) -> str:
    names = " + ".join(c.model for c in r.comparisons)
    best_each = [(c.model, c.quotes[0]) for c in r.comparisons if c.quotes]
    split_total = sum((q.total for _, q in best_each), ZERO)
    each = ", ".join(f"{m} -> {q.offer.channel}" for m, q in best_each)
    text = f"{names}: cheapest per model {each} ({display(split_total)} in all)"
    if r.combined:
        one = r.combined[0]
        extra = Decimal(one["total_usd"]) - split_total
        same = "the same" if not extra else f"+{display(extra)}"
        text += f"; on one channel, {one['channel']} costs {display(Decimal(one['total_usd']))} ({same})"
    else:
        text += "; no single API channel sells them all"
    return text + "."
