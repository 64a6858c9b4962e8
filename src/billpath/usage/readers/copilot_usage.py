"""GitHub Copilot usage-report CSV (Billing and Licenses -> Usage -> Export), every header generation.

1. Premium requests, until October 2025: `"Timestamp","User","Model","Requests Used",
   "Exceeds Monthly Quota","Total Monthly Quota"`
2. From October 2025: `date,username,model,quantity,exceeds_quota,total_monthly_quota`
3. AI Credits transition: `date,username,product,sku,model,quantity,unit_type,applied_cost_per_quantity,
   gross_amount,discount_amount,net_amount,exceeds_quota,total_monthly_quota,organization,cost_center_name,
   aic_quantity,aic_gross_amount`
4. Documented order: `date,product,sku,quantity,unit_type,applied_cost_per_quantity,gross_amount,
   discount_amount,net_amount,username,organization,repository,cost_center_name,model,input,output,
   cache_read,cache_write,total_monthly_quota` (real files add `aic_quantity,aic_gross_amount`).

Rows with token counts (`input`, `output`, `cache_read`, `cache_write`) billed in AI Credits are
priced at the published per-model rates, which are the makers' list prices (1 credit = $0.01): on the
maker's own channel, reconciled against `gross_amount` (the list value). `discount_amount` is what the
included pool covered and `net_amount` what was billed as overage; both are summed per user as the
export states them. Premium-request rows (and AI-credit rows without token counts) carry no tokens:
they are Copilot's own per-request or per-credit charges and stay unpriced, with their amounts.
Whether `input` includes `cache_read` is not documented: it is read as uncached input, and the
reconciliation against `gross_amount` checks it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from billpath.usage.readers.base import Sink
from billpath.usage.readers.tabular import count, header, iter_csv, money

TOKENS = ("input", "output", "cache_read", "cache_write")
AUTO = "auto:"
PROVIDER = "~copilot-ai-credits"  # weak: priced on the maker's own channel (credits are at list prices)


def looks_like_header(names: list[str]) -> bool:
    low = {n.lower() for n in names}
    if {"requests used", "exceeds monthly quota", "model"} <= low:
        return True
    if {"date", "username", "model", "quantity", "exceeds_quota"} <= low:
        return True
    return {"date", "sku", "unit_type", "gross_amount", "net_amount"} <= low


def model_name(label: str) -> str:
    """`Auto: Claude Haiku 4.5` -> `Claude Haiku 4.5` (the model Auto selected)."""
    name = label.strip()
    if name.lower().startswith(AUTO):
        name = name[len(AUTO) :].strip()
    return name


def read(path: Path, sink: Sink) -> None:
    names = {n.lower() for n in header(path)}
    tokens = set(TOKENS) <= names
    if "gross_amount" in names:
        sink.note(
            "Copilot AI-credit rows are priced at the makers' list prices (GitHub's per-model credit rates); "
            "reconciled against gross_amount; discount_amount is the included pool, net_amount the overage billed"
        )
    if not tokens:
        sink.note(
            "this Copilot usage report has no token columns: its rows are premium requests or credits, "
            "Copilot's own charges, and stay unpriced (no per-token price to compute)"
        )
    for where, rec in iter_csv(path, sink):
        _row(where, {k.lower(): v for k, v in rec.items()}, tokens, sink)


def _row(where: int, rec: dict[str, str], tokens: bool, sink: Sink) -> None:
    stamp = (rec.get("date") or rec.get("timestamp") or "").strip() or None
    user = (rec.get("username") or rec.get("user") or "").strip() or None
    label = (rec.get("model") or "").strip()
    try:
        gross, discount, net = (money(rec.get(c)) for c in ("gross_amount", "discount_amount", "net_amount"))
        counts = {c: count(rec.get(c)) for c in TOKENS} if tokens else dict.fromkeys(TOKENS, 0)
    except ValueError as exc:
        sink.reject(where, str(exc))
        return
    who = user or "(no user)"
    for name, amount in (("gross_usd", gross), ("included_usd", discount), ("overage_usd", net)):
        if amount is not None:
            sink.total(f"copilot user {who}", name, Decimal(amount))
    unit = (rec.get("unit_type") or "").strip().lower()
    has_tokens = any(counts.values())
    if unit == "requests" or not has_tokens or "requests used" in rec or (not unit and "quantity" in rec):
        # Premium requests (or credits without token counts): billed per request/credit, no tokens.
        sink.row(
            where,
            timestamp=stamp,
            model=label or None,
            channel="github-copilot",
            input_tokens=0,
            output_tokens=0,
            requests=1,
            user=user,
        )
        return
    if label.lower().startswith(AUTO):
        sink.note("Copilot 'Auto: <model>' rows are priced as the model Auto selected")
    sink.row(
        where,
        timestamp=stamp,
        model=model_name(label) if label else None,
        channel=PROVIDER,
        input_tokens=counts["input"],
        output_tokens=counts["output"],
        cache_read_tokens=counts["cache_read"],
        cache_write_tokens=counts["cache_write"],
        requests=1,
        cost_usd=gross,
        user=user,
    )
