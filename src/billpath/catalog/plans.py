"""Plans and published discounts, read at run time with `tomllib` into plain dataclasses (no pydantic).

Their strict schema lives in `plans_schema.py`; the test suite and `catalog validate` enforce it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from billpath.catalog.store import Source

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Plan:
    channel: str
    id: str
    name: str
    billing: str  # usage-pool | premium-requests | unpriceable
    seat_usd_per_month: Decimal
    included_usd: Decimal | None
    included_requests: int | None
    overage_usd_per_request: Decimal | None
    multipliers: dict[str, Decimal]
    models: tuple[str, ...]
    effective_from: date
    effective_to: date | None
    note: str
    source: Source
    arrivals: dict[str, date]
    arrivals_source: str | None
    token_rate_usd_per_mtok: Decimal | None = None

    def valid_at(self, at: date) -> bool:
        return self.effective_from <= at and (self.effective_to is None or at < self.effective_to)

    def offers_model(self, model: str) -> bool:
        return model in self.models or model in self.multipliers


@dataclass(frozen=True)
class Discount:
    channel: str
    kind: str  # volume | committed-use | none-published
    percent_off: Decimal | None
    min_monthly_usd: Decimal | None
    models: tuple[str, ...]
    note: str
    source: Source

    def applies_to(self, channel: str, model: str) -> bool:
        return self.channel == channel and (not self.models or model in self.models)


def _source(d: dict) -> Source:
    return Source(url=d["url"], checked=str(d["checked"]), note=d.get("note"))


def _dec(v) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def _read(name: str) -> dict:
    return tomllib.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@cache
def plans() -> tuple[Plan, ...]:
    return tuple(
        Plan(
            channel=p["channel"],
            id=p["id"],
            name=p["name"],
            billing=p["billing"],
            seat_usd_per_month=Decimal(p["seat_usd_per_month"]),
            included_usd=_dec(p.get("included_usd")),
            included_requests=p.get("included_requests"),
            overage_usd_per_request=_dec(p.get("overage_usd_per_request")),
            multipliers={k: Decimal(v) for k, v in p.get("multipliers", {}).items()},
            models=tuple(p.get("models", ())),
            effective_from=p["effective_from"],
            effective_to=p.get("effective_to"),
            note=p["note"],
            source=_source(p["source"]),
            arrivals=dict(p.get("arrivals", {})),
            arrivals_source=p.get("arrivals_source"),
            token_rate_usd_per_mtok=_dec(p.get("token_rate_usd_per_mtok")),
        )
        for p in _read("plans.toml")["plans"]
    )


@cache
def published_discounts() -> tuple[Discount, ...]:
    return tuple(
        Discount(
            channel=d["channel"],
            kind=d["kind"],
            percent_off=_dec(d.get("percent_off")),
            min_monthly_usd=_dec(d.get("min_monthly_usd")),
            models=tuple(d.get("models", ())),
            note=d["note"],
            source=_source(d["source"]),
        )
        for d in _read("discounts.toml")["discounts"]
    )
