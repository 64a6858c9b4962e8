"""Time views (--by day|week|month|model|channel|user), --since/--until, and seats priced per user."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from typer.testing import CliRunner

from billpath.analysis.plans import price_plan
from billpath.analysis.price_log import price_log
from billpath.catalog.plans import plans
from billpath.catalog.store import load_catalog
from billpath.cli import app
from billpath.usage.record import Usage

runner = CliRunner()
MODELS = [("claude-sonnet-4-6", "anthropic"), ("gpt-5.5", "openai"), ("gpt-5.4-mini", "openai")]
USERS = ["ann", "bo", "cy", "dee"]


def _log(tmp_path, seed: int, days: int = 70):
    rnd = random.Random(seed)
    start = date(2026, 9, 20)
    rows = []
    for _ in range(120):
        day = start + timedelta(days=rnd.randrange(days))
        model, channel = rnd.choice(MODELS)
        user = rnd.choice(USERS[: 1 + seed % 4]) if rnd.random() < 0.9 else rnd.choice(USERS)
        reqs = rnd.randint(1, 50)
        rows.append(
            (day.isoformat(), model, channel, reqs * rnd.randint(100, 9000), reqs * rnd.randint(10, 900), reqs, user)
        )
    path = tmp_path / f"users-{seed}.csv"
    head = "timestamp,model,channel,input_tokens,output_tokens,requests,user\n"
    path.write_text(head + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return str(path), rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_view_sums_to_the_total(tmp_path, seed):
    path, rows = _log(tmp_path, seed)
    out = price_log([path]).to_dict()
    total = D(out["total_usd"]) - D(out["cost"]["fees"])  # fees are charged per channel, not per day or user
    for key in ("by_day", "by_week", "by_month", "by_user", "by_model"):
        assert sum(D(x["total_usd"]) for x in out[key]) == total, key
        assert sum(x["rows"] for x in out[key]) == out["rows_priced"], key
    months = {r[0][:7] for r in rows}
    assert {m["month"] for m in out["by_month"]} == months
    weeks = {
        f"{date.fromisoformat(r[0]).isocalendar().year}-W{date.fromisoformat(r[0]).isocalendar().week:02d}"
        for r in rows
    }
    assert {w["week"] for w in out["by_week"]} == weeks
    assert {u["user"] for u in out["by_user"]} == {r[6] for r in rows}


@pytest.mark.parametrize("by", ["day", "week", "month", "model", "channel", "user"])
def test_by_option_has_a_total_row(tmp_path, by):
    path, _ = _log(tmp_path, 4)
    data = json.loads(runner.invoke(app, ["price-log", path, "--json"]).stdout)
    res = runner.invoke(app, ["price-log", path, "--by", by, "--format", "csv"])
    assert res.exit_code == 0, res.output
    table = list(csv.DictReader(io.StringIO(res.stdout.split("\n\n")[0])))
    assert table[-1][by] == "total" and D(table[-1]["total_usd"]) == D(data["total_usd"])
    parts = (
        sum(D(r["total_usd"]) for r in table[:-1])
        + D(table[-1]["fees_usd"])
        - sum(D(r["fees_usd"]) for r in table[:-1])
    )
    assert parts == D(data["total_usd"])
    key = {"day": "by_day", "week": "by_week", "month": "by_month", "model": "by_model", "user": "by_user"}.get(by)
    if key:
        assert len(table) - 1 == len(data[key])


@pytest.mark.parametrize(("since", "until"), [("2026-10-01", "2026-10-31"), ("2026-11-05", None), (None, "2026-09-30")])
def test_since_until_keep_only_that_period(tmp_path, since, until):
    path, rows = _log(tmp_path, 5)
    lo, hi = date.fromisoformat(since or "1900-01-01"), date.fromisoformat(until or "2999-12-31")
    inside = [r for r in rows if lo <= date.fromisoformat(r[0]) <= hi]
    kept = tmp_path / "kept.csv"
    kept.write_text(
        "timestamp,model,channel,input_tokens,output_tokens,requests,user\n"
        + "".join(",".join(map(str, r)) + "\n" for r in inside)
    )
    out = price_log(
        [path], since=date.fromisoformat(since) if since else None, until=date.fromisoformat(until) if until else None
    ).to_dict()
    same = price_log([str(kept)]).to_dict()
    assert out["total_usd"] == same["total_usd"] and out["rows_total"] == len(inside)
    assert out["rows_outside_period"] == len(rows) - len(inside)
    args = ["price-log", path, "--json", *(["--since", since] if since else []), *(["--until", until] if until else [])]
    assert json.loads(runner.invoke(app, args).stdout)["total_usd"] == same["total_usd"]


def test_seats_price_each_user_on_their_own_usage(tmp_path):
    """The per-user seat total is each user's month priced as one seat; light users show unused allowance."""
    catalog = load_catalog()
    path, rows = _log(tmp_path, 6, days=25)
    extra = [
        ("2026-10-05", "claude-sonnet-4-6", "anthropic", 30_000_000, 3_000_000, 3000, "heavy"),
        ("2026-10-06", "gpt-5.5", "openai", 1000, 100, 1, "light"),
    ]
    with open(path, "a") as f:
        f.write("".join(",".join(map(str, r)) + "\n" for r in extra))
    rows += extra
    out = price_log([path], catalog=catalog).to_dict()
    assert out["seats"] and all(s["channel_kind"] == "application" for s in out["seats"])
    assert all(s["channel"] not in out["reprice"] for s in out["seats"])  # never among the API re-pricings
    at = date(2026, 10, 1)
    checked: set[str] = set()
    for s in out["seats"]:
        plan = next(p for p in plans() if p.channel == s["channel"] and p.id == s["plan"])
        if plan.billing != "usage-pool":
            continue
        for u in s["by_user"]:
            mine = [r for r in rows if r[6] == u["user"]]
            months = {r[0][:7] for r in mine}
            if len(months) != 1 or len({r[1] for r in mine}) != 1:
                continue  # one model in one month: priced independently below with analysis.plans
            model = mine[0][1]
            usage = Usage(
                input_tokens=sum(r[3] for r in mine),
                output_tokens=sum(r[4] for r in mine),
                requests=sum(r[5] for r in mine),
            )
            q = price_plan(plan, model, usage, catalog, at, D(0))
            assert D(u["seat_usd"]) == q.total, (s["plan"], u["user"])
            checked.add(u["user"])
        assert D(s["unused_allowance_usd"]) == sum(D(u["unused_allowance_usd"]) for u in s["by_user"])
        assert D(s["overage_usd"]) == sum(D(u["overage_usd"]) for u in s["by_user"])
    pro = next(s for s in out["seats"] if s["plan"] == "pro" and s["channel"] == "cursor")
    who = {u["user"]: u for u in pro["by_user"]}
    assert D(who["light"]["unused_allowance_usd"]) > 0 and D(who["light"]["overage_usd"]) == 0
    assert D(who["heavy"]["overage_usd"]) > 0 and D(who["heavy"]["unused_allowance_usd"]) == 0
    assert {"light", "heavy"} <= checked  # both were priced independently above


def test_no_user_column_means_no_seats(tmp_path):
    out = price_log(["examples/usage.csv"]).to_dict()
    assert out.get("by_user", []) == [] and out["seats"] == []
