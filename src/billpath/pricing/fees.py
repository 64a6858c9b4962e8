"""Fees outside token prices (rule 5): aggregator credit-purchase fees and BYOK fees."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billpath.catalog.store import Channel
from billpath.errors import UsageError
from billpath.money import ZERO

BYOK = "byok"
# Credits are bought in purchases of this size unless the user says otherwise; a per-purchase
# minimum fee (OpenRouter: $0.80 by card) only binds on purchases below min / pct ($14.55).
DEFAULT_PURCHASE_USD = Decimal(100)


def payment_methods(channel: Channel) -> list[str]:
    methods = list(channel.fees.get("credit", {}))
    if channel.fees.get("byok_pct") is not None:
        methods.append(BYOK)
    return methods


@dataclass(frozen=True)
class FeeTerms:
    """How credits are bought, which decides an aggregator's fees: payment method and purchase size."""

    payment: str | None = None  # card (default), crypto or byok
    purchase_usd: Decimal = DEFAULT_PURCHASE_USD


def channel_fee(
    channel: Channel,
    subtotal: Decimal,
    requests: Decimal,
    payment: str | None,
    purchase_usd: Decimal = DEFAULT_PURCHASE_USD,
) -> tuple[Decimal, str | None]:
    """The fee a channel adds to `subtotal` of usage, and the note that explains it.

    Credit fees apply to the credits that pay for the usage, bought in purchases of `purchase_usd`:
    the effective rate is the larger of the percentage and the per-purchase minimum over the
    purchase size. BYOK fees are a share of what the usage would cost on the channel, charged on
    the requests beyond the free monthly allowance.
    """
    fees = channel.fees
    credit = fees.get("credit", {})
    if not credit and fees.get("byok_pct") is None:
        return ZERO, None
    method = payment or fees.get("default_payment")
    if method == BYOK:
        return _byok_fee(fees, subtotal, requests)
    if method not in credit:
        known = ", ".join(payment_methods(channel))
        raise UsageError(f"payment method {method!r} is not known on {channel.id}; use one of: {known}")
    if subtotal <= 0:
        return ZERO, None
    if purchase_usd <= 0:
        raise UsageError(f"credit purchase size must be positive (got {purchase_usd})")
    rule = credit[method]
    pct, minimum = Decimal(rule["pct"]), Decimal(rule["min_usd"])
    fee = subtotal * pct / 100
    note = f"{pct}% fee on credit purchases by {method}"
    if minimum:
        floor = subtotal * minimum / purchase_usd
        note += f" (minimum ${minimum} per purchase; purchases of ${purchase_usd} assumed)"
        if floor > fee:
            fee = floor
            note += f": the minimum binds, {minimum / purchase_usd * 100:.2f}% effective"
    return fee, note


def _byok_fee(fees: dict, subtotal: Decimal, requests: Decimal) -> tuple[Decimal, str]:
    free = Decimal(fees.get("byok_free_requests_per_month", 0))
    note = (
        f"bring-your-own-key: tokens billed to your own provider key; {fees['byok_pct']}% fee "
        f"on requests beyond the first {free:,} a month"
    )
    if requests <= free or subtotal <= 0:
        return ZERO, note
    # Cost is linear in requests, so the billable requests cost subtotal * billable / requests.
    fee = subtotal * Decimal(fees["byok_pct"]) / 100
    if free:
        fee = fee * (requests - free) / requests
    return fee, note
