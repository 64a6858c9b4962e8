"""Named workload scenarios compared side by side over 12 months (`billpath scenarios FILE`).

File format (TOML; see examples/scenarios.toml):

    months = 12                 # optional (1-60)
    start = 2026-12-01          # optional: prices of this date (default today)
    channels = ["anthropic", "aws-bedrock", "openrouter"]   # optional: default every channel

    [[scenarios]]
    name = "today"
    requests = 3000             # per month, in month 1
    input_tokens = 10000        # per request (uncached prompt + cached share, see cache_hit_share)
    output_tokens = 1000
    cache_hit_share = "0.5"     # share of input tokens read from cache
    batch_share = "0.2"
    off_peak_share = "0.5"      # share of requests in off-peak hours (offers priced by the time of day)
    growth = "0.05"             # monthly growth of requests (5%)
    models = { "claude-sonnet-4-6" = "0.8", "gpt-5.4-mini" = "0.2" }   # model mix, shares sum to 1
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from billpath.catalog.store import Catalog, load_catalog
from billpath.money import ZERO, exact
from billpath.pricing.quote import Quote
from billpath.usage.record import Usage
from billpath.usage.workload import with_cache_hits


def _schema():
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

    class Scenario(Strict):
        name: str = Field(min_length=1)
        requests: Decimal = Field(gt=0)
        input_tokens: Decimal = Field(ge=0)
        output_tokens: Decimal = Field(ge=0)
        cache_write_tokens: Decimal = Field(default=Decimal(0), ge=0)
        cache_hit_share: Decimal = Field(default=Decimal(0), ge=0, le=1)
        batch_share: Decimal = Field(default=Decimal(0), ge=0, le=1)
        off_peak_share: Decimal = Field(default=Decimal(0), ge=0, le=1)
        growth: Decimal = Field(default=Decimal(0), ge=-1, le=10)
        models: dict[str, Decimal]

        @field_validator("models")
        @classmethod
        def _mix(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
            if not v:
                raise ValueError('give at least one model, e.g. models = { "claude-sonnet-4-6" = "1" }')
            if any(s <= 0 for s in v.values()) or sum(v.values()) != 1:
                raise ValueError(f"model shares must be positive and sum to 1 (they sum to {sum(v.values())})")
            return v

    class ScenariosFile(Strict):
        months: int = Field(default=12, ge=1, le=60)
        start: date | None = None
        channels: list[str] = Field(default_factory=list)
        scenarios: list[Scenario] = Field(min_length=1)

    return ScenariosFile


@dataclass
class Row:
    scenario: str
    channel: str
    monthly: list[Decimal]
    requests: list[Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.monthly, ZERO)


def load_scenarios(path: Path | str):
    from pydantic import ValidationError

    from billpath.catalog.plans_schema import validation_error
    from billpath.catalog.toml_input import load_toml

    path = Path(path)
    data = load_toml(path, "scenarios file")  # bounded: size, UTF-8, nesting, dotted keys, FIFOs
    try:
        return _schema().model_validate(data)
    except ValidationError as exc:
        raise validation_error(path, exc) from None


def channel_spend_discount(catalog: Catalog, channel: str, spend_by_model: dict[str, Decimal]) -> Decimal:
    """Spend-dependent discounts (overlay or published) on a channel's month, judged on its list spend."""
    from billpath.catalog.price_overlay import volume_discounts

    off = ZERO
    for d in volume_discounts(catalog):
        if d.channel != channel or d.percent_off is None:
            continue
        covered = sum((v for m, v in spend_by_model.items() if not d.models or m in d.models), ZERO)
        if covered and covered >= (d.min_monthly_usd or ZERO):
            off += covered * d.percent_off / 100
    return off


def run_scenarios(path: Path | str, *, catalog: Catalog | None = None) -> dict:
    """Cost per scenario, channel and month; a channel appears for a scenario only if it sells every model."""
    from billpath.analysis.compare import compare

    catalog = catalog or load_catalog()
    spec = load_scenarios(path)
    at = spec.start or date.today()
    for ch in spec.channels:
        catalog.channel(ch)
    rows: list[Row] = []
    seat_rows: list[Row] = []
    skipped: list[dict] = []
    for sc in spec.scenarios:
        per_request = with_cache_hits(
            Usage(
                input_tokens=sc.input_tokens, output_tokens=sc.output_tokens, cache_write_tokens=sc.cache_write_tokens
            ),
            sc.cache_hit_share,
        )
        models = {catalog.resolve(name).model: share for name, share in sc.models.items()}
        table: dict[str, list[Decimal]] = {}
        seat_table: dict[str, list[Decimal]] = {}
        reqs: list[Decimal] = []
        missing: dict[str, list[str]] = {}
        for month in range(spec.months):
            n = sc.requests * (1 + sc.growth) ** month
            reqs.append(n)
            comps = [
                compare(
                    model,
                    per_request,
                    n * share,
                    batch_share=sc.batch_share,
                    off_peak_share=sc.off_peak_share,
                    at=at,
                    catalog=catalog,
                )
                for model, share in models.items()
            ]
            # API channels and application seats are tallied apart: a seat never ranks among the APIs.
            for quotes_of, into in ((lambda c: c.quotes, table), (lambda c: c.seats, seat_table)):
                month_costs, sold = _month_costs(catalog, comps, quotes_of)
                for ch, cost in month_costs.items():
                    if spec.channels and ch not in spec.channels:
                        continue
                    if sold[ch] < len(models):
                        missing.setdefault(ch, [])
                        continue
                    into.setdefault(ch, []).append(cost)
        for ch, costs in table.items():
            rows.append(Row(sc.name, ch, costs, reqs))
        for ch, costs in seat_table.items():
            seat_rows.append(Row(sc.name, ch, costs, reqs))
        for ch in missing:
            skipped.append({"scenario": sc.name, "channel": ch, "reason": "does not sell every model of the mix"})
    from billpath.analysis.compare import KIND_ORDER

    order = {sc.name: i for i, sc in enumerate(spec.scenarios)}  # the file's order; ties go to the maker's API
    for some in (rows, seat_rows):
        some.sort(
            key=lambda r: (order[r.scenario], r.total, KIND_ORDER.get(catalog.channels[r.channel].kind, 9), r.channel)
        )
    payload = {
        "file": str(path),
        "verdict": "",
        "at": at.isoformat(),
        "months": spec.months,
        "rows": [_row_dict(r) for r in rows],
        "seats": [_row_dict(r) for r in seat_rows],
        "skipped": skipped,
    }
    from billpath.analysis.verdict import scenarios_verdict

    payload["verdict"] = scenarios_verdict(payload)
    return payload


def _row_dict(r: Row) -> dict:
    return {
        "scenario": r.scenario,
        "channel": r.channel,
        "monthly": [exact(c) for c in r.monthly],
        "requests": [exact(n) for n in r.requests],
        "total": exact(r.total),
    }


def _month_costs(catalog: Catalog, comps: list, quotes_of) -> tuple[dict[str, Decimal], dict[str, int]]:
    """One month's cost per channel over the model mix (cheapest offer per channel and model), and how
    many of the mix's models each channel sold."""
    month_costs: dict[str, Decimal] = {}
    listed: dict[str, dict[str, Decimal]] = {}  # channel -> model -> list spend
    sold: dict[str, int] = {}
    for comp in comps:
        best: dict[str, Quote] = {}
        for q in quotes_of(comp):  # sorted cheapest first
            best.setdefault(q.offer.channel, q)
        for ch, q in best.items():
            # spend discounts are judged on the channel's whole month below, not per model
            before = q.total - q.cost.components.get("discount", ZERO)
            month_costs[ch] = month_costs.get(ch, ZERO) + before
            listed.setdefault(ch, {})[comp.model] = q.cost.tokens_total - q.cost.components.get("discount", ZERO)
            sold[ch] = sold.get(ch, 0) + 1
    for ch, spend in listed.items():
        month_costs[ch] -= channel_spend_discount(catalog, ch, spend)
    return month_costs, sold
