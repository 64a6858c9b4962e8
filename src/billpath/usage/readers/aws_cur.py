"""AWS Cost and Usage Report 2.0 (CSV) Bedrock line items: one line item per token type.

Bedrock lines (`line_item_product_code` AmazonBedrock, AmazonBedrockService or
AmazonBedrockFoundationModels) are parsed from `line_item_usage_type`:
`<REGION>-<model key>-<token type>[-<suffixes>]`, anchored on the token-type marker because model
keys contain dashes and dots (`USE1-Claude4.6Opus-cache-read-input-token-count-cross-region-global`,
`USW2-anthropic.claude-opus-4-8-mantle-cache-write-tokens-global-standard`). Token types: input,
output, cache read, cache write (`-1-hour`: the 1-hour write). Suffixes: `-batch`, `-flex`,
`-priority`, `-cross-region-global` / `-global-standard` (the global offer; without it the line is
in-region or geo cross-region: the regional offer where Bedrock sells one), `-custom-model`. A `-flex` or
`-priority` line is that location's service tier (`~regional-flex`, `~global-priority`): priced on the tier's
own price where the catalog has one, never at the standard price (`usage/routes.py`, `tier_variant`).

Each line becomes one usage row with its billed cost (`line_item_unblended_cost`), its effective
cost (`line_item_net_unblended_cost`, after discounts, where the export has it) and its list cost
(`pricing_public_on_demand_cost`). Quantities are tokens unless `pricing_unit` says blocks ("1K
tokens"). Marketplace lines (`USW2-MP:USW2_InputTokenCount-Units`) take the model from the product
name. Non-usage lines (tax, credits, refunds) and Bedrock lines that are not token lines
(provisioned throughput, …) are counted as skipped, with their amounts.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from billpath.usage.readers.base import Sink
from billpath.usage.readers.tabular import header, iter_csv, money, one_line, quantity

PRODUCTS = {"amazonbedrock", "amazonbedrockservice", "amazonbedrockfoundationmodels"}
USAGE_LINE_TYPES = {"usage", "discountedusage", "savingsplancoveredusage", ""}
TYPES = {
    "input-tokens": "input",
    "output-tokens": "output",
    "cache-read-input-token-count": "cache_read",
    "cache-write-input-token-count": "cache_write_5m",
    "mantle-input-tokens": "input",
    "mantle-output-tokens": "output",
    "mantle-cache-read-tokens": "cache_read",
    "mantle-cache-write-tokens": "cache_write_5m",
}
USAGE_TYPE = re.compile(
    r"^(?P<region>[A-Z]{2,4}[0-9]?)-(?P<key>.+?)-(?P<type>"
    + "|".join(sorted((re.escape(t) for t in TYPES), key=len, reverse=True))
    + r")(?P<suffix>(?:-[a-z0-9-]+)?)$"
)
SUFFIXES = ("-cross-region-global", "-global-standard", "-1-hour", "-batch", "-flex", "-priority", "-custom-model")
CLAUDE_KEY = re.compile(r"^Claude(\d+(?:\.\d+)?)(Opus|Sonnet|Haiku)$")
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])")
BLOCK = re.compile(r"^\s*(\d+)\s*([KM]?)\s*tokens?\s*$", re.IGNORECASE)


def looks_like_header(names: list[str]) -> bool:
    return {"line_item_usage_type", "line_item_usage_amount", "line_item_unblended_cost"} <= set(names)


def model_name(key: str) -> str:
    """A usage type's model key -> a model name to resolve (`Claude4.6Opus` -> `claude-opus-4-6`).

    Keys that are model ids (`anthropic.claude-opus-4-8`) are Bedrock's own ids and kept as they are.
    """
    m = CLAUDE_KEY.match(key)
    if m:
        version, family = m.groups()
        return f"claude-{family.lower()}-{version.replace('.', '-')}"
    if "." in key.split("-")[0] or key.islower():
        return key
    return CAMEL.sub("-", key).lower()


@lru_cache(maxsize=4096)  # a bill has few distinct names: parse each once
def parse_usage_type(usage_type: str) -> dict | None:
    """`USE1-Claude4.6Opus-input-tokens-cross-region-global` -> region, model, line type, variant, batch.

    None when it is not a token line.
    """
    m = USAGE_TYPE.match(usage_type.strip())
    if not m:
        return None
    suffix = m.group("suffix")
    rest = suffix
    flags = set()
    while rest:
        for s in SUFFIXES:
            if rest.startswith(s):
                flags.add(s[1:])
                rest = rest[len(s) :]
                break
        else:
            return None  # an unknown suffix: not a line this parser understands
    line_type = TYPES[m.group("type")]
    if "1-hour" in flags:
        if line_type != "cache_write_5m":
            return None
        line_type = "cache_write_1h"
    where = "global" if flags & {"cross-region-global", "global-standard"} else "regional"
    tier = next((t for t in ("flex", "priority") if t in flags), None)
    if "custom-model" in flags:
        variant = "custom-model"
    elif tier is not None:  # the service tier of that location's offer (`routes.tier_variant`)
        variant = f"~{where}-{tier}"
    elif where == "global":
        variant = "global"
    else:
        variant = "~regional"  # in-region or geo cross-region: the regional offer where one is sold
    return {
        "region": m.group("region"),
        "model": model_name(m.group("key")),
        "line_type": line_type,
        "variant": variant,
        "batch": "batch" in flags,
        "mantle": m.group("type").startswith("mantle-"),
    }


# Marketplace-listed models can bill as `USW2-MP:USW2_InputTokenCount-Units` (`_Global` for the global
# route, as in the Price List's `<REGION>_OutputTokenCount_Global`); the model is then only in the product name.
MARKETPLACE = re.compile(
    r"^(?P<region>[A-Z]{2,4}[0-9]?)-MP:(?:[A-Z]{2,4}[0-9]?_)?(?P<type>InputTokenCount|OutputTokenCount|"
    r"CacheReadInputTokenCount|CacheWriteInputTokenCount)(?P<global>_Global)?(?:-Units)?$"
)
MARKETPLACE_TYPES = {
    "InputTokenCount": "input",
    "OutputTokenCount": "output",
    "CacheReadInputTokenCount": "cache_read",
    "CacheWriteInputTokenCount": "cache_write_5m",
}
EDITION = re.compile(r"\s*\(Amazon Bedrock Edition\)\s*$", re.IGNORECASE)


def parse_marketplace(usage_type: str, product_name: str | None) -> dict | None:
    """`USW2-MP:USW2_InputTokenCount-Units` + "Claude Haiku 4.5 (Amazon Bedrock Edition)" -> a token line."""
    m = MARKETPLACE.match(usage_type.strip())
    name = EDITION.sub("", product_name or "").strip()
    if not m or not name:
        return None
    return {
        "region": m.group("region"),
        "model": name,
        "line_type": MARKETPLACE_TYPES[m.group("type")],
        "variant": "global" if m.group("global") else "~regional",
        "batch": False,
        "mantle": False,
    }


def block_size(unit: str | None) -> int | None:
    """Tokens per unit of a pricing unit: "1K tokens" -> 1000; blank -> 1; an unknown unit -> None."""
    if unit is None or not unit.strip() or unit.strip().lower() in ("tokens", "token", "units", "count"):
        return 1
    m = BLOCK.match(unit)
    if not m:
        return None
    return int(m.group(1)) * {"": 1, "K": 1000, "M": 1_000_000}[m.group(2).upper()]


def read(path: Path, sink: Sink) -> None:
    names = set(header(path))
    if "line_item_net_unblended_cost" not in names:
        sink.note(f"{path.name}: no line_item_net_unblended_cost column: effective cost not known")
    sink.note(
        "AWS CUR lines: billed cost is line_item_unblended_cost; a usage type without -cross-region-global "
        "is priced at Bedrock's regional (in-region / geo) offer where one is sold"
    )
    for where, rec in iter_csv(path, sink):
        _row(where, rec, sink)


def _row(where: int, rec: dict[str, str], sink: Sink) -> None:
    product = (rec.get("line_item_product_code") or "").strip().lower()
    kind = (rec.get("line_item_line_item_type") or "").strip().lower()
    try:
        cost = money(rec.get("line_item_unblended_cost"))
        effective = money(rec.get("line_item_net_unblended_cost"))
        listed = money(rec.get("pricing_public_on_demand_cost"))
    except ValueError as exc:
        sink.reject(where, str(exc))
        return
    if product not in PRODUCTS or kind not in USAGE_LINE_TYPES:
        sink.skipped += 1
        label = "other services" if product not in PRODUCTS else f"Bedrock {kind or 'non-usage'} lines"
        if cost is not None:
            sink.total("aws-cur lines not priced as usage", label, Decimal(cost))
        return
    usage_type = (rec.get("line_item_usage_type") or "").strip()
    parsed = parse_usage_type(usage_type) or parse_marketplace(
        usage_type, rec.get("product_product_name") or rec.get("product_name")
    )
    if parsed is None:
        sink.skipped += 1
        sink.note(f"Bedrock usage types that are not token lines are skipped (e.g. {usage_type!r}); amounts in totals")
        if cost is not None:
            sink.total("aws-cur lines not priced as usage", "Bedrock non-token lines", Decimal(cost))
        return
    per = block_size(rec.get("pricing_unit"))
    if per is None:
        sink.reject(where, f"unknown pricing_unit {rec.get('pricing_unit')!r} for a token line")
        return
    try:
        tokens = quantity(rec.get("line_item_usage_amount"), per)
    except ValueError as exc:
        sink.reject(where, str(exc))
        return
    if parsed["mantle"]:
        sink.note("Bedrock Mantle (OpenAI-compatible endpoint) lines are priced at the model's Bedrock offer")
    one_line(
        sink,
        where,
        parsed["line_type"],
        tokens,
        timestamp=(rec.get("line_item_usage_start_date") or "").strip() or None,
        timestamp_end=(rec.get("line_item_usage_end_date") or "").strip() or None,
        model=parsed["model"],
        channel="aws-bedrock",
        variant=parsed["variant"],
        batch=parsed["batch"],
        cost_usd=cost,
        effective_cost_usd=effective,
        list_cost_usd=listed,
    )
