"""`price-log --format focus`: the priced usage as a FOCUS 1.2 cost-and-usage CSV, loadable by FinOps tools.

One row per priced group (day, model, channel, variant, batch, long-context class) and token type,
with `ConsumedQuantity` in `ConsumedUnit` Tokens (Requests for per-request fees), the exact cost in
`BilledCost`, `EffectiveCost` and `ListCost` (the catalog's prices: billpath computes list cost), and
`x_` columns for what FOCUS has no column for: model, channel, variant, token type, batch, the group
(`x_UsageGroup`, its requests in `x_Requests`) and the scenario (`actual`, or `reprice:<channel>` for
the same groups re-priced with `--reprice`). Channel fees and application fees (the Cursor Token
Rate) are rows of token type `fee`; a fee the log itself stated (`fee_usd`: OpenRouter's BYOK fee) is a row
of token type `logged_fee` in its group, so the `actual` rows' BilledCost sums to `price-log`'s total. The
FOCUS reader reads such a file back to the same total (fees recomputed, logged fees read, re-pricings skipped).
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from billpath.analysis.price_log import FEE_VARIANT, PriceLogResult
from billpath.money import exact
from billpath.usage.readers.openrouter import BYOK_VARIANT

COLUMNS = (
    "BillingAccountId",
    "BillingCurrency",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ConsumedQuantity",
    "ConsumedUnit",
    "PricingQuantity",
    "PricingUnit",
    "ListCost",
    "ContractedCost",
    "BilledCost",
    "EffectiveCost",
    "ProviderName",
    "PublisherName",
    "InvoiceIssuerName",
    "ServiceCategory",
    "ServiceName",
    "SkuId",
    "SkuMeter",
    "x_Model",
    "x_Channel",
    "x_Variant",
    "x_TokenType",
    "x_Batch",
    "x_UsageGroup",
    "x_Requests",
    "x_Scenario",
    "x_Source",
)
# Token type -> how its quantity is read from a group.
QUANTITY = {
    "input": lambda g: g["input_tokens"],
    "output": lambda g: g["output_tokens"] - g["reasoning_tokens"],
    "reasoning": lambda g: g["reasoning_tokens"],
    "cache_read": lambda g: g["cache_read_tokens"],
    "cache_write_5m": lambda g: g["cache_write_tokens"],
    "cache_write_1h": lambda g: g["cache_write_1h_tokens"],
    "requests": lambda g: g["requests"],
}
METER = {
    "input": "Input tokens",
    "output": "Output tokens",
    "reasoning": "Reasoning tokens",
    "cache_read": "Cache read tokens",
    "cache_write_5m": "Cache write tokens (5 minutes)",
    "cache_write_1h": "Cache write tokens (1 hour)",
    "requests": "Requests",
}


def focus_csv(result: PriceLogResult) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    w.writeheader()
    days = [g["day"] for g in result.focus] or [result.at]
    first, last = min(days), max(days)
    period = {
        "BillingCurrency": "USD",
        "BillingPeriodStart": f"{first.replace(day=1).isoformat()}T00:00:00Z",
        "BillingPeriodEnd": f"{_next_month(last).isoformat()}T00:00:00Z",
        "ChargeCategory": "Usage",
        "ChargeFrequency": "Usage-Based",
        "ServiceCategory": "AI and Machine Learning",
    }
    for g in result.focus:
        for kind, qty in QUANTITY.items():
            amount = qty(g)
            cost = g["costs"][kind]
            if not amount and not cost:
                continue
            unit = "Requests" if kind == "requests" else "Tokens"
            money = exact(cost)
            w.writerow(
                {
                    **period,
                    "ChargeDescription": f"{g['model']} {METER[kind].lower()} on {g['channel']}/{g['variant']}",
                    "ChargePeriodStart": f"{g['day'].isoformat()}T00:00:00Z",
                    "ChargePeriodEnd": f"{(g['day'] + timedelta(days=1)).isoformat()}T00:00:00Z",
                    "ConsumedQuantity": amount,
                    "ConsumedUnit": unit,
                    "PricingQuantity": amount,
                    "PricingUnit": unit,
                    "ListCost": money,
                    "ContractedCost": money,
                    "BilledCost": money,
                    "EffectiveCost": money,
                    "ProviderName": g["channel_name"],
                    "PublisherName": g["maker"],
                    "InvoiceIssuerName": g["channel_name"],
                    "ServiceName": g["channel_name"],
                    "SkuId": f"{g['channel']}:{g['variant']}:{g['model']}:{kind}" + (":batch" if g["batch"] else ""),
                    "SkuMeter": METER[kind] + (" (batch)" if g["batch"] else ""),
                    "x_Model": g["model"],
                    "x_Channel": g["channel"],
                    "x_Variant": g["variant"],
                    "x_TokenType": kind,
                    "x_Batch": "true" if g["batch"] else "false",
                    "x_UsageGroup": g["group"],
                    "x_Requests": g["requests"],
                    "x_Scenario": g["scenario"],
                    "x_Source": g.get("raw_provider") or "",
                }
            )
        if g.get("logged_fee"):  # the fee the log stated for this group's rows, as its own line of the group
            amount = exact(g["logged_fee"])
            seller = "openrouter" if g.get("byok") else g["channel"]
            name = result.fee_channel_names.get(seller, seller)
            w.writerow(
                {
                    **period,
                    "ChargeDescription": f"{g['model']} fee stated by the log"
                    + (" (OpenRouter BYOK fee)" if g.get("byok") else ""),
                    "ChargePeriodStart": f"{g['day'].isoformat()}T00:00:00Z",
                    "ChargePeriodEnd": f"{(g['day'] + timedelta(days=1)).isoformat()}T00:00:00Z",
                    "ListCost": amount,
                    "ContractedCost": amount,
                    "BilledCost": amount,
                    "EffectiveCost": amount,
                    "ProviderName": name,
                    "PublisherName": g["maker"],
                    "InvoiceIssuerName": name,
                    "ServiceName": name,
                    "SkuId": f"{seller}:{FEE_VARIANT}:{g['model']}",
                    "SkuMeter": "Fee",
                    "x_Model": g["model"],
                    "x_Channel": g["channel"],
                    "x_Variant": g["variant"],
                    "x_TokenType": "logged_fee",
                    "x_Batch": "true" if g["batch"] else "false",
                    "x_UsageGroup": g["group"],
                    "x_Requests": g["requests"],
                    "x_Scenario": g["scenario"],
                    "x_Source": BYOK_VARIANT if g.get("byok") else (g.get("raw_provider") or ""),
                }
            )
    fees = [
        ((ch, v), t.cost.fees)
        for (ch, v), t in sorted(result.by_channel.items())
        if t.cost.fees and v != FEE_VARIANT  # logged fees are written in their groups, above
    ]
    for (ch, variant), fee in fees:
        name = result.fee_channel_names.get(ch, ch)
        w.writerow(
            {
                **period,
                "ChargeDescription": f"{ch} fee" if variant != "token-rate" else "Cursor Token Rate (Teams plans)",
                "ChargePeriodStart": period["BillingPeriodStart"],
                "ChargePeriodEnd": period["BillingPeriodEnd"],
                "ListCost": exact(fee),
                "ContractedCost": exact(fee),
                "BilledCost": exact(fee),
                "EffectiveCost": exact(fee),
                "ProviderName": name,
                "InvoiceIssuerName": name,
                "ServiceName": name,
                "SkuId": f"{ch}:{variant}:fee",
                "SkuMeter": "Fee",
                "x_Channel": ch,
                "x_Variant": variant,
                "x_TokenType": "fee",
                "x_UsageGroup": f"fee:{ch}:{variant}",
                "x_Requests": 0,
                "x_Scenario": "actual",
            }
        )
    return out.getvalue()


def _next_month(d):
    return (d.replace(day=1) + timedelta(days=32)).replace(day=1)
