"""Time-of-day prices (rule 6 of `billpath.pricing.rules`): one rule, the same cents on every engine.

DeepSeek V4 is the catalog's instance (peak Monday to Friday 01:00-04:00 and 06:00-10:00 UTC, off-peak at
half price, weekends off-peak); a synthetic schedule (a window across Sunday midnight, a 0.3 multiplier, batch
and a long-context tier) shows that any offer with windows in its data is priced by them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import billpath
from billpath.analysis.price_log import price_log
from billpath.catalog.store import Catalog, load_catalog
from billpath.errors import UsageError
from billpath.pricing.exact import price_usage
from billpath.pricing.quote import quote_offer
from billpath.pricing.rules import (
    MIXED,
    OFF_PEAK,
    PEAK,
    UNTIMED,
    minutes,
    peak_intervals,
    period,
    time_code,
)
from billpath.pricing.table import exact_offer
from billpath.usage.record import Usage
from billpath.usage.routes import Router

D = Decimal
BIN = Path(sys.executable).parent / "billpath"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
DEEPSEEK = ((tuple(WEEKDAYS), "01:00", "04:00"), (tuple(WEEKDAYS), "06:00", "10:00"))
MONDAY = date(2026, 11, 23)  # a week of rows: Monday 2026-11-23 to Sunday 2026-11-29


def in_window(windows, at: datetime) -> bool:
    """The brute-force reading of a schedule: is this UTC instant inside a peak window?"""
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[at.weekday()]
    minute = at.hour * 60 + at.minute
    return any(day in days and minutes(start) <= minute < minutes(end) for days, start, end in windows)


# -- the rule ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stamp", "code"),
    [
        ("2026-11-23T00:59:59+00:00", OFF_PEAK),
        ("2026-11-23T01:00:00+00:00", PEAK),
        ("2026-11-23T03:59:59+00:00", PEAK),
        ("2026-11-23T04:00:00+00:00", OFF_PEAK),
        ("2026-11-23T05:59:59+00:00", OFF_PEAK),
        ("2026-11-23T06:00:00+00:00", PEAK),
        ("2026-11-23T09:59:59.999+00:00", PEAK),
        ("2026-11-23T10:00:00+00:00", OFF_PEAK),
        ("2026-11-27T09:30:00+00:00", PEAK),  # Friday
        ("2026-11-28T02:00:00+00:00", OFF_PEAK),  # Saturday
        ("2026-11-29T07:00:00+00:00", OFF_PEAK),  # Sunday
        ("2026-11-23T10:00:00+08:00", PEAK),  # 02:00 UTC: Beijing 10:00 is peak
        ("2026-11-23T21:30:00-05:00", PEAK),  # Tuesday 02:30 UTC
        ("2026-11-28T08:00:00+08:00", OFF_PEAK),  # Saturday 00:00 UTC
    ],
)
def test_deepseek_boundaries(stamp, code):
    at = datetime.fromisoformat(stamp)
    assert time_code(peak_intervals(DEEPSEEK), *period(at, None, D(1))) == code


def test_17_of_24_weekday_hours_are_off_peak_and_every_weekend_hour():
    iv = peak_intervals(DEEPSEEK)
    for day in range(7):
        codes = [time_code(iv, day * 1440 + h * 60, 60) for h in range(24)]
        assert codes.count(OFF_PEAK) == (17 if day < 5 else 24)
        assert set(codes) <= {PEAK, OFF_PEAK}  # every window starts and ends on the hour


def test_periods_buckets_and_untimed_rows():
    iv = peak_intervals(DEEPSEEK)
    mon = datetime(2026, 11, 23, tzinfo=UTC)
    assert time_code(iv, *period(mon, mon + timedelta(days=1), D(5))) == MIXED  # a weekday's daily bucket
    assert time_code(iv, *period(mon + timedelta(days=5), mon + timedelta(days=6), D(5))) == OFF_PEAK  # Saturday
    assert time_code(iv, *period(mon + timedelta(hours=4), mon + timedelta(hours=6), D(9))) == OFF_PEAK
    assert time_code(iv, *period(mon + timedelta(hours=4), mon + timedelta(hours=6, seconds=1), D(9))) == MIXED
    assert time_code(iv, *period(mon + timedelta(hours=1), mon + timedelta(hours=4), D(9))) == PEAK
    # a bill line (0 requests) without an end is its whole day: never its first minute
    assert time_code(iv, *period(mon, None, D(0))) == MIXED
    assert time_code(iv, *period(mon + timedelta(days=6, hours=3), None, D(0))) == OFF_PEAK  # Sunday
    assert time_code(iv, *period(None, None, D(1))) == UNTIMED
    assert time_code(iv, *period(mon, mon + timedelta(days=30), D(1))) == MIXED  # a month: capped at a week
    with pytest.raises(ValueError, match="not after"):
        period(mon, mon, D(1))


def test_a_window_across_sunday_midnight_is_one_interval():
    windows = ((("sun",), "22:00", "24:00"), (("mon",), "00:00", "02:00"))
    assert peak_intervals(windows) == ((6 * 1440 + 22 * 60, 7 * 1440 + 2 * 60),)  # Sunday 22:00 to Monday 02:00
    sunday_23 = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    assert time_code(peak_intervals(windows), *period(sunday_23, sunday_23 + timedelta(hours=2), D(1))) == PEAK


@given(
    at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
    offset=st.integers(-14 * 60, 14 * 60),
    windows=st.lists(
        st.tuples(
            st.lists(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1, unique=True),
            st.integers(0, 1439),
            st.integers(1, 1440),
        ).filter(lambda w: w[1] < w[2]),
        min_size=1,
        max_size=4,
    ),
)
def test_an_instant_is_peak_exactly_when_a_window_holds_it(at, offset, windows):
    clock = lambda m: f"{m // 60:02d}:{m % 60:02d}"  # noqa: E731
    spec = tuple((tuple(days), clock(a), clock(b)) for days, a, b in windows)
    local = at.replace(tzinfo=UTC).astimezone(timezone(timedelta(minutes=offset)))
    code = time_code(peak_intervals(spec), *period(local, None, D(1)))
    assert code == (PEAK if in_window(spec, at) else OFF_PEAK)


# -- the catalog ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["deepseek-v4-pro", "deepseek-flash"])
def test_deepseek_v4_offers_carry_the_weekday_schedule(catalog, model):
    offer = next(o for o in catalog.offers_at(model, date(2026, 12, 2)) if o.channel == "deepseek")
    assert offer.time_of_day is not None
    assert offer.time_of_day.windows == tuple(sorted(DEEPSEEK))
    assert offer.time_of_day.off_peak_multiplier == D("0.5")
    assert "holiday" in (offer.time_of_day.note or "")


def test_listed_instance_saturday_and_weekday_peak(catalog):
    offer = next(o for o in catalog.offers_at("deepseek-v4-pro", date(2026, 11, 28)) if o.channel == "deepseek")
    tokens = {"input_tokens": 1_000_000, "output_tokens": 1_000_000}
    saturday = price_usage(Usage(**tokens, start=datetime(2026, 11, 28, 12, tzinfo=UTC)), offer)
    weekday = price_usage(Usage(**tokens, start=datetime(2026, 11, 30, 2, tzinfo=UTC)), offer)
    untimed = price_usage(Usage(**tokens), offer)
    assert saturday.cost.total == D("2.64") and weekday.cost.total == D("5.28") and untimed.cost.total == D("5.28")
    assert any("no timestamp" in n for n in untimed.notes)


def test_no_other_deepseek_v4_offer_on_deepseek_is_silently_at_peak(catalog):
    """Every current DeepSeek V4 offer on the maker's channel has a schedule: genai-prices' time blocks, and the
    legacy id litellm lists at peak without one (billed as Flash)."""
    for model in ("deepseek-v4-pro", "deepseek-flash", "deepseek-v4-flash", "deepseek-v4-flash-vision-exp"):
        offers = [o for o in catalog.offers_at(model, date(2026, 12, 2)) if o.channel == "deepseek"]
        assert offers and all(o.time_of_day is not None for o in offers), model
        assert not any("block is used at every hour" in n for o in offers for n in o.notes)


# -- both SQL engines and the exact evaluator ----------------------------------------------------------------


def parse_time(text: str | int | None) -> tuple[datetime | None, bool]:
    """(the instant, whether it is a date without a time), as the usage relation reads a timestamp."""
    if text is None:
        return None, False
    if isinstance(text, int) or str(text).isdigit():
        return datetime.fromtimestamp(int(text), tz=UTC), False
    if len(text) == 10:
        return datetime.fromisoformat(text).replace(tzinfo=UTC), True
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (at if at.tzinfo else at.replace(tzinfo=UTC)), False


def oracle(catalog: Catalog, rows: list[dict]) -> tuple[dict[str, dict[str, Decimal]], int, dict]:
    """Each row priced alone by the exact evaluator (rule 6 from its own timestamp), summed per model; and the
    rows of each time letter per offer with a schedule (what the price-log note counts)."""
    router = Router(catalog)
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    codes: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    priced = 0
    for r in rows:
        route = router.route(r["model"], r.get("channel", ""), "")
        start, date_only = parse_time(r.get("timestamp"))
        end, _ = parse_time(r.get("timestamp_end"))
        if date_only and end is None:
            end = start + timedelta(days=1)
        day = start.astimezone(UTC).date() if start else date(2026, 12, 2)
        offers = [
            o
            for o in catalog.offers_for(route.model)
            if (o.channel, o.variant) == (route.channel, route.variant) and o.valid_at(day)
        ]
        assert len(offers) == 1 and exact_offer(offers[0]) is None, r
        fields = {k: r[k] for k in Usage.__dataclass_fields__ if k in r and k not in ("start", "end")}
        usage = Usage(**fields, start=start, end=end)
        for name, value in price_usage(usage, offers[0]).cost.components.items():
            out[route.model][name] += value
        priced += 1
        tod = offers[0].time_of_day
        if tod is not None:
            code = time_code(peak_intervals(tod.windows), *period(start, end, D(r.get("requests", 1))))
            codes[(route.model, f"{route.channel}/{route.variant}")][code] += 1
    return out, priced, codes


def assert_agree(catalog: Catalog, rows: list[dict], result) -> None:
    from billpath.analysis.time_of_day import WORDS

    expected, priced, codes = oracle(catalog, rows)
    assert result.rows_priced == priced == len(rows)
    for (model, offer), by_code in codes.items():  # the SQL evaluator's letters are the exact evaluator's
        (note,) = [n for n in result.notes if n.startswith(f"{model} on {offer}: time-of-day prices:")]
        for code, n in by_code.items():
            assert f"{n:,} row{'' if n == 1 else 's'} {WORDS[code]}" in note, (model, code, n, note)
        assert note.count(" row") == len(by_code), note
    got = {m: t.cost.components for m, t in result.by_model.items()}
    assert set(got) == set(expected)
    for model, comps in expected.items():
        for name, value in comps.items():
            assert got[model][name] == value, (model, name)


def week_rows() -> list[dict]:
    """Rows over every hour of a week, the boundaries to the second, time zones, dates, buckets, bill lines."""
    rows = []
    models = [("deepseek-v4-pro", "deepseek"), ("deepseek-flash", "deepseek"), ("claude-sonnet-4-6", "anthropic")]
    for day in range(7):
        for hour in range(24):
            at = datetime(2026, 11, 23, hour, tzinfo=UTC) + timedelta(days=day)
            model, channel = models[(day * 24 + hour) % len(models)]
            rows.append(
                {"timestamp": at.isoformat(), "model": model, "channel": channel}
                | {"input_tokens": 1000 + hour, "output_tokens": 200 + day, "cache_read_tokens": 5000}
            )
    for stamp in (
        "2026-11-24T00:59:59Z",
        "2026-11-24T01:00:00Z",
        "2026-11-24T03:59:59Z",
        "2026-11-24T04:00:00Z",
        "2026-11-24T09:59:59.500Z",
        "2026-11-24T10:00:00Z",
        "2026-11-24T10:00:00+08:00",  # 02:00 UTC
        "2026-11-24T12:00:00+08:00",  # 04:00 UTC
        "2026-11-23T20:30:00-05:00",  # Tuesday 01:30 UTC
        "2026-11-28T09:00:00+08:00",  # Saturday 01:00 UTC
        "2026-11-29T23:59:59-01:00",  # Monday 00:59:59 UTC
        "2026-11-24 02:30:00",  # no zone: UTC
        "1764036000",  # Unix seconds: Tuesday 2026-11-25 02:00 UTC
        "2026-11-24",  # a weekday as a date: the whole day, spanning peak
        "2026-11-28",  # Saturday as a date: off-peak
    ):
        rows.append({"timestamp": stamp, "model": "deepseek-v4-pro", "channel": "deepseek"} | TOKENS)
    rows += [
        {"model": "deepseek-v4-pro", "channel": "deepseek"} | TOKENS,  # no timestamp: peak
        # buckets: wholly off-peak, wholly peak, across both, a Saturday day
        {"timestamp": "2026-11-24T04:00:00Z", "timestamp_end": "2026-11-24T06:00:00Z", "requests": 7} | DS | TOKENS,
        {"timestamp": "2026-11-24T06:00:00Z", "timestamp_end": "2026-11-24T10:00:00Z", "requests": 7} | DS | TOKENS,
        {"timestamp": "2026-11-24T00:00:00Z", "timestamp_end": "2026-11-25T00:00:00Z", "requests": 7} | DS | TOKENS,
        {"timestamp": "2026-11-28T00:00:00Z", "timestamp_end": "2026-11-29T00:00:00Z", "requests": 7} | DS | TOKENS,
        {"timestamp": "2026-11-24T03:00:00Z", "timestamp_end": "2026-11-24T04:00:01Z", "requests": 2} | DS | TOKENS,
        # bill lines (0 requests): their day, unless they state their end
        {"timestamp": "2026-11-24T05:00:00Z", "requests": 0} | DS | TOKENS,
        {"timestamp": "2026-11-29T05:00:00Z", "requests": 0} | DS | TOKENS,
        {"timestamp": "2026-11-24T04:00:00Z", "timestamp_end": "2026-11-24T05:00:00Z", "requests": 0} | DS | TOKENS,
    ]
    return rows


DS = {"model": "deepseek-v4-pro", "channel": "deepseek"}
TOKENS = {"input_tokens": 600_000, "output_tokens": 1_000_000, "cache_read_tokens": 300_000}


def write(rows: list[dict], path: Path) -> Path:
    if path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        cols = sorted({k for r in rows for k in r})
        table = pa.table({c: [None if r.get(c) is None else str(r[c]) for r in rows] for c in cols})
        pq.write_table(table, path)
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_duckdb_agrees_with_the_exact_evaluator_over_a_week(catalog, tmp_path):
    rows = week_rows()
    result = price_log([str(write(rows, tmp_path / "week.jsonl"))], catalog=catalog, at=date(2026, 12, 2))
    assert_agree(catalog, rows, result)
    notes = " | ".join(result.notes)
    assert "deepseek-v4-pro on deepseek/standard: time-of-day prices:" in notes
    assert "rows off-peak (x0.5)" in notes and "1 row without a timestamp, priced at peak" in notes
    assert "spanning peak and off-peak hours" in notes and "holiday" in notes


def test_parquet_path_agrees_too(catalog, tmp_path):
    rows = week_rows()
    result = price_log([str(write(rows, tmp_path / "week.parquet"))], catalog=catalog, at=date(2026, 12, 2))
    assert_agree(catalog, rows, result)


def test_timestamp_typed_parquet_and_date_typed_parquet(catalog, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    base = {"model": ["deepseek-v4-pro"] * 2, "channel": ["deepseek"] * 2, "input_tokens": [10**6] * 2}
    base |= {"output_tokens": [10**6] * 2}
    stamps = [datetime(2026, 11, 28, 12, tzinfo=UTC), datetime(2026, 11, 30, 2, tzinfo=UTC)]
    pq.write_table(
        pa.table({**base, "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC"))}), tmp_path / "t.parquet"
    )
    assert price_log([str(tmp_path / "t.parquet")], catalog=catalog).total == D("7.92")  # 2.64 + 5.28
    days = [date(2026, 11, 28), date(2026, 11, 30)]  # Saturday (off-peak) and Monday (spans peak: at peak)
    pq.write_table(pa.table({**base, "timestamp": pa.array(days, pa.date32())}), tmp_path / "d.parquet")
    assert price_log([str(tmp_path / "d.parquet")], catalog=catalog).total == D("7.92")


def test_a_period_end_before_its_start_is_rejected(catalog, tmp_path):
    rows = [
        {"timestamp": "2026-11-24T04:00:00Z", "timestamp_end": "2026-11-24T03:00:00Z"} | DS | TOKENS,
        {"timestamp": "2026-11-24T04:00:00Z", "timestamp_end": "soon"} | DS | TOKENS,
    ]
    result = price_log([str(write(rows, tmp_path / "bad.jsonl"))], catalog=catalog)
    assert result.rows_rejected == 2
    errors = [r["error"] for r in sorted(result.rejected, key=lambda r: r["line"])]
    assert "is not after timestamp" in errors[0] and errors[1] == "timestamp_end is not a date/time: soon"


@st.composite
def random_rows(draw):
    rows = []
    for _ in range(draw(st.integers(1, 30))):
        at = draw(st.datetimes(min_value=datetime(2026, 9, 1), max_value=datetime(2026, 12, 31)))
        zone = timezone(timedelta(minutes=draw(st.integers(-12 * 60, 14 * 60))))
        model, channel = draw(
            st.sampled_from([("deepseek-v4-pro", "deepseek"), ("deepseek-flash", "deepseek"), ("gpt-5.5", "openai")])
        )
        row = {"timestamp": at.replace(tzinfo=UTC).astimezone(zone).isoformat(), "model": model, "channel": channel}
        row |= {"input_tokens": draw(st.integers(0, 50_000)), "output_tokens": draw(st.integers(0, 9_000))}
        row |= {"requests": draw(st.integers(0, 3))}
        if draw(st.booleans()):
            end = at + timedelta(seconds=draw(st.integers(1, 3 * 86400)))
            row["timestamp_end"] = end.replace(tzinfo=UTC).isoformat()
        rows.append(row)
    return rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=random_rows())
def test_random_timestamps_agree(catalog, tmp_path, rows):
    result = price_log([str(write(rows, tmp_path / "r.jsonl"))], catalog=catalog)
    assert_agree(catalog, rows, result)


# -- any offer with windows in its data ----------------------------------------------------------------------


def synthetic_catalog() -> Catalog:
    """One model on one channel with a schedule of its own: a run across Sunday midnight and a mid-week
    window at half-hours, off-peak at 0.3x, with batch and a long-context tier."""
    source = {"url": "https://example.test/prices", "checked": "2026-12-02"}
    tier = {"input_per_mtok": "2", "output_per_mtok": "8", "cache_read_per_mtok": "0.2", "per_request": "0.001"}
    offer = {
        "model": "tod-model",
        "channel": "tod-channel",
        "variant": "standard",
        "variant_kind": "standard",
        "ids": ["tod-model"],
        "available_from": None,
        "effective_from": "2026-01-01",
        "effective_to": None,
        "tiers": [{"above_input_tokens": 0, **tier}, {"above_input_tokens": 100_000, **tier, "input_per_mtok": "4"}],
        "batch_multiplier": "0.5",
        "batch_discounts_cache": False,
        "features": {},
        "notes": [],
        "source": source,
        "time_of_day": {
            "peak": [
                {"days": ["sun"], "start": "22:00", "end": "24:00"},
                {"days": ["mon"], "start": "00:00", "end": "02:00"},
                {"days": ["wed"], "start": "12:30", "end": "13:45"},
            ],
            "off_peak_multiplier": "0.3",
        },
    }
    channel = {
        "id": "tod-channel",
        "kind": "direct",
        "name": "TOD",
        "billing": [],
        "regions": [],
        "multi_maker": False,
        "fees": {},
        "notes": [],
        "source": source,
    }
    model = {"id": "tod-model", "name": "TOD model", "maker": "tod-channel", "family": "tod", "source": source}
    return Catalog.from_dict(
        {
            "models": [model],
            "channels": [channel],
            "offers": [offer],
            "aliases": {"tod-model": ["tod-model", "tod-channel", "standard"]},
        }
    )


def test_a_schedule_in_data_alone_prices_by_it(tmp_path):
    cat = synthetic_catalog()
    rows = []
    start = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)  # Sunday evening, through Wednesday
    for i in range(0, 3 * 24 * 4):
        at = start + timedelta(minutes=15 * i)
        rows.append(
            {"timestamp": at.isoformat(), "model": "tod-model", "channel": "tod-channel"}
            | {"input_tokens": 150_000 if i % 5 == 0 else 900, "output_tokens": 100, "cache_read_tokens": 40}
            | {"batch": i % 3 == 0, "requests": 1}
        )
    rows.append({"timestamp": "2026-11-29T23:00:00Z", "timestamp_end": "2026-11-30T01:30:00Z"} | SYN)  # peak
    rows.append({"timestamp": "2026-12-02T13:44:00Z", "timestamp_end": "2026-12-02T13:46:00Z"} | SYN)  # mixed
    result = price_log([str(write(rows, tmp_path / "s.jsonl"))], catalog=cat)
    assert_agree(cat, rows, result)
    codes = " ".join(result.notes)
    assert "rows off-peak (x0.3)" in codes and "at peak" in codes and "spanning peak and off-peak" in codes


SYN = {"model": "tod-model", "channel": "tod-channel", "input_tokens": 5000, "output_tokens": 500}


# -- workloads: compare with an off-peak share --------------------------------------------------------------


def cli_json(*args: str) -> dict:
    out = subprocess.run([str(BIN), *args, "--format", "json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize(("share", "total"), [("0", "5.28"), ("0.5", "3.96"), ("1", "2.64")])
def test_compare_off_peak_share(share, total):
    d = cli_json("compare", "deepseek-v4-pro", "-i", "1000000", "-o", "1000000", "--off-peak-share", share)
    quote = next(q for q in d["quotes"] if q["channel"] == "deepseek")
    assert quote["cost"]["total"] == total
    used = [n for n in quote["notes"] if n.startswith("time-of-day prices")]
    assert len(used) == 1
    assert {"0": "peak (listed) rate", "0.5": "50% of the usage", "1": "the off-peak rate"}[share] in used[0]
    others = {q["channel"]: q["cost"]["total"] for q in d["quotes"] if q["channel"] != "deepseek"}
    baseline = cli_json("compare", "deepseek-v4-pro", "-i", "1000000", "-o", "1000000")
    assert others == {q["channel"]: q["cost"]["total"] for q in baseline["quotes"] if q["channel"] != "deepseek"}


def test_off_peak_share_on_every_surface(catalog):
    work = {"input_tokens": 1_000_000, "output_tokens": 1_000_000, "off_peak_share": "1"}
    comp = billpath.compare("deepseek-v4-pro", **work)
    assert next(q for q in comp.quotes if q.offer.channel == "deepseek").total == D("2.64")
    assert billpath.quote("deepseek-v4-pro", "deepseek", **work).total == D("2.64")
    rec = billpath.recommend("deepseek-v4-pro", **work)
    assert any(r["channel"] == "deepseek" and r["monthly_cost"] == "2.64" for r in rec.to_dict()["ranking"])
    with pytest.raises(UsageError, match="off-peak-share is a share between 0 and 1"):
        billpath.compare("deepseek-v4-pro", off_peak_share="1.5")
    with pytest.raises(UsageError, match="a usage log carries its own tokens"):
        billpath.price_log("x.jsonl", off_peak_share="0.5")


def test_off_peak_share_split_is_linear_and_ignored_without_a_schedule(catalog):
    ds = next(o for o in catalog.offers_at("deepseek-flash", date(2026, 12, 2)) if o.channel == "deepseek")
    other = next(o for o in catalog.offers_at("gpt-5.5", date(2026, 12, 2)) if o.channel == "openai")
    usage = Usage(input_tokens=D(3_000_000), output_tokens=D(700_000), cache_read_tokens=D(9_000_000))
    peak = quote_offer(ds, usage, catalog).total
    off = quote_offer(ds, usage, catalog, off_peak_share=D(1)).total
    assert off == peak * D("0.5")
    assert quote_offer(ds, usage, catalog, off_peak_share=D("0.25")).total == peak * D("0.75") + off * D("0.25")
    assert quote_offer(other, usage, catalog, off_peak_share=D(1)).total == quote_offer(other, usage, catalog).total
    assert not any("time-of-day" in n for n in quote_offer(other, usage, catalog, off_peak_share=D(1)).notes)


def test_scenarios_take_an_off_peak_share(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        "months = 1\nstart = 2026-12-02\nchannels = ['deepseek']\n[[scenarios]]\nname = 'night'\nrequests = 1\n"
        "input_tokens = 1000000\noutput_tokens = 1000000\noff_peak_share = '1'\nmodels = { 'deepseek-v4-pro' = '1' }\n"
    )
    rows = billpath.scenarios(str(path))["rows"]
    assert [(r["channel"], r["total"]) for r in rows] == [("deepseek", "2.64")]


def test_web_takes_the_off_peak_share():
    from fastapi.testclient import TestClient

    from billpath.web.app import create_app

    client = TestClient(create_app())
    query = {"model": "deepseek-v4-pro", "input_tokens": 1000000, "output_tokens": 1000000, "off_peak_share": "1"}
    d = client.get("/api/compare", params=query).json()
    assert next(q for q in d["quotes"] if q["channel"] == "deepseek")["cost"]["total"] == "2.64"


# -- Spark --------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_spark_agrees_with_duckdb_and_the_exact_evaluator(tmp_path):
    pytest.importorskip("pyspark")
    from billpath.engines import spark as spark_engine

    spark_engine.session("local[2]")  # the session's other tests stop it (tests/test_spark_engine.py)
    catalog = load_catalog()
    rows = week_rows()
    path = write(rows, tmp_path / "week.parquet")
    on_duckdb = price_log([str(path)], catalog=catalog, at=date(2026, 12, 2))
    on_spark = price_log([str(path)], catalog=catalog, at=date(2026, 12, 2), engine="spark")
    assert on_spark.to_dict() == on_duckdb.to_dict()
    assert_agree(catalog, rows, on_spark)


# -- the schedule is checked where it is written -------------------------------------------------------------

GOOD = {"peak": [{"days": ["mon"], "start": "01:00", "end": "04:00"}], "off_peak_multiplier": "0.5"}


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"peak": [{"days": ["mon"], "start": "04:00", "end": "01:00"}]}, "ends before it starts"),
        ({"peak": [{"days": ["monday"], "start": "01:00", "end": "04:00"}]}, "must name days once each"),
        ({"peak": [{"days": ["mon", "mon"], "start": "01:00", "end": "04:00"}]}, "must name days once each"),
        ({"peak": [{"days": ["mon"], "start": "1:00", "end": "25:00"}]}, "write UTC times"),
        ({"peak": []}, "needs `peak` windows"),
        ({"off_peak_multiplier": "1.5"}, "must be in (0, 1]"),
        ({"off_peak_multiplier": "0"}, "must be in (0, 1]"),
        ({"off_peak_multiplier": "0.12345"}, "must be in (0, 1]"),
    ],
)
def test_bad_schedules_are_refused_by_the_spec_and_by_validate(change, why):
    from pydantic import ValidationError

    from billpath.catalog.schema import TimeOfDay
    from billpath.catalog.validate import offer_problems

    bad = {**GOOD, **change}
    with pytest.raises(ValidationError):
        TimeOfDay.model_validate(bad)
    offer = {
        "model": "m",
        "channel": "c",
        "variant": "standard",
        "variant_kind": "standard",
        "effective_from": "2026-01-01",
        "tiers": [{"above_input_tokens": 0, "input_per_mtok": "1", "output_per_mtok": "2", "per_request": "0"}],
        "source": {"url": "https://example.test", "checked": "2026-12-02"},
        "notes": [],
    }
    assert offer_problems({**offer, "time_of_day": GOOD}, {"m"}, {"c"}) == []
    problems = offer_problems({**offer, "time_of_day": bad}, {"m"}, {"c"})
    assert any(why in p for p in problems), problems


def test_only_the_rows_of_models_with_time_of_day_prices_are_judged(catalog, tmp_path):
    """The pre-pass's names say which logged models have time-of-day prices (on any channel); only their rows'
    minutes are judged in the pass, every other row is NOT_JUDGED (and a log without them judges none)."""
    from billpath.analysis import context_window, time_of_day
    from billpath.engines.duckdb import open_log
    from billpath.pricing.table import NOT_JUDGED, reduce_sql

    rows = [
        {"timestamp": "2026-11-28T12:00:00Z", "model": "claude-sonnet-4-6", "channel": "anthropic"} | TOKENS,
        {"timestamp": "2026-11-28T12:00:00Z"} | DS | TOKENS,
        {"timestamp": "2026-11-28T12:00:00Z", "model": "deepseek/deepseek-v4-pro", "channel": "together"} | TOKENS,
    ]
    log = open_log([str(write(rows, tmp_path / "m.jsonl"))])
    try:
        timed = time_of_day.timed_models(
            Router(catalog), (m for m, _, _ in context_window.logged_names(log.con, log.names))
        )
        assert timed == ["deepseek-v4-pro", "deepseek/deepseek-v4-pro"]  # Together's rows: re-priced on DeepSeek
        sql = reduce_sql("usage", catalog.tier_thresholds(), schedules=catalog.time_schedules(), timed=timed)
        classes = dict(log.con.execute(f"SELECT provider, time_class FROM ({sql}) g").fetchall())
        assert classes == {"anthropic": NOT_JUDGED, "deepseek": 0, "together": 0}  # Saturday: off-peak digits
        untimed = reduce_sql("usage", catalog.tier_thresholds(), schedules=catalog.time_schedules(), timed=[])
        assert "minute_from" not in untimed and str(NOT_JUDGED) in untimed
    finally:
        log.con.close()
