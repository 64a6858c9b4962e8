"""Strict schema of plans.toml, discounts.toml and user price overlays (pydantic; unknown fields fail).

The runtime reads plans and discounts with `tomllib` only (see `plans.py`), so start-up stays light;
this schema is enforced by the test suite and `billpath catalog validate`, and on every overlay file.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from billpath.catalog.schema import STRICT, Id, Price, SourceSpec
from billpath.errors import CatalogError

Usd = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)]
Pct = Annotated[Decimal, Field(gt=0, lt=100, decimal_places=4)]


class PlanSpec(BaseModel):
    model_config = STRICT

    channel: Id
    id: Id
    name: str
    billing: Literal["usage-pool", "premium-requests", "unpriceable"]
    seat_usd_per_month: Usd
    included_usd: Usd | None = None
    included_requests: int | None = Field(default=None, ge=0)
    overage_usd_per_request: Usd | None = None
    multipliers: dict[str, Annotated[Decimal, Field(ge=0, le=100)]] = {}
    # an application's own per-token charge on top of the model's price, on every token (input, output,
    # cached), included usage and BYOK alike: Cursor's Token Rate on Teams plans
    token_rate_usd_per_mtok: Usd | None = None
    models: list[Id] = []
    arrivals: dict[str, date] = {}  # model -> date it reached the application, where sourced
    arrivals_source: str | None = None
    effective_from: date
    effective_to: date | None = None
    note: str
    source: SourceSpec

    @model_validator(mode="after")
    def _complete(self) -> PlanSpec:
        if self.arrivals and not self.arrivals_source:
            raise ValueError("`arrivals` need `arrivals_source` (where the dates come from)")
        if self.billing == "usage-pool" and (self.included_usd is None or not self.models):
            raise ValueError("a usage-pool plan needs `included_usd` and `models`")
        if self.billing == "premium-requests" and (
            self.included_requests is None or self.overage_usd_per_request is None or not self.multipliers
        ):
            raise ValueError(
                "a premium-requests plan needs `included_requests`, `overage_usd_per_request`, `multipliers`"
            )
        if self.effective_to and self.effective_to <= self.effective_from:
            raise ValueError("`effective_to` must be after `effective_from`")
        return self


class PlansFile(BaseModel):
    model_config = STRICT

    plans: list[PlanSpec]


class DiscountSpec(BaseModel):
    model_config = STRICT

    channel: Id
    kind: Literal["volume", "committed-use", "none-published"]
    percent_off: Pct | None = None
    min_monthly_usd: Usd | None = None
    models: list[Id] = []
    note: str
    source: SourceSpec

    @model_validator(mode="after")
    def _pct(self) -> DiscountSpec:
        if self.kind == "none-published" and self.percent_off is not None:
            raise ValueError("a `none-published` entry has no `percent_off`")
        if self.kind == "volume" and self.percent_off is None:
            raise ValueError("a `volume` discount needs `percent_off`")
        return self


class DiscountsFile(BaseModel):
    model_config = STRICT

    discounts: list[DiscountSpec]


class OverlayDiscount(BaseModel):
    model_config = STRICT

    """Percent off a channel's list prices (all its models, or `models`), from `min_monthly_usd` of spend."""

    channel: str
    percent_off: Pct
    models: list[str] = []
    min_monthly_usd: Usd | None = None
    note: str | None = None


class OverlayPrice(BaseModel):
    model_config = STRICT

    """Explicit per-Mtok prices for one model on one channel (fields left out keep the catalog's)."""

    model: str
    channel: str
    variant: str | None = None
    input_per_mtok: Price | None = None
    output_per_mtok: Price | None = None
    cache_read_per_mtok: Price | None = None
    cache_write_5m_per_mtok: Price | None = None
    cache_write_1h_per_mtok: Price | None = None
    per_request: Price | None = None
    note: str | None = None


class OverlayFile(BaseModel):
    model_config = STRICT

    discounts: list[OverlayDiscount] = []
    prices: list[OverlayPrice] = []


def validation_error(path: Path | str, exc: ValidationError) -> CatalogError:
    lines = [f"{path}: {len(exc.errors())} problem(s):"]
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        hint = " (remove it or fix its spelling)" if err["type"] == "extra_forbidden" else ""
        lines.append(f"  {where}: {err['msg']}{hint}")
    return CatalogError("; ".join(lines))


def validate_plans_and_discounts(data_dir: Path | None = None) -> tuple[int, int]:
    """Validate plans.toml and discounts.toml strictly; return how many plans and discount entries."""
    import tomllib

    from billpath.catalog.plans import DATA_DIR

    data_dir = data_dir or DATA_DIR
    counts = []
    for name, schema in (("plans.toml", PlansFile), ("discounts.toml", DiscountsFile)):
        path = data_dir / name
        try:
            parsed = schema.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except ValidationError as exc:
            raise validation_error(path, exc) from exc
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError(f"{path}: not valid TOML: {exc}") from exc
        counts.append(len(next(iter(parsed.model_dump().values()))))
    return counts[0], counts[1]
