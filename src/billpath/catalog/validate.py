"""`billpath catalog validate`: the curated files strictly (pydantic, unknown fields fail) and the whole built
snapshot (curated + imported + the user's overrides): sources, dates, prices, tiers, effective ranges, names.

Every problem says where it is and how to fix it. Plain dict checks, no pydantic: local catalog updates are
checked with them each time they are loaded (`update_check`). The JSON Schema files are `schema_files`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from billpath.catalog.fields import PRICE_FIELDS
from billpath.money import decimal_places

_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
VARIANT_KINDS = ("standard", "location", "service-tier")
# No model sells tokens anywhere near these (the dearest in the catalog: $600 per million output tokens); a
# price above them is a unit mix-up (per token read as per million) or a hostile source, never a price.
MAX_PER_MTOK = Decimal(10_000)
MAX_PER_REQUEST = Decimal(100)


def _fix_hint(offer: dict) -> str:
    src = offer.get("source", {}).get("note") or ""
    if src.startswith("catalog update"):
        return "re-run `billpath catalog update` or delete the override file"
    if any(n.startswith("imported from") for n in offer.get("notes", [])):
        return (
            "fix the vendored data in catalog/sources/, or add a curated offer for it "
            "(curated offers win) or a [[skip]] in catalog/data/import-rules.toml"
        )
    return f"edit catalog/data/channels/{offer.get('channel')}.toml"


def _where(o: dict) -> str:
    return f"offer {o.get('model')} on {o.get('channel')} ({o.get('variant')}, from {o.get('effective_from')})"


def _price_problems(o: dict) -> list[str]:
    out = []
    tiers = o.get("tiers") or []
    if not tiers:
        return [f"{_where(o)}: no prices: give at least one tier"]
    bounds = [t.get("above_input_tokens") for t in tiers]
    if bounds[0] != 0 or any(not isinstance(b, int) for b in bounds) or bounds != sorted(set(bounds)):
        out.append(f"{_where(o)}: tiers must start at 0 and increase strictly, got {bounds}: sort them by threshold")
    for t in tiers:
        for f in PRICE_FIELDS:
            v = t.get(f)
            if v is None:
                if f in ("input_per_mtok", "output_per_mtok", "per_request"):
                    out.append(f"{_where(o)}: tier above {t.get('above_input_tokens')} lacks {f}: give it")
                continue
            d = _decimal(v)
            if d is None:
                out.append(f'{_where(o)}: {f} {v!r} is not a decimal number: write it like "2.5"')
                continue
            cap = MAX_PER_REQUEST if f == "per_request" else MAX_PER_MTOK
            if not d.is_finite():
                out.append(f"{_where(o)}: {f} {v!r} is not a finite number: give a price")
            elif d < 0:
                out.append(f"{_where(o)}: {f} is negative ({v}): prices are zero or more")
            elif d > cap:
                unit = "per request" if f == "per_request" else "per million tokens"
                out.append(f"{_where(o)}: {f} {v} is over ${cap:,} {unit}, not a plausible price: check the unit")
            elif decimal_places(d) > 6:
                out.append(f"{_where(o)}: {f} {v} has more than 6 decimal places: round it to 6")
    bm = o.get("batch_multiplier")
    try:
        bad_bm = bm is not None and not (Decimal(bm).is_finite() and 0 < Decimal(bm) <= 100)
    except (InvalidOperation, TypeError, ValueError):
        bad_bm = True
    if bad_bm:
        out.append(f"{_where(o)}: batch_multiplier {bm} must be in (0, 100]")
    return out


_CLOCK = re.compile(r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _schedule_problems(o: dict) -> list[str]:
    """A time-of-day schedule (`time_of_day`): peak windows of known days, HH:MM UTC with start before end, and
    an off-peak multiplier in (0, 1] (so pricing a row of unknown time at peak is an upper bound)."""
    t = o.get("time_of_day")
    if t is None:
        return []
    if not isinstance(t, dict) or not isinstance(t.get("peak"), list) or not t["peak"]:
        return [f"{_where(o)}: time_of_day needs `peak` windows: give at least one"]
    out = []
    for w in t["peak"]:
        days, start, end = (w.get(k) if isinstance(w, dict) else None for k in ("days", "start", "end"))
        if not isinstance(days, list) or not days or any(d not in DAYS for d in days) or len(set(days)) < len(days):
            out.append(f"{_where(o)}: peak window days {days!r} must name days once each, of {', '.join(DAYS)}")
        if not (isinstance(start, str) and isinstance(end, str) and _CLOCK.match(start) and _CLOCK.match(end)):
            out.append(f'{_where(o)}: peak window {start!r}-{end!r}: write UTC times like "01:00" and "04:00"')
        elif end <= start:
            out.append(f"{_where(o)}: peak window {start}-{end} ends before it starts: split it at midnight")
    m = _decimal(t.get("off_peak_multiplier"))
    if m is None or not m.is_finite() or not 0 < m <= 1 or decimal_places(m) > 4:
        out.append(
            f"{_where(o)}: off_peak_multiplier {t.get('off_peak_multiplier')!r} must be in (0, 1] with at most "
            "4 decimal places"
        )
    return out


def _decimal(value: object) -> Decimal | None:
    """`value` (text or a number) as a Decimal, NaN and infinities included; None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _source_problems(o: dict) -> list[str]:
    src = o.get("source") or {}
    out = []
    if not str(src.get("url", "")).startswith(("https://", "http://")):
        out.append(f'{_where(o)}: no source URL: add `source = {{ url = "https://...", checked = YYYY-MM-DD }}`')
    if not _DATE.match(str(src.get("checked", ""))):
        out.append(f"{_where(o)}: no checked date: add `checked = YYYY-MM-DD` (the day you verified the price)")
    return out


def _overlaps(offers: list[dict]) -> list[str]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for o in offers:
        groups[(o["model"], o["channel"], o["variant"])].append(o)
    out = []
    for key, group in groups.items():
        group.sort(key=lambda o: o["effective_from"])
        for a, b in pairwise(group):
            end = a.get("effective_to")
            if end is None or end > b["effective_from"]:
                out.append(
                    f"offer {key[0]} on {key[1]} ({key[2]}): price blocks from {a['effective_from']} and "
                    f"{b['effective_from']} overlap: end the first (`effective_to = {b['effective_from']}`)"
                )
        for o in group:
            if o.get("effective_to") and o["effective_to"] <= o["effective_from"]:
                out.append(f"{_where(o)}: effective_to {o['effective_to']} is not after effective_from: fix the dates")
    return out


def offer_problems(o: dict, models: set[str], channels: set[str]) -> list[str]:
    """Every problem of one snapshot-shaped offer on its own (known model and channel, variant, source,
    prices and their magnitudes): what the bundled catalog and every local update must pass."""
    problems = []
    if o["model"] not in models:
        problems.append(f"{_where(o)}: unknown model: add it to catalog/data/models.toml")
    if o["channel"] not in channels:
        problems.append(f"{_where(o)}: unknown channel: add catalog/data/channels/{o['channel']}.toml")
    if o.get("variant_kind") not in VARIANT_KINDS:
        problems.append(f"{_where(o)}: variant_kind must be one of {VARIANT_KINDS}")
    if not _ID.match(str(o.get("variant", ""))):
        problems.append(f"{_where(o)}: variant id must be lower case letters, digits, '.' and '-'")
    for p in _source_problems(o) + _price_problems(o) + _schedule_problems(o):
        problems.append(f"{p} ({_fix_hint(o)})")
    return problems


def validate_snapshot(snapshot: dict) -> list[str]:
    """Every problem in a built snapshot (an empty list means valid)."""
    problems: list[str] = []
    models = {m["id"] for m in snapshot["models"]}
    channels = {c["id"] for c in snapshot["channels"]}
    for m in snapshot["models"]:
        if not _ID.match(m["id"]) or len(m["id"]) > 80:
            problems.append(f"model id {m['id']!r}: use lower case letters, digits, '.' and '-' (at most 80)")
        if m.get("released") is not None and not _DATE.match(m["released"]):
            problems.append(f"model {m['id']}: released {m['released']!r} is not a date: write YYYY-MM-DD or omit it")
    variants = set()
    for o in snapshot["offers"]:
        problems += offer_problems(o, models, channels)
        variants.add((o["model"], o["channel"], o["variant"]))
    problems += _overlaps(snapshot["offers"])
    from billpath.catalog.moving import snapshot_problems

    problems += snapshot_problems(snapshot)
    for name, target in snapshot["aliases"].items():
        model, channel, variant = target
        if model not in models:
            problems.append(f"name {name!r} points at unknown model {model!r}: remove the alias or add the model")
        elif channel is not None and (model, channel, variant) not in variants:
            problems.append(f"name {name!r} points at {model} on {channel} ({variant}), which has no offer")
    return problems
