"""Subscription equivalence for coding-agent logs: `price-log --plan ID`.

What the log's tokens would cost on each API channel, set against what the plan charges for the
months the log covers: the plan's fee (a flat subscription such as Claude Max or ChatGPT Pro), or
for a usage-pool plan (Cursor, GitHub Copilot AI Credits) its seat plus usage beyond the included
dollars at API prices. Also the plan's effective $/Mtok on these tokens, and which channels would
have been cheaper than the plan.

A month is a calendar month the log has priced rows in; each costs one monthly fee. API costs are
the log's own exact totals (`price-log` prices and re-prices every row); rows left unpriced are not
in them, so they are then a lower bound, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from billpath.catalog.plans import Plan, plans
from billpath.catalog.store import Catalog
from billpath.catalog.subscriptions import Subscription, plan_ids, pool_id, subscriptions
from billpath.errors import BillpathError
from billpath.money import ZERO, display, exact

if TYPE_CHECKING:
    from billpath.analysis.price_log import PriceLogResult

__all__ = ["Equivalence", "UnknownPlan", "equivalence", "plan_ids"]
MTOK = Decimal(1_000_000)
RATE_PLACES = Decimal("0.0001")
TOKEN_FIELDS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens")


class UnknownPlan(BillpathError):
    """A --plan id that names no subscription or usage-pool plan."""


def _find(plan_id: str) -> Subscription | Plan:
    for s in subscriptions():
        if s.id == plan_id:
            return s
    for p in plans():
        if p.billing == "usage-pool" and pool_id(p) == plan_id:
            return p
    raise UnknownPlan(f"unknown plan {plan_id!r}; use one of: {', '.join(plan_ids())}")


@dataclass
class Alternative:
    channel: str
    total_usd: Decimal
    note: str | None = None


@dataclass
class Equivalence:
    plan: str
    name: str
    months: list[str]
    plan_usd: Decimal
    plan_detail: str
    covered_models: list[str]
    uncovered_models: list[str]
    tokens: int
    alternatives: list[Alternative]
    notes: list[str] = field(default_factory=list)
    source: dict = field(default_factory=dict)

    def rate(self, usd: Decimal) -> Decimal | None:
        if not self.tokens:
            return None
        return (usd * MTOK / self.tokens).quantize(RATE_PLACES, ROUND_HALF_EVEN)

    @property
    def cheaper(self) -> list[Alternative]:
        return [a for a in self.alternatives if a.total_usd < self.plan_usd]

    def verdict(self) -> str:
        months = f"{len(self.months)} month{'s' if len(self.months) != 1 else ''}"
        if not self.alternatives:
            return f"{self.name} costs {display(self.plan_usd)} for {months}; no API channel prices these tokens."
        best = min(self.alternatives, key=lambda a: (a.total_usd, a.channel))
        logged = self.alternatives[0]
        head = (
            f"{self.name} costs {display(self.plan_usd)} for {months}; the same tokens cost "
            f"{display(logged.total_usd)} at API prices on the log's own channels"
        )
        if best.total_usd < self.plan_usd:
            where = "on those channels" if best is logged else f"cheapest on {best.channel}: {display(best.total_usd)}"
            return f"{head}, so the API would have been cheaper ({where}), " + (
                f"{display(self.plan_usd - best.total_usd)} less than the plan."
            )
        return f"{head} (cheapest: {best.channel} {display(best.total_usd)}): the plan saved " + (
            f"{display(best.total_usd - self.plan_usd)} against the cheapest API channel."
        )

    def to_dict(self) -> dict:
        rate = self.rate(self.plan_usd)
        return {
            "plan": self.plan,
            "name": self.name,
            "verdict": self.verdict(),
            "months": self.months,
            "plan_usd": exact(self.plan_usd),
            "plan_detail": self.plan_detail,
            "tokens": self.tokens,
            "effective_usd_per_mtok": None if rate is None else exact(rate),
            "covered_models": self.covered_models,
            "uncovered_models": self.uncovered_models,
            "api_channels": [
                {
                    "channel": a.channel,
                    "total_usd": exact(a.total_usd),
                    "usd_per_mtok": None if (rate := self.rate(a.total_usd)) is None else exact(rate),
                    "vs_plan_usd": exact(a.total_usd - self.plan_usd),
                    "cheaper_than_plan": a.total_usd < self.plan_usd,
                    **({"note": a.note} if a.note else {}),
                }
                for a in self.alternatives
            ],
            "cheaper_than_plan": [a.channel for a in self.cheaper],
            "notes": self.notes,
            "source": self.source,
        }


def equivalence(result: PriceLogResult, plan_id: str, catalog: Catalog) -> Equivalence:
    """The plan against the same tokens on every API channel (see the module doc)."""
    plan = _find(plan_id)
    priced = sorted(result.by_model)
    if isinstance(plan, Subscription):
        covered = [m for m in priced if m in catalog.models and plan.covers(catalog.models[m].maker)]
    else:
        covered = [m for m in priced if plan.offers_model(m)]
    uncovered = [m for m in priced if m not in covered]
    months = sorted({d.strftime("%Y-%m") for d, t in result.by_day.items() if t.rows})
    n = Decimal(len(months))
    tokens = sum(result.by_model[m].quantities[f] for m in covered for f in TOKEN_FIELDS)
    covered_usd = sum((result.by_model[m].cost.total for m in covered), ZERO)
    notes: list[str] = []
    if isinstance(plan, Subscription):
        plan_usd = plan.usd_per_month * n
        detail = f"{display(plan.usd_per_month)}/month x {len(months)} month(s); {plan.note}"
        source = {"url": plan.source.url, "checked": plan.source.checked, "note": plan.source.note}
        notes.append(
            f"{plan.name} limits usage per time window (published as multiples, not tokens): a month of this log "
            "may not fit in it"
        )
    else:
        assert plan.included_usd is not None
        included = plan.included_usd * n
        over = max(ZERO, covered_usd - included)
        plan_usd = plan.seat_usd_per_month * n + over
        detail = (
            f"{display(plan.seat_usd_per_month)}/month x {len(months)} month(s) with {display(included)} of usage "
            f"included; usage at the log's API prices {display(covered_usd)}, {display(over)} beyond it"
        )
        source = {"url": plan.source.url, "checked": plan.source.checked, "note": plan.source.note}
    alternatives = [Alternative("as logged", covered_usd, "the log's own channels and variants")]
    if uncovered:
        notes.append(
            f"not covered by {plan.name}: {', '.join(uncovered)}; they are left out of the plan's side, and the "
            "per-channel totals below (which re-price the whole log) include them"
        )
    for channel, usd in sorted(result.reprice.items(), key=lambda kv: (kv[1], kv[0])):
        kind = catalog.channels[channel].kind if channel in catalog.channels else ""
        if kind != "application":
            alternatives.append(Alternative(channel, usd))
    if result.reprice_incomplete:
        notes.append(
            "channels that do not sell every model of the log are not compared: "
            + ", ".join(sorted(result.reprice_incomplete))
        )
    if result.rows_unpriced:
        notes.append(f"{result.rows_unpriced} rows are unpriced (see `unpriced`): API costs are a lower bound")
    return Equivalence(
        plan=plan_id,
        name=plan.name,
        months=months,
        plan_usd=plan_usd,
        plan_detail=detail,
        covered_models=covered,
        uncovered_models=uncovered,
        tokens=tokens,
        alternatives=alternatives,
        notes=notes,
        source=source,
    )
