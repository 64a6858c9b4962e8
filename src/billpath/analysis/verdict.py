"""The verdict: one or two sentences that answer the question before any table.

Each command's verdict names the cheapest channel meeting the constraints, by how much it beats (or
not) what the user pays now, and the largest hidden cost. Application plans (coding-tool seats) are
never the answer to "which API channel": they are mentioned apart, if at all.
"""

from __future__ import annotations

from decimal import Decimal

from billpath.money import ZERO, display, pct
from billpath.pricing.quote import Quote


def signed_usd(amount: Decimal) -> str:
    """`+$1,234.50` / `-$12.00` / `$0.00`: a delta with its sign (display rounding, never a bare minus)."""
    if amount > 0:
        return f"+{display(amount)}"
    if amount < 0:
        return f"-{display(-amount)}"
    return display(ZERO)


def signed_pct(value: Decimal | None) -> str:
    if value is None:
        return "n/a"
    text = f"{value.quantize(Decimal('0.1')):f}"
    return f"+{text}%" if value > 0 else f"{text}%"


def offer_label(channel: str, variant: str) -> str:
    return channel if variant in ("standard", "") else f"{channel} {variant}"


def _tie_label(quotes: list) -> str:
    best = quotes[0].total
    tied = [q for q in quotes if q.total == best]
    names = [offer_label(q.offer.channel, q.offer.variant) for q in tied[:3]]
    more = len(tied) - len(names)
    if len(tied) == 1:
        return names[0]
    return ", ".join(names) + (f" and {more} more" if more else "") + " tie"


def largest_hidden_cost(quotes: list[Quote]) -> tuple[Quote, dict] | None:
    """The priced feature gap with the largest amount among `quotes` (None when none is priced)."""
    found = None
    for q in quotes:
        for gap in q.hidden_costs or ():
            if gap.get("amount") is None:
                continue
            amount = Decimal(gap["amount"])
            if amount > 0 and (found is None or amount > Decimal(found[1]["amount"])):
                found = (q, gap)
    return found


def compare_verdict(comp) -> str:
    """Cheapest API channel (ties named), its difference from the maker's own API, the largest hidden cost."""
    model = comp.model
    if not comp.quotes:
        released = getattr(comp, "released", None)
        if released and comp.at < released:
            return f"{model} was released on {released}: nothing prices it at {comp.at}."
        seats = f"; coding-tool seats from {display(comp.seats[0].total)}" if comp.seats else ""
        if comp.retired is not None:
            return f"{model} is no longer sold since {comp.retired_text}: nothing prices it at {comp.at}{seats}."
        return f"No API channel sells {model} at {comp.at}{seats}."
    best = comp.quotes[0]
    head = f"{model}: cheapest API channel is {_tie_label(comp.quotes)} at {display(best.total)}"
    if _is_zero_usage(comp.usage):
        return head + " (no tokens given: pass --input-tokens/--output-tokens for a real figure)."
    direct = _maker_quote(comp)
    if direct is None:
        head += " (the maker's own API does not sell it)"
    elif direct is not best and direct.total != best.total:
        saved = direct.total - best.total
        head += (
            f", {display(saved)} ({signed_pct(pct(-saved, direct.total))}) less than "
            f"{offer_label(direct.offer.channel, direct.offer.variant)} at {display(direct.total)}"
        )
    else:
        runner = next((q for q in comp.quotes if q.total > best.total), None)
        if runner is not None:
            head += (
                f"; the next, {offer_label(runner.offer.channel, runner.offer.variant)}, costs "
                f"{signed_usd(runner.total - best.total)}"
            )
    sentences = [head + "."]
    gap = largest_hidden_cost(comp.quotes)
    if gap is not None:
        q, g = gap
        what = g["note"].split(":")[0].replace(" here", "")
        where = offer_label(q.offer.channel, q.offer.variant)
        sentences.append(f"Largest hidden cost: {what} on {where} ({signed_usd(Decimal(g['amount']))}).")
    elif comp.seats:
        s = comp.seats[0]
        seats = f"{comp.seat_count} seats" if comp.seat_count > 1 else "one seat"
        sentences.append(
            f"Coding-tool seats are listed apart (not an API): {offer_label(s.offer.channel, s.offer.variant)} "
            f"{display(s.total)} for {seats}."
        )
    return " ".join(sentences)


def _maker_quote(comp):
    """The maker's own API quote (standard variant first): the baseline of "what you pay now"."""
    mine = [q for q in comp.quotes if q.offer.channel == getattr(comp, "direct", None)]
    return next((q for q in mine if q.offer.variant == "standard"), mine[0] if mine else None)


def _is_zero_usage(u) -> bool:
    return not any(
        (u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens, u.cache_write_1h_tokens)
    )


def recommend_verdict(model: str, ranking: list[dict], excluded: list[dict], requires: list[str], comp) -> str:
    req = f" under {', '.join(requires)}" if requires else ""
    if not ranking:
        why = f" ({excluded[0]['channel']}: {excluded[0]['reason']})" if excluded else ""
        return f"No channel sells {model}{req}{why}."
    top = ranking[0]
    cost = Decimal(top["monthly_cost"])
    text = f"{model}: use {offer_label(top['channel'], top['variant'])}{req} at {display(cost)}/month"
    direct = _maker_quote(comp)
    if direct is not None and direct.offer.channel != top["channel"]:
        delta = cost - direct.total
        if delta:
            text += f", {signed_usd(delta)} ({signed_pct(pct(delta, direct.total))}) against {direct.offer.channel}"
        else:
            text += f", the same as {direct.offer.channel}"
    if len(ranking) > 1:
        nxt = ranking[1]
        more = Decimal(nxt["monthly_cost"]) - cost
        text += f"; next {offer_label(nxt['channel'], nxt['variant'])} " + (
            signed_usd(more) if more else "at the same cost"
        )
    return text + "."


def price_log_verdict(result, best_mix: dict | None) -> str:
    counts = f"{result.rows_priced:,} of {result.rows_total:,} rows priced"
    problems = []
    if result.rows_unpriced:
        problems.append(f"{result.rows_unpriced:,} unpriced")
    if result.rows_rejected:
        problems.append(f"{result.rows_rejected:,} rejected")
    if problems:
        counts += f" ({', '.join(problems)}: see below)"
    text = f"The log cost {display(result.total)} on the channels it used ({counts})."
    over = getattr(result, "rows_over_context", 0)
    if over:
        text = (
            f"{over:,} rows are longer than their model's context window as one request and are rejected "
            "(daily totals? add a requests column). " + text
        )
    if best_mix and best_mix["by_model"]:
        delta = Decimal(best_mix["delta_usd"])
        if result.total and -delta < result.total / 1000:  # under 0.1%: not a reason to move
            delta = ZERO
        mix = ", ".join(f"{m['model']} -> {offer_label(m['channel'], m['variant'])}" for m in best_mix["by_model"][:4])
        more = len(best_mix["by_model"]) - 4
        mix += f" and {more} more" if more > 0 else ""
        if delta < 0:
            text += (
                f" Cheapest mix: {mix}, {display(Decimal(best_mix['total_usd']))} "
                f"({signed_usd(delta)}, {signed_pct(pct(delta, result.total))})."
            )
        else:
            text += f" Moving any model to another channel saves less than 0.1% (cheapest mix: {mix})."
    return text


def scenarios_verdict(payload: dict) -> str:
    best: dict[str, dict] = {}
    second: dict[str, dict] = {}
    for r in payload["rows"]:  # sorted by scenario, then total
        if r["scenario"] not in best:
            best[r["scenario"]] = r
        elif r["scenario"] not in second:
            second[r["scenario"]] = r
    if not best:
        return "No API channel sells every model of any scenario."
    parts = []
    for name, top in best.items():
        part = f"{name}: {top['channel']} {display(Decimal(top['total']))}"
        if name in second:
            nxt = second[name]
            more = Decimal(nxt["total"]) - Decimal(top["total"])
            part += f" (next {nxt['channel']} {signed_usd(more) if more else 'at the same cost'})"
        parts.append(part)
    return f"Cheapest API channel over {payload['months']} months: " + "; ".join(parts) + "."
