"""Cursor Admin API usage events (`POST /teams/filtered-usage-events`): `{totalUsageEventsCount, usageEventsDisplay}`.

Each event: `timestamp` (epoch milliseconds, often a string), `model`, `kind`, `maxMode`,
`isTokenBasedCall`, `tokenUsage{inputTokens, outputTokens, cacheWriteTokens, cacheReadTokens,
totalCents}`, `chargedCents`, `userEmail`/`owningUser`. Counts may arrive as strings. The four token
counts are read as disjoint buckets, as in the CSV export (that `inputTokens` excludes cache writes is
not documented: the reconciliation against `totalCents` checks it). `totalCents` is what the event
cost at Cursor's rates (Token Rate included), `chargedCents` what was charged beyond the included
usage. An event without `tokenUsage` was not billed by tokens: it stays unpriced (an application
charge), never $0. The Admin API serves team accounts only, so the Teams Token Rate applies.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from billpath.usage.columns import LogError
from billpath.usage.readers.base import Sink, guarded, iter_json_records, need, num, position, records, text
from billpath.usage.readers.cursor_csv import PRICED_NOTE, PROVIDER_TEAM, model_name


def looks_like(obj: object) -> bool:
    if isinstance(obj, dict) and "usageEventsDisplay" in obj:
        return True
    rows = records(obj, "usageEventsDisplay")
    first = rows[0] if rows else None
    return isinstance(first, dict) and "tokenUsage" in first and "timestamp" in first


def read(path: Path, sink: Sink) -> None:
    sink.note(PRICED_NOTE)
    sink.note(
        "Cursor Admin API events (team accounts): the Cursor Token Rate ($0.25 per 1M tokens, Teams plans) "
        "is added to every non-Auto event"
    )
    index = 0
    for line, doc in iter_json_records(path, sink):
        if isinstance(doc, dict) and "error" in doc and "usageEventsDisplay" not in doc:
            if line == 0:
                raise LogError(f"{path}: an error response, not usage events: {text(doc.get('error'))}")
            sink.reject(line, f"an error response, not a usage event: {text(doc.get('error'))}")
            continue
        for rec in records(doc, "usageEventsDisplay"):
            index += 1
            _row(position(line, index - 1), rec, sink)


def _iso_ms(value: object) -> str | None:
    if value is None or value == "":
        return None
    ms = num(value)
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat()


def _cents(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"not an amount of cents: {value!r}")
    amount = Decimal(str(value)) if not isinstance(value, float) else Decimal(repr(value))
    return format(amount / 100, "f")


@guarded
def _row(where: int, rec: object, sink: Sink) -> None:
    if not isinstance(rec, dict):
        sink.reject(where, "expected a usage event object")
        return
    user = rec.get("userEmail") or rec.get("owningUser")
    usage = rec.get("tokenUsage")
    stamp = _iso_ms(rec.get("timestamp"))
    if not isinstance(usage, dict):
        # Billed in requests, not tokens: Cursor's own charge, no per-token price to compute.
        sink.row(
            where,
            timestamp=stamp,
            model=rec.get("model"),
            channel="cursor",
            input_tokens=0,
            output_tokens=0,
            requests=1,
            user=user,
        )
        return
    try:
        plain = need(usage.get("inputTokens"), "tokenUsage.inputTokens")
        out = need(usage.get("outputTokens"), "tokenUsage.outputTokens")
        write = num(usage.get("cacheWriteTokens"))
        cached = num(usage.get("cacheReadTokens"))
        cost = _cents(usage.get("totalCents"))
    except (ValueError, ArithmeticError) as exc:
        sink.reject(where, str(exc))
        return
    try:
        charged = _cents(rec.get("chargedCents"))
    except (ValueError, ArithmeticError) as exc:
        sink.reject(where, f"chargedCents: {exc}")
        return
    who = f"cursor user {text(user) or '(no user)'}"
    if cost is not None:
        sink.total(who, "at_cursor_rates_usd", Decimal(cost))
    if charged is not None:
        sink.total(who, "charged_usd", Decimal(charged))
    label = text(rec.get("model")) or ""
    sink.row(
        where,
        timestamp=stamp,
        model=model_name(label) if label else None,
        channel=PROVIDER_TEAM,
        input_tokens=plain,
        output_tokens=out,
        cache_read_tokens=cached,
        cache_write_tokens=write,
        requests=1,
        cost_usd=cost,
        user=user,
    )
