"""Azure cost details (Cost Management export, CSV) Azure OpenAI / Foundry meter rows.

Rows of `consumedService` Microsoft.CognitiveServices (meterCategory "Azure OpenAI", "Foundry
Models", …) are token meters: `meterSubCategory` is often the model, `meterName` the meter, e.g.
`gpt 4.1 Inp glbl Tokens`, `gpt 4.1 cached Inp glbl Tokens`, `5.1 pp cd inp Dz 1M Tokens`. Meter names
follow no single grammar, so they are matched by case-insensitive words: route `glbl`/`Gl` (Global),
`Data Zone`/`DZ` (Data Zone), `regnl` (regional); type `Inp`/`Outp`, `cached`/`cd` (cache read), `Wr`
(cache write), `Batch`. A meter with `L` after the route is the long-context meter. A name this
parser does not understand (provisioned units, hosting hours) is skipped with its amount, never
guessed. `costInUSD` is the billed cost; `paygCostInUSD` the pay-as-you-go (list) cost where present.
The quantity is `quantity` in `unitOfMeasure` ("1K", "1M" or tokens).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from billpath.usage.readers.base import Sink
from billpath.usage.readers.tabular import iter_csv, money, one_line, quantity

SERVICES = ("microsoft.cognitiveservices", "microsoft.machinelearningservices")
WORD = re.compile(r"[a-z0-9.]+")
ROUTE = {"glbl": "global", "gl": "global", "global": "global", "dz": "data-zone", "regnl": "regional"}
UNIT = re.compile(r"^\s*(\d*)\s*([KM]?)\s*(?:tokens?)?\s*$", re.IGNORECASE)
TOKEN_MARKERS = {"inp", "input", "outp", "output", "cached", "cd", "wr"}


def looks_like_header(names: list[str]) -> bool:
    low = {n.lower() for n in names}
    return {"metername", "costinusd"} <= low or {"metername", "consumedservice", "quantity"} <= low


@lru_cache(maxsize=4096)  # a bill has few distinct names: parse each once
def parse_meter(meter: str) -> dict | None:
    """`gpt 4.1 cached Inp glbl Tokens` -> line type, route, batch, long context; None if not a token meter."""
    words = WORD.findall(meter.lower().replace("data zone", "dz").replace("-", " "))
    if not TOKEN_MARKERS & set(words):
        return None
    if "provisioned" in words or "hosting" in words or words[-1:] == ["unit"]:
        return None
    if "wr" in words:
        line_type = "cache_write_5m"
    elif "cached" in words or "cd" in words:
        line_type = "cache_read"
    elif "outp" in words or "output" in words:
        line_type = "output"
    else:
        line_type = "input"
    route = next((ROUTE[w] for w in words if w in ROUTE), None)
    return {
        "line_type": line_type,
        "route": route,
        "batch": "batch" in words,
        "long_context": "l" in words,
        "model_words": [w for w in words if w not in TOKEN_MARKERS and w not in ROUTE and w not in ("tokens", "1m")],
    }


def variant_for(route: str | None) -> str | None:
    """The catalog variant of an Azure route: Global and Data Zone are variants; regional is a hint."""
    if route == "global":
        return "global"
    if route == "data-zone":
        return "data-zone"
    if route == "regional":
        return "~regional"
    return None


def unit_size(unit: str | None) -> int | None:
    if unit is None or not unit.strip():
        return 1
    m = UNIT.match(unit)
    if not m:
        return None
    n = int(m.group(1) or 1)
    return n * {"": 1, "K": 1000, "M": 1_000_000}[m.group(2).upper()]


def read(path: Path, sink: Sink) -> None:
    sink.note("Azure cost-detail rows: billed cost is costInUSD; model from meterSubCategory")
    for where, rec in iter_csv(path, sink):
        _row(where, {k.lower(): v for k, v in rec.items()}, sink)


def _row(where: int, rec: dict[str, str], sink: Sink) -> None:
    service = (rec.get("consumedservice") or "").strip().lower()
    try:
        cost = money(rec.get("costinusd") or rec.get("costinbillingcurrency") or rec.get("cost"))
        listed = money(rec.get("paygcostinusd") or rec.get("paygcostinbillingcurrency"))
    except ValueError as exc:
        sink.reject(where, str(exc))
        return
    meter = (rec.get("metername") or "").strip()
    parsed = parse_meter(meter) if service in SERVICES else None
    if parsed is None:
        sink.skipped += 1
        if cost is not None:
            sink.total("azure lines not priced as usage", meter or service or "other", Decimal(cost))
        return
    per = unit_size(rec.get("unitofmeasure"))
    if per is None:
        sink.reject(where, f"unknown unitOfMeasure {rec.get('unitofmeasure')!r} for a token meter")
        return
    try:
        tokens = quantity(rec.get("quantity"), per)
    except ValueError as exc:
        sink.reject(where, str(exc))
        return
    if parsed["long_context"]:
        sink.note("Azure long-context meters ('L') are priced at the offer's base tier: check them by hand")
    model = (rec.get("metersubcategory") or "").strip() or " ".join(parsed["model_words"])
    one_line(
        sink,
        where,
        parsed["line_type"],
        tokens,
        timestamp=(rec.get("date") or rec.get("usagedatetime") or "").strip() or None,
        model=f"azure/{model}" if model else None,
        channel="azure",
        variant=variant_for(parsed["route"]),
        batch=parsed["batch"],
        cost_usd=cost,
        list_cost_usd=listed,
    )
