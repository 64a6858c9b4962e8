"""Prices a source rounded: restore the decimal the vendor's own rule gives.

A channel prices cache reads as a fixed share of input (OpenAI: 10% for GPT-5). When a service tier's or a
long-context tier's imported cache-read price is that share of its input price *rounded to the source's
decimals* (GPT-5.4 flex: 10% of 1.25 is 0.125; both genai-prices 0.2.3 and litellm 1.110.2 state 0.13), the
exact share is the price. The share comes from the same offer's standard tier and must be a clean ratio
(at most two significant digits: 0.1, 0.25, 0.5); nothing else is touched.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from billpath.money import exact


def _ratio(tier: dict) -> Decimal | None:
    cr, inp = tier.get("cache_read_per_mtok"), tier.get("input_per_mtok")
    if cr is None or inp is None or Decimal(inp) == 0:
        return None
    r = (Decimal(cr) / Decimal(inp)).normalize()
    return r if 0 < r < 1 and len(r.as_tuple().digits) <= 2 else None


def restore(offers: list[dict]) -> int:
    """Fix rounded cache-read prices in place; returns how many prices changed."""
    base: dict[tuple[str, str], Decimal] = {}
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for o in offers:
        groups[(o["model"], o["channel"])].append(o)
        if o["variant_kind"] == "standard" and o["tiers"]:
            r = _ratio(o["tiers"][0])
            if r is not None:
                base.setdefault((o["model"], o["channel"]), r)
    changed = 0
    for key, group in groups.items():
        r = base.get(key)
        if r is None:
            continue
        for o in group:
            for tier in o["tiers"]:
                cr, inp = tier.get("cache_read_per_mtok"), tier.get("input_per_mtok")
                if cr is None or inp is None:
                    continue
                want = Decimal(inp) * r
                have = Decimal(cr)
                places = Decimal(1).scaleb(Decimal(cr).normalize().as_tuple().exponent)
                if have != want and want.quantize(places, rounding=ROUND_HALF_UP) == have and places < 1:
                    tier["cache_read_per_mtok"] = exact(want)
                    note = f"cache read {exact(want)} (= {exact(r)} x input; the source's {cr} is it rounded)"
                    if note not in o["notes"]:
                        o["notes"] = [*o["notes"], note]
                    changed += 1
    return changed
