"""FOCUS 1.2 cost-and-usage exports (CSV): AWS `FOCUS_1_2_AWS`, Azure `FocusCost`, GCP's FOCUS export, billpath's.

Only `ChargeCategory` Usage rows are usage; others (tax, credits, purchases, adjustments) are
skipped with their amounts. The quantity is `ConsumedQuantity` in `ConsumedUnit` ("Tokens",
"1K Tokens", "1000 Tokens", "1M Tokens"). FOCUS has no token-type column, so it is read where each
provider puts it:

- AWS: `SkuMeter` is the CUR usage type (`USE1-Claude4.6Opus-input-tokens-cross-region-global`;
  `x_UsageType` in 1.0), parsed as in the CUR reader.
- Azure: `SkuMeter` (or `x_SkuMeterName`) is the meter name, `x_SkuMeterSubcategory` the model,
  parsed as in the Azure cost-details reader.
- Google Cloud: `SkuMeter` (or `ChargeDescription`) is the SKU description, parsed as in the GCP
  billing-export reader.
- billpath's own export (`price-log --format focus`): `x_Model`, `x_Channel`, `x_Variant`,
  `x_TokenType` and `x_Batch` say it exactly.

`BilledCost` is the billed cost, `EffectiveCost` the cost after discounts and amortised commitments,
`ListCost` the list cost; all three go to the reconciliation.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from billpath.usage.readers import aws_cur, azure_cost, gcp_billing
from billpath.usage.readers.base import WEAK, Sink
from billpath.usage.readers.openrouter import BYOK_VARIANT
from billpath.usage.readers.tabular import LINE_TYPES, iter_csv, money, one_line, quantity

UNIT = re.compile(r"^\s*(\d*)\s*([KM]?)\s*tokens?\s*$", re.IGNORECASE)
AZURE_SERVICES = ("openai", "foundry", "cognitive", "ai services", "machine learning")


def looks_like_header(names: list[str]) -> bool:
    return {"BilledCost", "ChargePeriodStart", "ConsumedQuantity"} <= set(names)


def unit_size(unit: str | None) -> int | None:
    """Tokens per `ConsumedUnit`: "Tokens" 1, "1K Tokens" 1000, "1000 Tokens" 1000; None if not tokens."""
    if unit is None:
        return None
    if unit.strip().lower() in ("units", "unit", "count"):  # a token line's plain count
        return 1
    m = UNIT.match(unit)
    if not m:
        return None
    return int(m.group(1) or 1) * {"": 1, "K": 1000, "M": 1_000_000}[m.group(2).upper()]


def read(path: Path, sink: Sink) -> None:
    sink.note("FOCUS rows: billed cost is BilledCost; EffectiveCost and ListCost are reconciled beside it")
    groups: dict[str, dict] = {}
    for where, rec in iter_csv(path, sink):
        if rec.get("x_UsageGroup"):
            _own_row(where, rec, groups, sink)
        else:
            _row(where, rec, sink)
    for g in groups.values():
        sink.row(g.pop("line"), **g)


def _own_channel(rec: dict[str, str]) -> str | None:
    """The channel of an own-export row: a weak source name (an application priced on the maker's channel,
    e.g. Cursor's Teams rows) is kept, so what depends on it (the Cursor Token Rate) is recomputed."""
    source = (rec.get("x_Source") or "").strip()
    if source.startswith(WEAK):
        return source
    return (rec.get("x_Channel") or "").strip() or None


OWN_FIELDS = {**LINE_TYPES, "reasoning": "reasoning_tokens", "requests": "requests"}


def _own_row(where: int, rec: dict[str, str], groups: dict[str, dict], sink: Sink) -> None:
    """billpath's own export: the lines of one priced group (x_UsageGroup) make one usage row again.

    A group holds the requests of one long-context class, so its total prompt over its requests
    falls in the same class again: re-read, it is priced exactly as it was.
    """
    if (rec.get("x_Scenario") or "actual").strip() != "actual":
        sink.skipped += 1  # a re-pricing on another channel, not what was used
        return
    kind = (rec.get("x_TokenType") or "").strip()
    if kind == "fee":
        sink.skipped += 1  # channel fees are recomputed from the channel's token cost
        return
    if kind not in OWN_FIELDS and kind != "logged_fee":
        sink.reject(where, f"unknown x_TokenType {kind!r}")
        return
    try:
        billed = money(rec.get("BilledCost"))
        amount = quantity(rec.get("ConsumedQuantity"))
        requests = quantity(rec.get("x_Requests"))
    except ValueError as exc:
        sink.reject(where, str(exc))
        return
    key = rec["x_UsageGroup"].strip()
    g = groups.get(key)
    fee = kind == "logged_fee"  # a fee the log stated (OpenRouter's BYOK fee): the row's fee_usd again
    if g is None:
        g = groups[key] = {
            "line": where,
            "timestamp": (rec.get("ChargePeriodStart") or "").strip() or None,
            "timestamp_end": (rec.get("ChargePeriodEnd") or "").strip() or None,
            "model": (rec.get("x_Model") or "").strip() or None,
            "channel": (rec.get("x_Channel") or "").strip() or None if fee else _own_channel(rec),
            "variant": (rec.get("x_Variant") or "").strip() or None,
            "batch": (rec.get("x_Batch") or "").strip().lower() == "true",
            **dict.fromkeys(OWN_FIELDS.values(), 0),
            "cost_usd": Decimal(0),
        }
    if fee:
        g["fee_usd"] = g.get("fee_usd", Decimal(0)) + Decimal(billed or 0)
        if (rec.get("x_Source") or "").strip() == BYOK_VARIANT:
            g["variant"] = BYOK_VARIANT  # the fee line names OpenRouter again
        return
    g["requests"] = requests
    if kind != "requests":
        g[OWN_FIELDS[kind]] += amount
    if kind == "reasoning":
        g["output_tokens"] += amount  # reasoning is inside output in a usage row
    g["cost_usd"] += Decimal(billed or 0)


def _provider(rec: dict[str, str]) -> str:
    name = (rec.get("ProviderName") or rec.get("Provider") or rec.get("ServiceProviderName") or "").lower()
    if "amazon" in name or "aws" in name:
        return "aws"
    if "microsoft" in name or "azure" in name:
        return "azure"
    if "google" in name or "gcp" in name:
        return "gcp"
    return name


def _parse(rec: dict[str, str]) -> dict | None:
    provider = _provider(rec)
    meter = (rec.get("SkuMeter") or "").strip()
    if provider == "aws":
        p = aws_cur.parse_usage_type(meter) or aws_cur.parse_usage_type(rec.get("x_UsageType") or "")
        if p is None:
            return None
        return {**p, "channel": "aws-bedrock"}
    if provider == "azure":
        service = " ".join((rec.get(c) or "") for c in ("ServiceName", "x_SkuMeterCategory")).lower()
        if not any(s in service for s in AZURE_SERVICES):
            return None
        p = azure_cost.parse_meter(meter) or azure_cost.parse_meter(rec.get("x_SkuMeterName") or "")
        if p is None:
            return None
        model = (rec.get("x_SkuMeterSubcategory") or "").strip() or " ".join(p["model_words"])
        return {
            "model": f"azure/{model}",
            "channel": "azure",
            "variant": azure_cost.variant_for(p["route"]),
            "line_type": p["line_type"],
            "batch": p["batch"],
            "long_context": p["long_context"],
        }
    if provider == "gcp":
        p = gcp_billing.parse_sku(meter) or gcp_billing.parse_sku(rec.get("ChargeDescription") or "")
        if p is None or not p["model"]:
            return None
        api = "gemini api" in (rec.get("ServiceName") or "").lower()
        region = (rec.get("RegionId") or "").strip().lower()
        variant = None if api else ("~global" if region in ("", "global") else "~regional")
        return {**p, "channel": "google" if api else "google-vertex", "variant": variant}
    return None


def _row(where: int, rec: dict[str, str], sink: Sink) -> None:
    try:
        billed, effective, listed = (money(rec.get(c)) for c in ("BilledCost", "EffectiveCost", "ListCost"))
    except ValueError as exc:
        sink.reject(where, str(exc))
        return
    currency = (rec.get("BillingCurrency") or "USD").strip().upper()
    if currency not in ("USD", ""):
        sink.reject(where, f"BillingCurrency {currency}: only USD bills can be reconciled with USD prices")
        return
    category = (rec.get("ChargeCategory") or "Usage").strip().lower()
    parsed = _parse(rec) if category == "usage" else None
    if parsed is None:
        sink.skipped += 1
        if billed is not None:
            label = f"{category} rows" if category != "usage" else "usage rows that are not model tokens"
            sink.total("focus rows not priced as usage", label, Decimal(billed))
        return
    per = unit_size(rec.get("ConsumedUnit"))
    if per is None:
        sink.reject(where, f"ConsumedUnit {rec.get('ConsumedUnit')!r} is not a token unit")
        return
    try:
        tokens = quantity(rec.get("ConsumedQuantity"), per)
    except ValueError as exc:
        sink.reject(where, str(exc))
        return
    if parsed.get("long_context"):
        sink.note("long-context meters are priced at the offer's base tier: check them by hand")
    one_line(
        sink,
        where,
        parsed["line_type"],
        tokens,
        timestamp=(rec.get("ChargePeriodStart") or "").strip() or None,
        timestamp_end=(rec.get("ChargePeriodEnd") or "").strip() or None,
        model=parsed["model"],
        channel=parsed["channel"],
        variant=parsed.get("variant"),
        batch=parsed["batch"],
        cost_usd=billed,
        effective_cost_usd=effective,
        list_cost_usd=listed,
        user=None,
    )
