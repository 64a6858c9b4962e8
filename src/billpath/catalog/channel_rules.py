"""Rules a channel states once for all its offers, applied at build time to curated and imported offers alike.

* `[[channel.variants]]`: a variant every standard offer of the channel has, priced as a multiple of it
  (Together's US-only endpoint `us-api.together.ai` at 1.25x). A derived price the SQL evaluators could not
  hold exactly is not derived (the variant is left out for that offer, never rounded).
* `channel.batch_multiplier`: the batch price of offers that state none (Together: 50% on most serverless
  models), with `batch_note` saying how general the rule is.
* `[[channel.unpriced_variants]]`: a deployment sold without a published price (Claude's US Data Zone on
  Microsoft Foundry) gets no offer; the standard offers of the models it covers say so in a note.
* `channel.time_of_day`: the peak windows and off-peak multiplier the channel states once for every offer it
  prices by the time of day (DeepSeek). An imported offer's schedule takes them (genai-prices states its
  windows for every day of the week); a curated offer states its own.
"""

from __future__ import annotations

from decimal import Decimal

from billpath.catalog.store import PRICE_FIELDS
from billpath.money import exact

PLACES = 6  # decimal places per million tokens the evaluators hold exactly


def _scale(tier: dict, factor: Decimal) -> dict | None:
    out = {"above_input_tokens": tier["above_input_tokens"]}
    for name in PRICE_FIELDS:
        v = tier.get(name)
        if v is None:
            out[name] = None
            continue
        scaled = Decimal(v) * factor
        if scaled != scaled.quantize(Decimal(1).scaleb(-PLACES)):
            return None
        out[name] = exact(scaled)
    return out


def _channel_schedule(channel: dict, imported: dict | None) -> tuple[dict, str]:
    """The channel's own schedule for an imported one (None: the source states none, its prices are the peak
    prices: `models`), and the note that says which source decided."""
    tod = channel["time_of_day"]
    schedule = {k: tod[k] for k in ("peak", "off_peak_multiplier", "note") if tod.get(k)}
    src = tod["source"]
    if imported is None:
        return (
            schedule,
            f"time-of-day prices from {src['url']} (checked {src['checked']}): the source's prices are the peak prices",
        )
    note = f"time-of-day windows from {src['url']} (checked {src['checked']}), not the imported source's"
    if Decimal(imported["off_peak_multiplier"]) != Decimal(tod["off_peak_multiplier"]):
        note += f" (whose off-peak multiplier {imported['off_peak_multiplier']} is replaced too)"
    return schedule, note


def apply(offers: list[dict], channels: dict[str, dict]) -> tuple[list[dict], dict]:
    from fnmatch import fnmatch

    stats = {
        "channel_variants_added": 0,
        "channel_batch_filled": 0,
        "unpriced_variant_notes": 0,
        "channel_time_of_day_applied": 0,
    }
    added = []
    for o in offers:
        ch = channels.get(o["channel"])
        if ch is None:
            continue
        tod = ch.get("time_of_day")
        if tod and o.get("provenance") != "curated":
            current = o["effective_to"] is None and o["model"] in tod.get("models", [])
            if o.get("time_of_day") or current:
                o["time_of_day"], note = _channel_schedule(ch, o.get("time_of_day"))
                o["notes"] = [*o["notes"], note]
                stats["channel_time_of_day_applied"] += 1
        if ch.get("batch_multiplier") and o["batch_multiplier"] is None and o["variant_kind"] == "standard":
            o["batch_multiplier"] = str(ch["batch_multiplier"])
            o["notes"] = [*o["notes"], ch.get("batch_note") or f"batch {ch['batch_multiplier']}x (channel rule)"]
            stats["channel_batch_filled"] += 1
        if o["variant_kind"] == "standard":
            for u in ch.get("unpriced_variants", []):
                if any(fnmatch(o["model"], g) for g in u["models"]):
                    o["notes"] = [*o["notes"], f"{u['id']} ({u['region'].upper()}): {u['note']}"]
                    stats["unpriced_variant_notes"] += 1
        if o["variant_kind"] != "standard" or o["variant"] != "standard":
            continue
        for v in ch.get("variants", []):
            factor = Decimal(str(v["multiplier"]))
            tiers = [_scale(t, factor) for t in o["tiers"]]
            if any(t is None for t in tiers):
                continue
            batch = o["batch_multiplier"] if v.get("batch") in (None, True) else None
            source = v.get("source") or o["source"]
            added.append(
                {
                    **o,
                    "variant": v["id"],
                    "variant_kind": v.get("kind", "location"),
                    "ids": list(v.get("ids", [])),
                    "tiers": tiers,
                    "batch_multiplier": batch,
                    "notes": [v["note"], *o["notes"]],
                    "source": {
                        "url": source["url"],
                        "checked": str(source["checked"]),
                        **({"note": source["note"]} if source.get("note") else {}),
                    },
                }
            )
            stats["channel_variants_added"] += 1
    return offers + added, stats
