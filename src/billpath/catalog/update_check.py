"""What a local catalog update (the file `billpath catalog update` writes) must pass: checked before it is
written and again each time it is read, so a broken or hand-edited file is refused by name, never a
KeyError or a silent $0 later.

- Shape: the file is an object of `models`, `offers` (and `aliases`), every field of the type the
  runtime store reads (`OFFER_TYPES`, `MODEL_TYPES`: what the bundled build writes).
- The bundled catalog's own offer checks (`validate.offer_problems`): known model and channel, source,
  prices that are finite, non-negative, at most 6 decimal places and of a plausible magnitude.
- Against the price it replaces: a component the bundled offer charges for may not become $0.
"""

from __future__ import annotations

import shlex
from collections.abc import Set
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from billpath.catalog.fields import PRICE_FIELDS
from billpath.catalog.validate import offer_problems
from billpath.errors import CatalogError

if TYPE_CHECKING:
    from billpath.catalog.store import Offer

MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError, InvalidOperation)

# The snapshot's types, field by field (what the bundled build writes and the runtime reads):
# "str", "int", "bool", "date" (YYYY-MM-DD text), "decimal" (a decimal string), "list[str]", a nested
# dict of the same, or a tuple of them (None allowed where "none" is in the tuple).
_SOURCE = {"url": "str", "checked": "str", "note": ("str", "none")}
_FEATURES = {
    "prompt_caching": "bool",
    "cache_1h": "bool",
    "extended_thinking": "bool",
    "long_context": "bool",
    "max_context_tokens": ("int", "none"),
    "web_search": "bool",
    "priority": "bool",
    "flex": "bool",
}
_TIER = {"above_input_tokens": "int", **{f: ("decimal", "none") for f in PRICE_FIELDS}}
OFFER_TYPES = {
    "model": "str",
    "channel": "str",
    "variant": "str",
    "variant_kind": "str",
    "ids": "list[str]",
    "available_from": ("date", "none"),
    "effective_from": "date",
    "effective_to": ("date", "none"),
    "tiers": [_TIER],
    "batch_multiplier": ("decimal", "none"),
    "batch_discounts_cache": "bool",
    "features": _FEATURES,
    "notes": "list[str]",
    "source": _SOURCE,
}
MODEL_TYPES = {
    "id": "str",
    "name": "str",
    "maker": "str",
    "family": "str",
    "released": ("date", "none"),
    "aliases": "list[str]",
    "context_tokens": ("int", "none"),
    "open_weights": "bool",
    "source": _SOURCE,
}
REQUIRED_OFFER = set(OFFER_TYPES) - {"notes"}
REQUIRED_MODEL = {"id", "name", "maker", "family", "source"}


def _is(value: object, kind) -> bool:
    if isinstance(kind, tuple):
        return any(_is(value, k) for k in kind)
    if kind == "none":
        return value is None
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**62
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "list[str]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "date":
        from datetime import date

        try:
            return isinstance(value, str) and bool(date.fromisoformat(value))
        except ValueError:
            return False
    if kind == "decimal":
        try:
            return isinstance(value, str) and Decimal(value).is_finite()
        except InvalidOperation:
            return False
    raise AssertionError(kind)


def type_problem(value: object, types: dict, where: str, required: Set[str] = frozenset()) -> str | None:
    """The first field of `value` that is missing or not of its snapshot type (None: all are)."""
    if not isinstance(value, dict):
        return f"{where} must be an object, got {type(value).__name__}"
    for key in required:
        if key not in value:
            return f"{where} lacks `{key}`"
    for key, kind in types.items():
        if key not in value:
            continue
        v = value[key]
        if isinstance(kind, dict):
            problem = type_problem(v, kind, f"{where}.{key}")
        elif isinstance(kind, list):
            if not isinstance(v, list) or not v:
                return f"{where}.{key} must be a non-empty array"
            problem = next(
                (p for i, t in enumerate(v) if (p := type_problem(t, kind[0], f"{where}.{key}[{i}]", set(kind[0])))),
                None,
            )
        else:
            problem = None if _is(v, kind) else f"{where}.{key} is {v!r:.60}, not a {kind}"
        if problem:
            return problem
    return None


def remedy(path: Path) -> str:
    source = path.stem
    return f"delete it (`rm {shlex.quote(str(path))}`) or re-run `billpath catalog update {source}`"


def broken(path: Path, problem: str) -> CatalogError:
    """The one-line error for a local update file that cannot be used."""
    problem = " ".join(str(problem).split())
    if len(problem) > 300:
        problem = problem[:297] + "..."
    return CatalogError(f"local catalog update {path} is broken ({problem}): {remedy(path)}")


def shape_problem(data: object) -> str | None:
    """Why `data` is not a local update file's shape (None when every entry reads)."""
    if not isinstance(data, dict):
        return f"expected a JSON object of models and offers, got {type(data).__name__}"
    for key, kind in (("models", list), ("offers", list), ("aliases", dict)):
        if key in data and not isinstance(data[key], kind):
            return f"`{key}` must be a JSON {'array' if kind is list else 'object'}"
    for i, m in enumerate(data.get("models", [])):
        problem = type_problem(m, MODEL_TYPES, f"models[{i}]", REQUIRED_MODEL)
        if problem:
            return problem
    for i, o in enumerate(data.get("offers", [])):
        problem = type_problem(o, OFFER_TYPES, f"offers[{i}]", REQUIRED_OFFER)
        if problem:
            return problem
    for name, target in data.get("aliases", {}).items():
        if not (isinstance(target, list) and len(target) == 3 and isinstance(target[0], str)):
            return f"alias {name!r} must be [model, channel or null, variant or null]"
    return None


def lost_price_problems(new: dict, old: Offer | None) -> list[str]:
    """Components the replaced offer charges for that the new one would price at $0."""
    if old is None:
        return []
    out = []
    old_tiers = {t.above_input_tokens: t for t in old.tiers}
    for t in new.get("tiers", []):
        before = old_tiers.get(t.get("above_input_tokens"))
        if before is None:
            continue
        for f in PRICE_FIELDS:
            was, now = getattr(before, f), t.get(f)
            try:
                zero = now is not None and Decimal(now) == 0
            except (InvalidOperation, TypeError, ValueError):
                continue  # reported by the price checks
            if zero and was is not None and was > 0:
                out.append(
                    f"offer {new.get('model')} on {new.get('channel')} ({new.get('variant')}): {f} would drop from "
                    f"{was} to 0, pricing it at $0 where the bundled catalog charges: refused"
                )
    return out


def update_problems(offer: dict, models: set[str], channels: set[str], old: Offer | None) -> list[str]:
    """Every reason one offer of an update may not be written (an empty list: it may)."""
    where = f"offer {offer.get('model')} on {offer.get('channel')} ({offer.get('variant')})"
    problem = type_problem(offer, OFFER_TYPES, "offer", REQUIRED_OFFER)
    if problem:
        return [f"{where}: {problem}"]
    return offer_problems(offer, models, channels) + lost_price_problems(offer, old)


def check_file(path: Path, data: object, known: tuple[set[str], set[str]] | None = None) -> None:
    """Raise the one-line error naming `path` unless the loaded update file can be used as it stands.

    `known`: the bundled catalog's (model ids, channel ids), which the file's offers must name.
    """
    problem = shape_problem(data)
    if problem:
        raise broken(path, problem)
    assert isinstance(data, dict)
    models = {m["id"] for m in data.get("models", [])} | (known[0] if known else set())
    for o in data.get("offers", []):
        channels = known[1] if known else {o["channel"]}
        found = offer_problems(o, models if known else models | {o["model"]}, channels)
        if found:
            raise broken(path, found[0])
