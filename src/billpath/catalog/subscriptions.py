"""Flat-fee subscriptions that include a coding agent (catalog/data/subscriptions.toml).

Read at run time with `tomllib` into plain dataclasses; `validate_subscriptions` checks the file
strictly (pydantic, unknown fields fail) for the test suite and `billpath catalog validate`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from billpath.catalog.store import Source
from billpath.errors import CatalogError

PATH = Path(__file__).parent / "data" / "subscriptions.toml"
SHORT = {"github-copilot": "copilot"}  # application channel -> the prefix of its plans' `--plan` ids


@dataclass(frozen=True)
class Subscription:
    id: str
    name: str
    makers: tuple[str, ...]
    agent: str
    usd_per_month: Decimal
    effective_from: date
    effective_to: date | None
    note: str
    source: Source

    def covers(self, maker: str) -> bool:
        return maker in self.makers


@cache
def subscriptions() -> tuple[Subscription, ...]:
    data = tomllib.loads(PATH.read_text(encoding="utf-8"))
    return tuple(
        Subscription(
            id=s["id"],
            name=s["name"],
            makers=tuple(s["makers"]),
            agent=s["agent"],
            usd_per_month=Decimal(s["usd_per_month"]),
            effective_from=s["effective_from"],
            effective_to=s.get("effective_to"),
            note=s["note"],
            source=Source(url=s["source"]["url"], checked=str(s["source"]["checked"]), note=s["source"].get("note")),
        )
        for s in data["subscriptions"]
    )


def pool_id(plan) -> str:
    """The `--plan` id of a usage-pool application plan (`plans.toml`): `<app>-<plan>`, e.g. `copilot-pro-plus`."""
    return f"{SHORT.get(plan.channel, plan.channel)}-{plan.id}"


def plan_ids() -> list[str]:
    """Every id `price-log --plan` accepts: flat subscriptions, then usage-pool plans."""
    from billpath.catalog.plans import plans

    return [s.id for s in subscriptions()] + [pool_id(p) for p in plans() if p.billing == "usage-pool"]


def validate_subscriptions(path: Path = PATH) -> int:
    """Check the file strictly; return how many subscriptions it holds. Raises CatalogError."""
    from typing import Annotated

    from pydantic import BaseModel, ConfigDict, Field, ValidationError

    from billpath.catalog.schema import Id, SourceSpec

    class Entry(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        id: Id
        name: str = Field(min_length=1)
        makers: list[Id] = Field(min_length=1)
        agent: str = Field(min_length=1)
        usd_per_month: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=6)]
        effective_from: date
        effective_to: date | None = None
        note: str = Field(min_length=1)
        source: SourceSpec

    class File(BaseModel):
        model_config = ConfigDict(extra="forbid")
        subscriptions: list[Entry]

    try:
        parsed = File.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CatalogError(f"{path}: {where}: {first['msg']}") from None
    ids = [s.id for s in parsed.subscriptions]
    if len(ids) != len(set(ids)):
        raise CatalogError(f"{path}: duplicate subscription ids")
    for s in parsed.subscriptions:
        if s.effective_to and s.effective_to <= s.effective_from:
            raise CatalogError(f"{path}: {s.id}: effective_to must be after effective_from")
    return len(ids)
