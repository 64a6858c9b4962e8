"""The whole bill: the cheapest channel per model of a log, the mixed total, and the signed delta.

A log spanning several makers (Claude and GPT) is rarely cheapest on one channel: `best_mix` picks,
for every model, the cheapest channel that could have served ALL of that model's priced rows (on
every day of the log), prices the mix with each channel's fees on its own share, and compares it
with what the log cost on the channels it used. Ties keep the channel the log already used.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from billpath.catalog.store import Catalog
from billpath.money import ZERO, exact
from billpath.pricing.fees import FeeTerms, channel_fee

KIND_ORDER = {"direct": 0, "cloud": 1, "aggregator": 2, "application": 3}


def signed(value: Decimal) -> str:
    """An exact decimal string with its sign: `+12.5`, `-3`, `0`."""
    text = exact(value)
    return f"+{text}" if value > 0 else text


def _fee(catalog: Catalog, channel: str, subtotal: Decimal, requests: Decimal, terms: FeeTerms) -> Decimal:
    fee, _ = channel_fee(catalog.channels[channel], subtotal, requests, terms.payment, terms.purchase_usd)
    return fee


def best_mix(
    catalog: Catalog,
    need_rows: dict[str, int],
    requests: dict[str, int],
    current: dict[str, dict[tuple[str, str], Decimal]],
    candidates: list[tuple[str, str, str, int, Decimal]],
    logged_total: Decimal,
    terms: FeeTerms | None = None,
) -> tuple[dict, list[str]]:
    """(`{"total_usd", "delta_usd", "by_model": [{"model", "channel", "variant", "total_usd"}]}`, kept models).

    Kept models: no one offer serves all their rows, so they stay as logged (in the total, not in by_model).

    need_rows: priced rows per model; requests: requests per model; current: model -> (channel,
    variant) -> what the log's rows of that model cost there (fees excluded); candidates: (channel,
    variant, model, rows covered, token cost) on each channel's default offer; logged_total: what the
    priced rows cost as logged, fees included.
    """
    terms = terms or FeeTerms()
    options: dict[str, list[tuple]] = defaultdict(list)
    for channel, variant, model, rows, cost in candidates:
        if model in need_rows and rows == need_rows[model]:
            options[model].append((channel, variant, cost))
    for model, spots in current.items():
        if len(spots) == 1:  # the log used one offer for this model: staying there is an option
            (channel, variant), cost = next(iter(spots.items()))
            options[model].append((channel, variant, cost))
    chosen: dict[str, tuple[str, str, Decimal]] = {}
    for model in sorted(need_rows):
        stay = set(current.get(model, {}))
        best = None
        for channel, variant, cost in options.get(model, []):
            with_fee = cost + _fee(catalog, channel, cost, Decimal(requests.get(model, 0)), terms)
            key = (
                with_fee,
                (channel, variant) not in stay,
                KIND_ORDER.get(catalog.channels[channel].kind, 9),
                channel,
                variant,
            )
            if best is None or key < best[0]:
                best = (key, (channel, variant, cost))
        if best is not None:
            chosen[model] = best[1]
    per_channel: dict[str, list[str]] = defaultdict(list)
    for model, (channel, _, _) in chosen.items():
        per_channel[channel].append(model)
    totals: dict[str, Decimal] = {}
    total = ZERO
    for channel, models in per_channel.items():
        subtotal = sum((chosen[m][2] for m in models), ZERO)
        fee = _fee(catalog, channel, subtotal, Decimal(sum(requests.get(m, 0) for m in models)), terms)
        total += subtotal + fee
        for m in models:  # the channel's fee is shared by its models in proportion to their cost
            share = fee * chosen[m][2] / subtotal if subtotal else ZERO
            totals[m] = chosen[m][2] + share
    missing = sorted(set(need_rows) - set(chosen))
    for m in missing:  # no single offer serves every row of it: it stays as logged (fees not re-apportioned)
        total += sum(current.get(m, {}).values(), ZERO)
    out = {
        "total_usd": exact(total),
        "delta_usd": signed(total - logged_total),
        "by_model": [
            {"model": m, "channel": chosen[m][0], "variant": chosen[m][1], "total_usd": exact(totals[m])}
            for m in sorted(chosen)
        ],
    }
    return out, missing
