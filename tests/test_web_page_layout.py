"""The calculator page and the HTML report on a phone (390x844) and a laptop (1366x900), in headless Chromium.

No horizontal scroll at either size, the verdict first, the totals shown equal the API's, seats apart
from API channels, tables folded to their key columns with detail on tap, empty columns hidden, stale
figures cleared on error, errors worded for the page, a keyboard-usable upload with a format picker.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from billpath.money import display
from tests.web_server import CHROMIUM, CHROMIUM_ARGS, Server

pytestmark = pytest.mark.slow

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: scripts/setup-system.sh installs it", pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium, or `make test`)", allow_module_level=True)

SIZES = {"phone": (390, 844), "laptop": (1366, 900)}
WORKLOAD = {"model": "gpt-5.5", "input_tokens": "4000", "output_tokens": "400", "requests": "100000"}
TWO_MODELS = """timestamp,model,channel,input_tokens,output_tokens
2026-11-01T10:00:00Z,claude-sonnet-4-6,anthropic,1000000,100000
2026-11-01T11:00:00Z,gpt-5.5,openai,2000000,50000
2026-11-02T10:00:00Z,claude-sonnet-4-6,anthropic,500000,20000
2026-11-02T11:00:00Z,no-such-model,anthropic,10,10
"""


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(params=list(SIZES))
def size(request) -> str:
    return request.param


@pytest.fixture
def page(browser, size):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.problems = []
    expected = "Failed to load resource: the server responded with a status of 4"  # the API's answer to bad input
    pg.on("console", lambda m: m.type == "error" and not m.text.startswith(expected) and pg.problems.append(m.text))
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    yield pg
    context.close()


def api(server: Server, path: str, **params) -> dict:
    res = httpx.get(f"{server.base}{path}", params=params, timeout=30)
    assert res.status_code == 200, res.text
    return res.json()


def open_page(pg, server: Server, **query) -> None:
    pg.goto(f"{server.base}/?{urlencode(query, doseq=True)}")
    expect(pg.locator("body")).to_have_attribute("data-ready", "1")
    expect(pg.locator("body")).to_have_attribute("data-state", "ready")


def assert_no_horizontal_overflow(pg) -> None:
    width, inner = pg.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    wide = pg.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .slice(0, 5).map((e) => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)"""
    )
    assert width <= inner, f"page is {width}px wide in a {inner}px window; too wide: {wide}"


def totals(pg, table: str) -> dict[tuple[str, str], str]:
    rows = pg.locator(f"{table} tbody tr.row")
    return {
        (rows.nth(i).get_attribute("data-channel"), rows.nth(i).get_attribute("data-variant")): rows.nth(i)
        .locator("td.total")
        .inner_text()
        .strip()
        for i in range(rows.count())
    }


def split(data: dict) -> tuple[list[dict], list[dict]]:
    everything = [*data["quotes"], *data.get("seats", [])]
    api_quotes = [q for q in everything if q["channel_kind"] != "application"]
    return api_quotes, [q for q in everything if q["channel_kind"] == "application"]


def shown(quotes: list[dict]) -> dict[tuple[str, str], str]:
    return {(q["channel"], q["variant"]): display(Decimal(q["cost"]["total"])) for q in quotes}


def visible_headers(pg, table: str) -> list[str]:
    heads = pg.locator(f"{table} thead th")
    return [heads.nth(i).inner_text().strip() for i in range(heads.count()) if heads.nth(i).is_visible()]


def test_compare_fits_the_screen_verdict_first_seats_apart(page, server: Server, size: str) -> None:
    open_page(page, server, **WORKLOAD)
    data = api(server, "/api/compare", **WORKLOAD)
    api_quotes, seats = split(data)
    assert seats, "gpt-5.5 is sold on coding-tool plans: the seats section is exercised"
    assert_no_horizontal_overflow(page)

    # The answer comes first: the verdict sits above the table.
    verdict = page.locator("#verdict")
    expect(verdict).to_be_visible()
    expect(verdict).to_contain_text(data.get("verdict") or "Cheapest API channel:")
    assert verdict.bounding_box()["y"] < page.locator("#quotes-table").bounding_box()["y"]
    assert page.locator(".inputs #upload").bounding_box()["y"] < verdict.bounding_box()["y"]  # upload at the top

    # Totals shown are the API's; seats are never ranked among API channels.
    assert totals(page, "#quotes-table") == shown(api_quotes)
    assert totals(page, "#seats-table") == shown(seats)
    assert page.locator("#quotes-table tr[data-channel='cursor']").count() == 0
    first = api_quotes[0]
    expect(page.locator("#quotes-table tbody tr.row").first).to_have_attribute("data-channel", first["channel"])

    # The chart has one bar per API quote and a legend naming each kind it shows.
    assert page.locator("#chart svg.chart g.bar").count() == len(api_quotes)
    legend = page.locator("#chart ul.legend li")
    assert {legend.nth(i).get_attribute("data-kind") for i in range(legend.count())} == {
        q["channel_kind"] for q in api_quotes
    }

    # "Not sold on" is one line, not one note per channel.
    not_sold = [u["channel"] for u in data["unavailable"] if " does not sell " in u["reason"]]
    expect(page.locator("#not-sold")).to_contain_text(f"Not sold on {len(not_sold)} channels")
    for channel in not_sold:
        expect(page.locator("#not-sold")).to_contain_text(channel)
    assert "does not sell" not in page.locator("#notes").text_content()
    line = page.locator("#not-sold > summary")
    assert line.bounding_box()["height"] < 2 * page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)")
    line.click()  # opened, it shows the whole list
    expect(line).to_have_css("white-space", "normal")

    if size == "phone":  # the table folds to its key columns; a tap opens the rest
        assert visible_headers(page, "#quotes-table") == ["channel", "total"]
        row = page.locator("#quotes-table tbody tr.row").first
        detail = page.locator("#quotes-table tbody tr.row + tr.detail").first
        expect(detail).to_be_hidden()
        row.click()
        expect(detail).to_be_visible()
        expect(row).to_have_attribute("aria-expanded", "true")
        expect(detail).to_contain_text("input")
        expect(detail).to_contain_text(display(Decimal(first["cost"]["input"])))
        expect(detail).to_contain_text(first["source"]["url"])
        assert_no_horizontal_overflow(page)
    else:
        assert "input" in visible_headers(page, "#quotes-table")
    assert not page.problems, page.problems


def test_empty_columns_are_hidden(page, server: Server) -> None:
    open_page(page, server, model="claude-sonnet-4-6", input_tokens="1000", output_tokens="100", requests="10")
    heads = page.locator("#quotes-table thead th")
    labels = [heads.nth(i).text_content().strip() for i in range(heads.count())]
    assert "cache" not in labels and "per-request" not in labels, labels  # no cache tokens, no per-request fees
    for i, label in enumerate(labels):  # every column left has something in it
        cells = page.locator(f"#quotes-table tbody tr.row td:nth-child({i + 1})")
        texts = [cells.nth(j).text_content().strip() for j in range(cells.count())]
        assert any(t and not re.fullmatch(r"[+-]?\$?0+(\.0+)?%?", t) for t in texts), (label, texts)
    page.fill("#cache_hit_share", "0.5")
    expect(page.locator("#quotes-table thead th", has_text="cache")).to_have_count(1)


def test_verdict_and_seats_fields_when_the_json_has_them(page, server: Server) -> None:
    """With `verdict` and `seats` in the compare JSON, the page shows that verdict first and those seats apart."""
    said = "Stay on openai: every cheaper channel lacks nothing, and Cursor seats are priced per person."

    def with_fields(route):
        answer = route.fetch()
        data = answer.json()
        seats = [q for q in [*data["quotes"], *data.get("seats", [])] if q["channel_kind"] == "application"]
        for q in seats:
            q["seats"] = 5
        data["quotes"] = [q for q in data["quotes"] if q["channel_kind"] != "application"]
        data["seats"], data["verdict"] = seats, said
        route.fulfill(response=answer, json=data)

    page.route(re.compile(r".*/api/compare\?.*"), with_fields)
    open_page(page, server, **WORKLOAD)
    expect(page.locator("#verdict")).to_have_text(said)
    expect(page.locator("#verdict")).to_have_attribute("data-source", "server")
    _, seats = split(api(server, "/api/compare", **WORKLOAD))
    assert totals(page, "#seats-table") == shown(seats)
    expect(page.locator("#seats-table tbody tr.row td.num").first).to_be_attached()
    assert_no_horizontal_overflow(page)
    assert not page.problems, page.problems


def test_an_error_clears_stale_results_and_offers_clickable_suggestions(page, server: Server) -> None:
    open_page(page, server, **WORKLOAD)
    expect(page.locator("#ranking li").first).to_be_attached()
    page.fill("#model", "claude-sonet-4-6")  # a typo
    page.locator("#model").dispatch_event("change")
    expect(page.locator("#error")).to_contain_text("unknown model 'claude-sonet-4-6'")
    expect(page.locator("body")).to_have_attribute("data-outcome", "error")
    # Nothing of the previous model is left under the error.
    leftovers = page.evaluate(
        "[...document.querySelectorAll('[data-result]')].filter((n) => n.textContent.trim()).map((n) => n.id)"
    )
    assert leftovers == [], leftovers
    assert page.locator("#quotes-table, #ranking, #seats-table").count() == 0
    assert_no_horizontal_overflow(page)

    suggestion = page.locator("#error button.suggestion", has_text="claude-sonnet-4-6")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page.locator("#error")).to_be_hidden()
    expect(page.locator("#model")).to_have_value("claude-sonnet-4-6")
    expect(page.locator("#comparison-title")).to_contain_text("claude-sonnet-4-6")
    data = api(server, "/api/compare", **{**WORKLOAD, "model": "claude-sonnet-4-6"})
    assert totals(page, "#quotes-table") == shown(split(data)[0])
    assert not page.problems, page.problems


SHELL = re.compile(r"`|\bbillpath\s+[a-z]|(^|\s)--[a-z]")


def test_errors_are_worded_for_the_page(page, server: Server, tmp_path: Path) -> None:
    open_page(page, server, model="no-such-model")
    message = page.locator("#error-text").inner_text()
    assert "unknown model" in message and not SHELL.search(message), message

    odd = tmp_path / "odd.json"
    odd.write_text('{"foo": 1, "bar": 2}')
    page.set_input_files("#log-file", str(odd))
    expect(page.locator("#log-status .log-error")).to_contain_text("unknown usage format")
    message = page.locator("#log-status").inner_text()
    assert not SHELL.search(message) and "format picker" in message, message

    # The rewording is general: every CLI-style hint in a message is turned into words for the page.
    cli_messages = [
        "unknown model 'x'; closest known: a, b (search with `billpath models --search TEXT`)",
        "catalog snapshot /x/snapshot.json is missing: run `billpath catalog build`",
        "/tmp/u.csv: unknown usage format (JSON with keys a); name it with --input-format",
        "--requests must be a number, got 'lots'",
        "--cache-write-1h-tokens must be a non-negative number, got '-1'",
    ]
    for text in cli_messages:
        worded = page.evaluate("(t) => forPage(t)", text)
        assert worded and not SHELL.search(worded), (text, worded)
    assert not page.problems, page.problems


def test_upload_by_keyboard_with_the_format_picker(page, server: Server, tmp_path: Path) -> None:
    log = tmp_path / "two-models.csv"
    log.write_text(TWO_MODELS)
    with log.open("rb") as f:
        data = httpx.post(f"{server.base}/api/price-log", files={"file": ("two-models.csv", f)}, timeout=60).json()
    page.on("filechooser", lambda _: None)  # turns on Playwright's file-chooser interception before any key press
    open_page(page, server, **WORKLOAD)
    formats = page.locator("#log-format option")
    offered = {formats.nth(i).get_attribute("value") for i in range(formats.count())}
    assert {"auto", "canonical", "openai-usage", "otel"} <= offered

    page.select_option("#log-format", "openai-usage")  # the wrong format for this CSV: the picker is obeyed
    page.locator("#dropzone").focus()
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files(str(log))
    expect(page.locator("#log-status .log-error")).to_contain_text("two-models.csv")
    expect(page.locator("#log")).to_be_hidden()

    page.select_option("#log-format", "canonical")
    page.locator("#dropzone").focus()
    with page.expect_file_chooser() as chooser:
        page.keyboard.press(" ")
    chooser.value.set_files(str(log))
    expect(page.locator("body")).to_have_attribute("data-log", "ready")
    expect(page.locator("#log-total")).to_have_text(display(Decimal(data["total_usd"])))
    expect(page.locator("#log-rows")).to_have_text("4")
    expect(page.locator("#log-unpriced")).to_have_text("1")
    for channel, total in data["reprice"].items():
        expect(page.locator(f".reprice-usd[data-channel='{channel}']")).to_have_text(display(Decimal(total)))
    if data.get("verdict"):
        expect(page.locator("#log-verdict")).to_have_text(data["verdict"])
    if data.get("best_mix"):
        expect(page.locator("#log-best-mix-total")).to_have_text(display(Decimal(data["best_mix"]["total_usd"])))
    assert_no_horizontal_overflow(page)
    assert not page.problems, page.problems


def test_the_html_report_fits_both_screens(page, tmp_path: Path, size: str) -> None:
    from billpath.analysis.price_log import price_log
    from billpath.report.html import price_log_report

    log = tmp_path / "two-models.csv"
    log.write_text(TWO_MODELS)
    payload = price_log([str(log)]).to_dict()
    report = tmp_path / "report.html"
    report.write_text(price_log_report(payload, title=log.name), encoding="utf-8")
    page.goto(report.as_uri())
    expect(page.locator("#log-total")).to_have_text(display(Decimal(payload["total_usd"])))
    expect(page.locator("#log-rows")).to_have_text("4")
    by_model = page.locator("#log-by-model tbody tr.row")
    assert by_model.count() == len(payload["by_model"])
    verdict = page.locator("#report > *").first  # the answer first
    expect(verdict).to_have_id("log-verdict")
    if payload.get("verdict"):
        expect(verdict).to_have_text(payload["verdict"])
    else:  # the report's own: the total on the channels used, then the cheapest whole-log channel with its signed delta
        channel, total = min(payload["reprice"].items(), key=lambda kv: Decimal(kv[1]))
        delta = Decimal(total) - Decimal(payload["total_usd"])
        expect(verdict).to_contain_text(
            f"This log costs {display(Decimal(payload['total_usd']))} on the channels it used"
        )
        expect(verdict).to_contain_text(f"{channel} at {display(Decimal(total))}")
        expect(verdict).to_contain_text(("-" if delta < 0 else "+") + display(abs(delta)))
    assert_no_horizontal_overflow(page)
    if size == "phone":  # folded to key columns; a tap shows the rest
        assert visible_headers(page, "#log-by-model") == ["model", "cost"]
        by_model.first.click()
        expect(page.locator("#log-by-model tr.detail").first).to_be_visible()
        assert_no_horizontal_overflow(page)
    assert not page.problems, page.problems


def test_the_page_verdict_names_the_largest_hidden_cost(page, server: Server, size: str) -> None:
    query = {"model": "claude-sonnet-4-6", "requests": "3000", "input_tokens": "10000", "output_tokens": "1000"}
    query["batch_share"] = "0.25"
    open_page(page, server, **query)
    data = api(server, "/api/compare", **query)
    api_quotes, _ = split(data)
    gaps = [(q, h) for q in api_quotes for h in q["hidden_costs"] if h["amount"] is not None]
    assert gaps, "a 25% batch share prices the missing batch API somewhere"
    verdict = page.locator("#verdict")
    if data.get("verdict"):  # the server's own verdict wins
        expect(verdict).to_have_text(data["verdict"])
        return
    _, h = max(gaps, key=lambda g: Decimal(g[1]["amount"]))
    expect(verdict).to_contain_text(f"Cheapest API channel: {api_quotes[0]['channel']}")
    expect(verdict).to_contain_text(f"Largest hidden cost: {h['feature']}")
    expect(verdict).to_contain_text("+" + display(Decimal(h["amount"])))
    assert_no_horizontal_overflow(page)
