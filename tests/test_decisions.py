"""Decision-grade answers: seats apart from APIs, the verdict first, the whole bill, output that never breaks a number.

The checks are general properties over several models, workloads and widths, not single pinned outputs.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal as D
from itertools import pairwise

import pytest
from typer.testing import CliRunner

from billpath.analysis.compare import compare, tied
from billpath.analysis.plans import price_plan
from billpath.analysis.price_log import price_log
from billpath.analysis.recommend import recommend
from billpath.catalog.plans import plans
from billpath.catalog.price_overlay import apply_overlay
from billpath.catalog.store import load_catalog
from billpath.cli import app
from billpath.report.compare import compare_view
from billpath.report.render import Usd, render_table, text, to_csv
from billpath.usage.record import Usage

AT = date(2026, 11, 1)
runner = CliRunner()
WORKLOADS = [
    (Usage(input_tokens=D(4000), output_tokens=D(400)), D(100_000)),
    (Usage(input_tokens=D(1000), output_tokens=D(1000)), D(1000)),
    (Usage(input_tokens=D(10_000), output_tokens=D(1000), cache_read_tokens=D(5000)), D(3000)),
    (Usage(input_tokens=D(300), output_tokens=D(50)), D(7)),
]
MODELS = ["gpt-5.5", "claude-sonnet-4-6", "claude-opus-4-8", "gpt-5.4-mini", "gemini-2.5-pro"]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def cli(*args: str, columns: int | None = None):
    env = {"COLUMNS": str(columns)} if columns else {}
    res = runner.invoke(app, list(args), env=env)
    assert res.exit_code == 0, res.output
    return res.stdout


# -- item 2: seats apart -----------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_application_plans_never_rank_among_api_channels(catalog, model):
    for per_request, n in WORKLOADS:
        comp = compare(model, per_request, n, at=AT, catalog=catalog)
        assert all(q.channel_kind in ("direct", "cloud", "aggregator") for q in comp.quotes)
        assert all(q.channel_kind == "application" for q in comp.seats)
        totals = [q.total for q in comp.quotes]  # cheapest first; quotes tied within a cent are ordered maker first
        assert all(b >= a or tied(a, b) for a, b in pairwise(totals))
        d = comp.to_dict()
        assert {q["channel_kind"] for q in d["seats"]} <= {"application"}
        assert "application" not in {q["channel_kind"] for q in d["quotes"]}
        rec = recommend(model, per_request, n, at=AT, catalog=catalog).to_dict()
        kinds = {r["channel_kind"] for r in rec["ranking"]}
        assert "application" not in kinds
        assert {s["channel"] for s in rec["seats"]} == {q.offer.channel for q in comp.seats}


def test_the_issue_example_ranks_the_apis_first(catalog):
    comp = compare(
        "gpt-5.5", Usage(input_tokens=D(2800), cache_read_tokens=D(1200), output_tokens=D(400)), D(100_000), at=AT
    )
    top = {q.offer.channel for q in comp.quotes[:4]}
    assert {"openai", "azure", "aws-bedrock"} <= top | {
        q.offer.channel for q in comp.quotes if q.total == comp.quotes[0].total
    }
    assert "cursor" in {q.offer.channel for q in comp.seats}
    view = render_table(compare_view(comp), width=80)
    api_part, _, seat_part = view.partition("\nCoding-tool seats (application plans")
    assert "cursor" not in api_part.split("\n", 1)[1]  # below the verdict: the API table has no Cursor
    assert "cursor" in seat_part


@pytest.mark.parametrize("seats", [2, 5, 40])
def test_seats_price_each_seat_on_its_share(catalog, seats):
    """N seats sharing a workload evenly cost N times one seat carrying 1/N of it (each seat its own allowance)."""
    for plan in plans():
        if plan.billing == "unpriceable" or not plan.valid_at(AT):
            continue
        for model in MODELS:
            if not plan.offers_model(model):
                continue
            for per_request, n in WORKLOADS:
                total = per_request.scaled(n * seats)  # divisible by `seats` exactly
                team = price_plan(plan, model, total, catalog, AT, D(0), seats=seats)
                one = price_plan(plan, model, per_request.scaled(n), catalog, AT, D(0))
                assert team is not None and one is not None
                assert team.total == one.total * seats, (plan.id, model, seats)


def test_seats_flag_reaches_compare_and_recommend():
    out = json.loads(cli("compare", "gpt-5.5", "-i", "1000", "-o", "100", "-n", "5000", "--seats", "10", "--json"))
    assert out["seat_count"] == 10 and out["seats"]
    fees = [D(q["cost"]["plan_fee"]) for q in out["seats"] if "plan_fee" in q["cost"]]
    assert fees and all(f % 10 == 0 for f in fees)
    rec = json.loads(cli("recommend", "gpt-5.5", "-i", "1000", "-n", "5000", "--seats", "3", "--json"))
    assert all(s["seats"] == 3 for s in rec["seats"])


# -- item 1: the verdict first -----------------------------------------------------------------------


@pytest.mark.parametrize("model", ["gpt-5.5", "claude-sonnet-4-6"])
def test_verdict_is_the_first_line_and_names_the_cheapest(model):
    args = ["compare", model, "--input-tokens", "4000", "--output-tokens", "400", "--requests", "100000"]
    data = json.loads(cli(*args, "--format", "json"))
    best = data["quotes"][0]
    assert best["channel"] in data["verdict"]
    assert Usd(D(best["cost"]["total"])).__str__() in data["verdict"]
    for columns in (80, 120, None):
        first = cli(*args, columns=columns).splitlines()[0]
        assert first == data["verdict"]
    rec_args = ["recommend", model, "-i", "4000", "-o", "400", "-n", "100000"]
    rec = json.loads(cli(*rec_args, "--json"))
    assert rec["ranking"][0]["channel"] in rec["verdict"]
    assert cli(*rec_args, columns=80).splitlines()[0] == rec["verdict"]


def test_price_log_and_scenarios_have_verdicts():
    log = json.loads(cli("price-log", "examples/usage.csv", "--format", "json"))
    assert log["verdict"].startswith("The log cost")
    assert cli("price-log", "examples/usage.csv").splitlines()[0] == log["verdict"]
    sc = json.loads(cli("scenarios", "examples/scenarios.toml", "--format", "json"))
    assert sc["verdict"] and all(r["scenario"] in sc["verdict"] for r in sc["rows"])
    assert cli("scenarios", "examples/scenarios.toml").splitlines()[0] == sc["verdict"]


def test_notes_are_deduplicated_and_detail_is_verbose():
    args = ["compare", "gpt-5.5", "-i", "4000", "-o", "400", "-n", "100000"]
    short, verbose = cli(*args, columns=5000), cli(*args, "--verbose", columns=5000)  # wide: nothing wraps
    data = json.loads(cli(*args, "--json"))
    notes = [ln for ln in short.splitlines() if ln.strip() and not ln.startswith(("┌", "│", "├", "└"))]
    assert len(notes) == len(set(notes))  # every note line once
    assert len(short.splitlines()) < len(verbose.splitlines())
    for q in data["quotes"]:  # every per-offer note is in the verbose output (and the JSON keeps them all)
        for n in q["notes"]:
            assert f"{q['channel']}/{q['variant']}: {n}" in verbose
    repeated = {n for q in data["quotes"] for n in q["notes"] if sum(n in p["notes"] for p in data["quotes"]) > 1}
    assert repeated
    for note in repeated:  # a note several channels share is printed once by default, naming them
        assert sum(note in ln for ln in short.splitlines()) <= 1


# -- item 3: the whole bill --------------------------------------------------------------------------


def _log(tmp_path, rows):
    path = tmp_path / "two-models.csv"
    head = "timestamp,model,channel,input_tokens,output_tokens,cache_read_tokens,requests\n"
    path.write_text(head + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return str(path)


def _rows(seed: int):
    import random

    rnd = random.Random(seed)
    rows = []
    for day in range(1, 6):
        for model, channel in (("claude-sonnet-4-6", "anthropic"), ("gpt-5.5", "openai"), ("gpt-5.4-mini", "")):
            if rnd.random() < 0.8:
                rows.append(
                    (
                        f"2026-10-0{day}T10:00:00Z",
                        model,
                        channel,
                        rnd.randint(1000, 90_000),
                        rnd.randint(10, 5000),
                        rnd.randint(0, 20_000),
                        rnd.randint(1, 30),
                    )
                )
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_best_mix_is_the_cheapest_channel_per_model(tmp_path, catalog, seed):
    rows = _rows(seed)
    full = price_log([_log(tmp_path, rows)], catalog=catalog).to_dict()
    mix = full["best_mix"]
    assert set(mix) >= {"total_usd", "delta_usd", "by_model"}
    for entry in mix["by_model"]:
        assert set(entry) == {"model", "channel", "variant", "total_usd"}
    # independent: each model priced alone; its best is the cheapest of as-logged and every complete re-pricing
    total = D(0)
    for entry in mix["by_model"]:
        sub = tmp_path / entry["model"]
        sub.mkdir()
        alone = price_log([_log(sub, [r for r in rows if r[1] == entry["model"]])], catalog=catalog).to_dict()
        options = [D(alone["total_usd"]), *map(D, alone["reprice"].values())]
        assert D(entry["total_usd"]) == min(options), entry
        total += D(entry["total_usd"])
    assert D(mix["total_usd"]) == total  # none of these channels charges a fee that changes with the mix
    delta = D(mix["delta_usd"])
    assert delta == D(mix["total_usd"]) - D(full["total_usd"])
    assert mix["delta_usd"].startswith(("+", "-")) or delta == 0


def test_recommend_log_without_a_model_covers_every_model(tmp_path, catalog):
    path = _log(tmp_path, _rows(4))
    out = json.loads(cli("recommend", "--log", path, "--json"))
    logged = {m["model"] for m in price_log([path], catalog=catalog).to_dict()["by_model"]}
    assert {m["model"] for m in out["best_mix"]["by_model"]} == logged
    assert D(out["best_mix"]["total_usd"]) == sum(D(m["total_usd"]) for m in out["best_mix"]["by_model"])
    assert D(out["best_mix"]["delta_usd"]) == D(out["best_mix"]["total_usd"]) - D(out["logged_usd"])
    assert cli("recommend", "--log", path, columns=80).splitlines()[0] == out["verdict"]
    res = runner.invoke(app, ["recommend"])
    assert res.exit_code == 1 or res.exit_code == 2


# -- item 4: terminal output that never breaks a number -------------------------------------------------


def _views(catalog):
    from billpath.analysis.hidden_costs import lag_report
    from billpath.analysis.scenarios import run_scenarios
    from billpath.report.advice import lag_view, recommend_view, scenarios_view
    from billpath.report.price_log import price_log_view

    for model in MODELS[:3]:
        for per_request, n in WORKLOADS[:2]:
            yield compare_view(compare(model, per_request, n, at=AT, catalog=catalog))
            yield recommend_view(recommend(model, per_request, n, at=AT, catalog=catalog).to_dict())
        yield lag_view(lag_report(model, catalog=catalog))
    yield price_log_view(price_log(["examples/usage.csv"], catalog=catalog))
    yield scenarios_view(run_scenarios("examples/scenarios.toml", catalog=catalog))


def _all(view):
    yield view
    for s in view.sections:
        yield from _all(s)


@pytest.mark.parametrize("width", [40, 60, 80, 99, 100, 140, 220])
def test_no_value_is_ever_split_across_lines(catalog, width):
    for view in _views(catalog):
        out = render_table(view, width=width)
        lines = out.splitlines()
        for v in _all(view):
            for row in v.rows:  # prose cells wrap at spaces only: each word stays whole
                for col, cell in zip(v.columns, row, strict=False):
                    if col in v.wrap:
                        assert all(any(w in ln for ln in lines) for w in text(cell).split()), (width, col)
            for line in [*v.footer, v.title]:
                for word in line.split():
                    assert any(word in ln for ln in lines), (width, word)
        if view.verdict:
            assert lines[0] == view.verdict
        table_lines = [ln for ln in lines if ln.startswith(("┌", "│", "├", "└"))]
        assert all(len(ln) <= width for ln in table_lines), width


@pytest.mark.parametrize("width", [60, 80, 120])
def test_every_shown_cell_is_on_one_line(catalog, width):
    for view in _views(catalog):
        lines = render_table(view, width=width).splitlines()
        for v in _all(view):
            for row in v.rows:
                for col, cell in zip(v.columns, row, strict=False):
                    value = text(cell)
                    if not value or col in v.wrap:
                        continue
                    shown = f"│ {col}" in "\n".join(lines) or any(f"{col}: " in ln for ln in lines)
                    if shown or col == v.columns[0]:  # a value without spaces (money, id, URL) is whole on a line
                        for part in value.split() if len(value) > width - 8 else [value]:
                            assert any(part in ln for ln in lines), (width, col, value)


def test_help_never_truncates_an_option_name():
    for command in ("compare", "recommend", "price-log", "scenarios", "lag"):
        res = runner.invoke(app, [command, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
        assert res.exit_code == 0
        assert "…" not in res.stdout
        for flag in re.findall(r"--[a-z][a-z0-9-]+", res.stdout):
            assert flag in res.stdout
        wide = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"}, terminal_width=200).stdout
        assert set(res.stdout.split()) == set(wide.split()), command  # wrapping at 80 splits no word
    out = runner.invoke(app, ["compare", "-h"], env={"COLUMNS": "80"}).stdout
    for flag in ("--cache-read-tokens", "--cache-write-1h-tokens", "--input-tokens", "--format", "--json"):
        assert flag in out
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and re.search(r"\d+\.\d+", version.stdout)


# -- CSV: plain numbers; every row sums to its total ------------------------------------------------------


def test_csv_money_is_plain_and_rows_sum_to_their_total(catalog):
    overlay = apply_overlay(catalog, "examples/prices.toml")
    cases = [
        ("claude-sonnet-4-6", Usage(input_tokens=D(10_000), output_tokens=D(1000)), D(200_000), overlay),
        ("gpt-5.5", Usage(input_tokens=D(4000), output_tokens=D(400), cache_read_tokens=D(100)), D(100_000), catalog),
        ("claude-opus-4-8", Usage(input_tokens=D(300_000), output_tokens=D(10)), D(3), catalog),
    ]
    saw_discount = False
    for model, per_request, n, cat in cases:
        comp = compare(model, per_request, n, at=AT, catalog=cat)
        text_csv = to_csv(compare_view(comp))
        for block in text_csv.strip().split("\n\n"):
            reader = list(csv.DictReader(io.StringIO(block)))
            assert reader
            money = [k for k in reader[0] if k.endswith("_usd")]
            assert "total_usd" in money
            for row in reader:
                for k in money:
                    assert "$" not in row[k] and "," not in row[k]
                    D(row[k])
                parts = sum((D(row[k]) for k in money if k != "total_usd"), D(0))
                assert parts == D(row["total_usd"]), (model, row)
                saw_discount |= "discount_usd" in row and D(row["discount_usd"]) != 0
    assert saw_discount  # the overlay's volume discount is its own column, so the row still adds up


def test_csv_is_plain_in_every_command():
    for args in (
        ("compare", "gpt-5.5", "-i", "1000", "-o", "100", "-n", "1000"),
        ("recommend", "gpt-5.5", "-i", "1000", "-o", "100", "-n", "1000"),
        ("price-log", "examples/usage.csv"),
        ("scenarios", "examples/scenarios.toml"),
    ):
        out = cli(*args, "--format", "csv")
        for block in out.strip().split("\n\n"):
            rows = list(csv.DictReader(io.StringIO(block)))
            for k in rows[0]:
                if k.endswith("_usd"):
                    for r in rows:
                        assert r[k] == "" or (D(r[k]) is not None and "$" not in r[k] and "," not in r[k]), (args, k)
        assert re.search(r"_usd\b", out), args


def test_scenarios_never_rank_seats_among_api_channels(tmp_path, catalog):
    from billpath.analysis.scenarios import run_scenarios

    path = tmp_path / "gpt.toml"
    path.write_text(
        'start = 2026-11-01\nmonths = 3\n[[scenarios]]\nname = "gpt-pipeline"\nrequests = 100000\n'
        'input_tokens = 4000\noutput_tokens = 400\ncache_hit_share = "0.3"\nmodels = { "gpt-5.5" = "1" }\n'
    )
    out = run_scenarios(path, catalog=catalog)
    kinds = {catalog.channels[r["channel"]].kind for r in out["rows"]}
    assert kinds and "application" not in kinds
    assert out["seats"] and {catalog.channels[r["channel"]].kind for r in out["seats"]} == {"application"}
    cheapest_seat = min(D(r["total"]) for r in out["seats"])
    assert cheapest_seat < D(out["rows"][0]["total"])  # cheaper as one seat, and still not ranked among the APIs
    assert out["rows"][0]["channel"] in out["verdict"] and "cursor" not in out["verdict"]
