"""Cursor's usage-events CSV (dashboard export), every header generation.

Columns are found by name (older exports drop leading columns):

1. `Date,Model,Input (w/ Cache Write),Input (w/o Cache Write),Cache Read,Output Tokens,Total Tokens,Cost,Cost to you`
2. `Date,Kind,Model,Max Mode,Input (w/ Cache Write),Input (w/o Cache Write),Cache Read,Output Tokens,Total Tokens,Cost`
3. `Date,User,Cloud Agent ID,Automation ID,Kind,Model,Max Mode,…,Total Tokens,Cost` (some without `User`,
   some ending in `Requests` instead of `Cost`).

The four token columns are DISJOINT buckets: `Input (w/ Cache Write)` is the cache-write input,
`Input (w/o Cache Write)` the plain uncached input, then `Cache Read` and `Output Tokens`;
`Total Tokens` is their sum (a row whose buckets do not sum to it is rejected: it follows another
convention, and pricing it would be a guess). `Cost` is Cursor's own charge (it includes the Teams
Token Rate); `Included`, `Free` and `-` are placeholders, not $0. Cursor bills agent usage at the
model makers' API rates, so rows are priced on the maker's own channel; `auto` names no maker model
and stays unpriced.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from billpath.usage.readers.base import Sink
from billpath.usage.readers.tabular import count, header, iter_csv, money

CACHE_WRITE = "Input (w/ Cache Write)"
INPUT = "Input (w/o Cache Write)"
CACHE_READ = "Cache Read"
OUTPUT = "Output Tokens"
TOTAL = "Total Tokens"
MARKERS = (CACHE_WRITE, INPUT, CACHE_READ, OUTPUT)
PLACEHOLDERS = {"included", "free", "-", "n/a"}
# Effort, thinking and context-mode suffixes of Cursor's labels: they change the tokens, not the price.
SUFFIXES = re.compile(r"-(?:thinking|high|xhigh|low|medium|max|minimal|none)$")
CLAUDE = re.compile(r"^claude-(\d+(?:[.-]\d+)?)-(opus|sonnet|haiku)(.*)$")
# Weak provider names (an API flavour, not a channel): the maker's own channel prices the row, and the
# name tells the Teams rows (Cursor Token Rate) from the others after pricing.
PROVIDER = "~cursor-individual"
PROVIDER_TEAM = "~cursor-teams"
PRICED_NOTE = (
    "Cursor usage is priced at the model makers' API rates (Cursor bills agent usage at API prices), "
    "on the maker's own channel"
)


def looks_like_header(names: list[str]) -> bool:
    return all(m in names for m in MARKERS) and "Model" in names


def is_team(path: Path) -> bool:
    """A team export lists its members (`User`): the Teams Cursor Token Rate applies to it."""
    return "User" in header(path)


@lru_cache(maxsize=4096)  # a bill has few distinct names: parse each once
def model_name(label: str) -> str:
    """Cursor's label (`claude-4.5-opus-high-thinking`) -> a maker-style name (`claude-opus-4-5`)."""
    name = label.strip().lower()
    while True:
        stripped = SUFFIXES.sub("", name)
        if stripped == name:
            break
        name = stripped
    m = CLAUDE.match(name)
    if m:
        version, family, rest = m.groups()
        name = f"claude-{family}-{version.replace('.', '-')}{rest}"
    return name


def read(path: Path, sink: Sink) -> None:
    sink.note(PRICED_NOTE)
    names = header(path)
    team = "User" in names
    if team:
        sink.note(
            "Cursor team export (it lists users): the Cursor Token Rate ($0.25 per 1M tokens, Teams plans) "
            "is added to every non-Auto row (its start date is not published: applied whatever the row's date)"
        )
    for where, rec in iter_csv(path, sink):
        _row(where, rec, PROVIDER_TEAM if team else PROVIDER, sink)


def _row(where: int, rec: dict[str, str], provider: str, sink: Sink) -> None:
    try:
        write, plain, cached, out = (count(rec.get(c)) for c in MARKERS)
        total = count(rec.get(TOTAL)) if rec.get(TOTAL, "").strip() else None
    except ValueError as exc:
        sink.reject(where, str(exc))
        return
    if total is not None and write + plain + cached + out != total:
        sink.reject(
            where,
            f"the token buckets sum to {write + plain + cached + out:,}, not Total Tokens {total:,} "
            "(not Cursor's disjoint-bucket convention)",
        )
        return
    label = (rec.get("Model") or "").strip()
    cost_text = (rec.get("Cost") or "").strip()
    if cost_text.lower() in PLACEHOLDERS:
        cost = None
    else:
        try:
            cost = money(cost_text)
        except ValueError as exc:
            sink.reject(where, f"Cost: {exc}")
            return
    kind = (rec.get("Kind") or "").strip()
    if cost is not None:  # what Cursor says it charged, per user and kind (Included rows state no amount)
        who = (rec.get("User") or "").strip() or "(no user)"
        name = re.sub(r"[^a-z0-9]+", "_", kind.lower()).strip("_") or "cost"
        sink.total(f"cursor user {who}", f"{name}_usd", Decimal(cost))
    if "no charge" in kind.lower():
        sink.note("Cursor rows of Kind 'Errored, No Charge' are priced for their tokens; Cursor did not charge them")
    sink.row(
        where,
        timestamp=(rec.get("Date") or "").strip() or None,
        model=model_name(label) if label else None,
        channel=provider,
        input_tokens=plain,
        output_tokens=out,
        cache_read_tokens=cached,
        cache_write_tokens=write,
        requests=1,
        cost_usd=cost,
        user=(rec.get("User") or "").strip() or None,
    )
