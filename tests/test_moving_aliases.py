"""Issue 12, moving aliases: an id that names different models over time is priced, at each date, on the model
it named then (`catalog/data/moving-aliases.toml`, `catalog/moving.py`), and says so; outside its windows it has
no price; after its retirement it is "no longer sold" and still prices the rows dated before."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from billpath.analysis.compare import compare
from billpath.api import price_log
from billpath.catalog import moving
from billpath.catalog.store import Catalog, load_catalog
from billpath.errors import CatalogError
from billpath.pricing.quote import quote_offer
from billpath.usage.record import Usage

M = Decimal(1_000_000)
ONE_EACH = Usage(input_tokens=M, output_tokens=M)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _home(catalog: Catalog, name: str, at: date) -> tuple[Decimal, Decimal] | None:
    """(input, output) per Mtok of the alias's standard offer on its own channel at `at` (None: not priced)."""
    alias = catalog.moving[name]
    offers = [o for o in catalog.offers_at(name, at) if o.channel == alias.channel and o.variant_kind == "standard"]
    if not offers:
        return None
    (o,) = offers
    return o.tiers[0].input_per_mtok, o.tiers[0].output_per_mtok


def _price(catalog: Catalog, model: str, channel: str, at: date) -> tuple[Decimal, Decimal]:
    (o,) = [o for o in catalog.offers_at(model, at) if o.channel == channel and o.variant_kind == "standard"]
    return o.tiers[0].input_per_mtok, o.tiers[0].output_per_mtok


D = Decimal


@pytest.mark.parametrize(
    ("name", "at", "expected"),
    [
        ("deepseek-chat", date(2024, 12, 1), None),  # before DeepSeek-V3: the id named no priced model
        ("deepseek-chat", date(2025, 6, 1), (D("0.27"), D("1.1"))),  # V3
        ("deepseek-chat", date(2025, 9, 5), (D("0.27"), D("1.1"))),  # the switch day (16:00 UTC) keeps V3
        ("deepseek-chat", date(2025, 9, 6), (D("0.56"), D("1.68"))),  # V3.1's price from 16:00 UTC on 09-05
        ("deepseek-chat", date(2025, 10, 15), (D("0.28"), D("0.42"))),  # V3.2-Exp
        ("deepseek-chat", date(2026, 1, 10), (D("0.28"), D("0.42"))),  # V3.2
        ("deepseek-chat", date(2026, 7, 24), "deepseek-v4-flash"),  # V4 Flash, to 15:59 UTC that day
        ("deepseek-chat", date(2026, 7, 25), None),  # retired
        ("deepseek-reasoner", date(2025, 6, 1), (D("0.55"), D("2.19"))),  # R1
        ("deepseek-reasoner", date(2025, 9, 6), (D("0.56"), D("1.68"))),
        ("deepseek-reasoner", date(2026, 5, 1), "deepseek-v4-flash"),
        ("deepseek-reasoner", date(2026, 11, 26), None),
        ("gpt-4o", date(2024, 6, 1), (D("5"), D("15"))),  # gpt-4o-2024-05-13
        ("gpt-4o", date(2024, 10, 2), (D("2.5"), D("10"))),  # gpt-4o-2024-08-06 from 2024-10-02
        ("claude-3-5-sonnet-latest", date(2025, 6, 1), (D("3"), D("15"))),
        ("claude-3-5-sonnet-latest", date(2025, 10, 28), None),  # retired with Sonnet 3.5
        ("mistral-large-latest", date(2025, 6, 1), (D("2"), D("6"))),  # Mistral Large 2.x
        ("mistral-large-latest", date(2026, 6, 1), (D("0.5"), D("1.5"))),  # Mistral Large 3
        ("chatgpt-4o-latest", date(2025, 6, 1), (D("5"), D("15"))),
        ("chatgpt-4o-latest", date(2026, 2, 17), None),  # shut down
        ("gemini-flash-latest", date(2026, 11, 26), "gemini-3.8-flash"),  # its current target, no dates known
    ],
)
def test_listed_aliases_before_between_and_after_each_switch(catalog, name, at, expected) -> None:
    if isinstance(expected, str):  # the target's own price on the alias's channel that day
        expected = _price(catalog, expected, catalog.moving[name].channel, at)
    assert _home(catalog, name, at) == expected


def _sig(o) -> tuple:
    return (o.channel, o.variant, o.variant_kind, o.tiers, o.batch_multiplier, o.batch_discounts_cache, o.features)


def test_every_alias_prices_as_its_target_of_the_day_or_not_at_all(catalog) -> None:
    """The general property: for every alias of the table and random dates, the alias's offers are the target's
    offers in force that day (on every channel), or none outside its windows."""
    rng = random.Random(20261202)
    days = [date(2023, 1, 1) + timedelta(days=rng.randrange(5 * 365)) for _ in range(150)]
    checked = 0
    for alias in catalog.moving.values():
        for w in alias.windows:  # the boundaries too
            days += [d for d in (w.start, w.end) if d] + [d - timedelta(days=1) for d in (w.start, w.end) if d]
        for d in days:
            got = {_sig(o) for o in catalog.offers_at(alias.id, d)}
            w = alias.window_at(d)
            want = set() if w is None else {_sig(o) for o in catalog.stored_offers(w.target) if o.valid_at(d)}
            assert got == want, (alias.id, d)
            checked += bool(want)
    assert checked > 300


def test_a_log_is_priced_row_by_row_on_the_target_of_its_date(catalog, tmp_path) -> None:
    """price-log (SQL) agrees with the exact evaluator on each row's target offer, over random alias rows."""
    rng = random.Random(7)
    names = sorted(catalog.moving)
    lines, want, priced = ["timestamp,model,input_tokens,output_tokens,cache_read_tokens,requests"], D(0), 0
    for _ in range(120):
        name = rng.choice(names)
        alias = catalog.moving[name]
        day = date(2024, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        tokens = (rng.randrange(1, 90_000), rng.randrange(1, 5_000), rng.randrange(0, 9_000))
        lines.append(f"{day}T12:00:00Z,{name},{tokens[0]},{tokens[1]},{tokens[2]},1")
        w = alias.window_at(day)
        offers = (
            []
            if w is None
            else [
                o for o in catalog.offers_at(name, day) if o.channel == alias.channel and o.variant_kind == "standard"
            ]
        )
        if offers:
            usage = Usage(input_tokens=D(tokens[0]), output_tokens=D(tokens[1]), cache_read_tokens=D(tokens[2]))
            want += quote_offer(offers[0], usage, catalog).total
            priced += 1
    log = tmp_path / "aliases.csv"
    log.write_text("\n".join(lines) + "\n")
    res = price_log([str(log)], catalog=catalog)
    assert res.rows_priced == priced and res.rows_priced + res.rows_unpriced == 120
    assert res.total == want  # to the last unit


def test_compare_names_the_target_and_a_retired_alias_says_since_when(catalog) -> None:
    old = compare("deepseek-chat", ONE_EACH, at=date(2025, 6, 1), catalog=catalog)
    (home,) = [q for q in old.quotes if q.offer.channel == "deepseek"]
    assert home.total == D("1.37")
    assert any("deepseek-v3 priced" in n and "api-docs.deepseek.com" in n for n in home.notes)
    # on other channels: what the target of the day (V3) costs there, for comparison
    (together,) = [q for q in old.quotes if q.offer.channel == "together" and q.offer.variant == "standard"]
    assert (
        together.total
        == quote_offer(
            next(o for o in catalog.offers_at("deepseek-v3", date(2025, 6, 1)) if o.channel == "together"),
            ONE_EACH,
            catalog,
        ).total
    )
    gone = compare("deepseek-chat", ONE_EACH, at=date(2026, 8, 1), catalog=catalog).to_dict()
    assert gone["quotes"] == []
    assert gone["status"].startswith("deepseek-chat is no longer sold since 2026-07-24 15:59 UTC")
    assert "no longer sold since 2026-07-24 15:59 UTC" in gone["verdict"]


def test_a_retired_alias_still_prices_old_rows_and_explains_the_new_ones(tmp_path) -> None:
    log = tmp_path / "ds.csv"
    log.write_text(
        "timestamp,model,input_tokens,output_tokens,requests\n"
        "2025-06-01T00:00:00Z,deepseek-chat,1000000,1000000,100\n"
        "2025-09-05T17:00:00Z,deepseek-chat,1000000,1000000,100\n"  # after 16:00 UTC: the day is still V3's
        "2025-09-06T10:00:00Z,deepseek-chat,1000000,1000000,100\n"
        "2026-08-10T10:00:00Z,deepseek-chat,1000000,1000000,100\n"
    )
    res = price_log([str(log)]).to_dict()
    assert (res["rows_priced"], res["rows_unpriced"]) == (3, 1)
    assert D(res["total_usd"]) == D("1.37") + D("1.37") + D("2.24")  # (0.27 + 1.10) x2, then 0.56 + 1.68
    (gone,) = res["unpriced"]
    assert gone["reason"] == "deepseek-chat is no longer sold since 2026-07-24 15:59 UTC (a retired moving alias)"
    assert any(n.startswith("deepseek-chat: 2 day(s) of rows dated from 2024-12-26") for n in res["notes"])
    assert any(n.startswith("'deepseek-chat' is a moving alias") for n in res["notes"])


def test_a_model_id_that_moves_prices_its_earlier_target_before(catalog) -> None:
    """`gpt-4o` pointed at the 2024-05-13 snapshot until 2024-10-02: on every channel, its price then is that
    snapshot's (the catalog's gpt-4o offers carry the 2024-08-06 snapshot's 2.5/10, not sold before it existed)."""
    for at, model in ((date(2024, 6, 1), "gpt-4o-2024-05-13"), (date(2025, 6, 1), "gpt-4o")):
        for channel in ("openai", "azure"):
            got = {_sig(o) for o in catalog.offers_at("gpt-4o", at) if o.channel == channel}
            want = {_sig(o) for o in catalog.stored_offers(model) if o.valid_at(at) and o.channel == channel}
            assert got and got == want, (at, channel)


def test_a_latest_id_the_table_does_not_date_is_priced_with_a_note(catalog) -> None:
    comp = compare("grok-3-latest", ONE_EACH, at=date(2026, 1, 1), catalog=catalog)
    assert comp.model == "grok-3" and comp.quotes
    assert all(
        q.notes[0].startswith("'grok-3-latest' is a moving alias that moving-aliases.toml does not date")
        for q in comp.quotes
    )
    current = compare("gemini-flash-latest", ONE_EACH, at=date(2026, 1, 1), catalog=catalog)
    (google,) = [q for q in current.quotes if q.offer.channel == "google" and q.offer.variant == "standard"]
    assert "its current target; earlier moves not recorded" in google.notes[0]


def test_the_day_rule() -> None:
    assert moving.first_day(date(2025, 9, 5)) == date(2025, 9, 5)
    assert moving.first_day(datetime(2025, 9, 5, 16, tzinfo=UTC)) == date(2025, 9, 6)
    assert moving.first_day(datetime(2025, 9, 6, 0, tzinfo=UTC)) == date(2025, 9, 6)
    assert moving.instant_text(datetime(2026, 7, 24, 15, 59, tzinfo=UTC)) == "2026-07-24 15:59 UTC"
    assert moving.parse_instant("2026-07-24 15:59 UTC") == datetime(2026, 7, 24, 15, 59, tzinfo=UTC)
    assert moving.looks_moving("anthropic/claude-3-5-sonnet-latest") and moving.looks_moving("mistral-large@latest")
    assert not moving.looks_moving("gpt-4o")


def test_a_retirement_instant_ends_the_offer_after_its_day(catalog) -> None:
    (v3,) = [o for o in catalog.stored_offers("deepseek-v3") if o.channel == "deepseek"]
    assert v3.effective_to == date(2025, 9, 6)
    assert any("no longer sold since 2025-09-05 16:00 UTC" in n for n in v3.notes)


W = "[[alias.window]]\n"
HEAD = (
    '[[alias]]\nid = "x-latest"\nchannel = "openai"\n'
    'source = { url = "https://example.test/a", checked = 2026-12-02 }\n'
)


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        (
            '[[alias.window]]\ntarget = "a"\nuntil = 2025-01-01\n[[alias.window]]\ntarget = "b"\nfrom = 2025-02-01\n',
            "without gap",
        ),
        (
            '[[alias.window]]\ntarget = "a"\nuntil = 2025-03-01\n[[alias.window]]\ntarget = "b"\nfrom = 2025-02-01\n',
            "without gap",
        ),
        ('[[alias.window]]\ntarget = "a"\nfrom = 2025-03-01\nuntil = 2025-02-01\n', "must be a later day"),
        ('[[alias.window]]\ntarget = "a"\nfrom = 2025-03-01T10:00:00\n', "no UTC offset"),
        ('[[alias.window]]\ntarget = "a"\n[[alias.window]]\ntarget = "b"\n', "only the last window may omit"),
        (
            W + 'target = "a"\nfrom = 2025-01-01\nuntil = 2025-02-01\n' + W + 'target = "b"\nuntil = 2025-03-01\n',
            "only the first window may omit",
        ),
        ('[[alias.window]]\ntarget = "a"\nprice = "1"\n', "must have `target`"),
        ("", "must have"),
    ],
)
def test_a_malformed_table_is_one_error_naming_the_problem(tmp_path, windows, message) -> None:
    path = tmp_path / "moving-aliases.toml"
    path.write_text(HEAD + windows)
    with pytest.raises(CatalogError, match=message):
        moving.load_table(path)


def test_a_name_listed_twice_is_refused(tmp_path) -> None:
    path = tmp_path / "moving-aliases.toml"
    window = '[[alias.window]]\ntarget = "a"\n'
    path.write_text(HEAD + window + HEAD.replace('"x-latest"', '"X-Latest"') + window)
    with pytest.raises(CatalogError, match="listed twice"):
        moving.load_table(path)


def _alias(*windows: tuple[str, str | None, str | None]) -> moving.MovingAlias:
    return moving.MovingAlias(
        id="x-latest",
        channel="acme",
        ids=(),
        windows=tuple(moving.Window(t, s, u, None, "https://example.test", "2026-12-02") for t, s, u in windows),
        note=None,
        url="https://example.test",
        checked="2026-12-02",
    )


def test_the_table_is_checked_against_the_catalog() -> None:
    makers = {"a": "acme", "b": "acme", "c": "other"}
    released: dict[str, date | None] = {"a": None, "b": None, "c": None}
    periods = {("a", "acme"): [(date(2024, 1, 1), date(2025, 1, 1))], ("b", "acme"): [(date(2024, 6, 1), None)]}
    ok = _alias(("a", "2024-01-01", "2025-01-01"), ("b", "2025-01-01", None))
    assert moving.problems([ok], makers, released, periods, {"acme"}) == []
    # a's price ends before its window does (a retirement inside the window): a day without a price
    short = _alias(("a", "2024-01-01", "2025-02-01"), ("b", "2025-02-01", None))
    (why,) = moving.problems([short], makers, released, periods, {"acme"})
    assert "no price for a on 2025-01-01" in why
    # an open window on a target whose price ends: the alias must retire with it
    (why,) = moving.problems([_alias(("a", "2024-01-01", None))], makers, released, periods, {"acme"})
    assert "no price for a on 2025-01-01" in why
    unknown = moving.problems([_alias(("zz", None, None))], makers, released, periods, {"acme"})
    assert "'zz' is not a model of the catalog" in unknown[0]
    mixed = moving.problems(
        [_alias(("b", None, "2026-01-01"), ("c", "2026-01-01", None))], makers, released, periods, {"x"}
    )
    assert any("unknown channel" in p for p in mixed) and any("different makers" in p for p in mixed)


def test_the_audit_finds_an_alias_the_catalog_contradicts(catalog) -> None:
    from billpath.catalog.audit import _moving

    assert _moving(catalog) == []
    broken = Catalog(
        models=catalog.models, channels=catalog.channels, aliases=catalog.aliases, moving=dict(catalog.moving)
    )
    broken._lines = catalog._lines
    alias = catalog.moving["deepseek-chat"]
    first = alias.windows[0]
    longer = moving.Window("deepseek-v3", first.since, "2025-09-20", first.note, first.url, first.checked)
    broken.moving["deepseek-chat"] = moving.MovingAlias(
        alias.id, alias.channel, alias.ids, (longer, *alias.windows[1:]), alias.note, alias.url, alias.checked
    )
    kinds = {f["kind"] for f in _moving(broken)}
    assert kinds == {"moving-alias"}
    assert any("no price for deepseek-v3 on 2025-09-06" in f["why"] for f in _moving(broken))


def test_an_overlay_names_the_model_not_the_alias(catalog, tmp_path) -> None:
    from billpath.catalog.price_overlay import apply_overlay

    path = tmp_path / "prices.toml"
    path.write_text('[[prices]]\nmodel = "deepseek-chat"\nchannel = "deepseek"\ninput_per_mtok = "0.1"\n')
    with pytest.raises(CatalogError, match="is a moving alias"):
        apply_overlay(catalog, path)
    # an overlay on a target reaches the alias on that target's days
    path.write_text('[[prices]]\nmodel = "deepseek-v3.2"\nchannel = "deepseek"\ninput_per_mtok = "0.1"\n')
    overlaid = apply_overlay(catalog, path)
    assert _home(overlaid, "deepseek-chat", date(2026, 1, 10)) == (D("0.1"), D("0.42"))
    assert _home(overlaid, "deepseek-chat", date(2025, 6, 1)) == (D("0.27"), D("1.1"))


def test_the_snapshot_validates_its_aliases(snapshot) -> None:
    assert moving.snapshot_problems(snapshot) == []
    bad = {**snapshot, "aliases": {k: v for k, v in snapshot["aliases"].items() if k != "deepseek-chat"}}
    assert any("'deepseek-chat' does not resolve to it" in p for p in moving.snapshot_problems(bad))
