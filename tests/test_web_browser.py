"""End to end in headless Chromium (Debian's package, driven by Playwright): the page against a real server."""

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


@pytest.fixture
def page(browser, server):
    """A fresh page that records every request it makes and every console error or page error."""
    context = browser.new_context()
    pg = context.new_page()
    pg.requests, pg.problems = [], []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("console", lambda m: m.type == "error" and pg.problems.append(m.text))
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    yield pg
    context.close()


def api(server: Server, path: str, **params) -> dict:
    res = httpx.get(f"{server.base}{path}", params=params, timeout=10)
    assert res.status_code == 200, res.text
    return res.json()


def shown_totals(pg, table: str = "#quotes-table") -> dict[tuple[str, str], str]:
    rows = pg.locator(f"{table} tbody tr.row")
    out = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        key = (row.get_attribute("data-channel"), row.get_attribute("data-variant"))
        out[key] = row.locator("td.total").inner_text().strip()
    return out


def expected_totals(data: dict, seats: bool = False) -> dict[tuple[str, str], str]:
    """The API quotes' totals (or the coding-tool seats'): the page never ranks seats among API channels."""
    quotes = [*data["quotes"], *data.get("seats", [])]
    return {
        (q["channel"], q["variant"]): display(Decimal(q["cost"]["total"]))
        for q in quotes
        if (q["channel_kind"] == "application") == seats
    }


def open_page(pg, server: Server, **query) -> None:
    pg.goto(f"{server.base}/?{urlencode(query, doseq=True)}")
    expect(pg.locator("body")).to_have_attribute("data-ready", "1")
    expect(pg.locator("body")).to_have_attribute("data-state", "ready")


def test_page_shows_the_api_numbers(page, server: Server) -> None:
    open_page(page, server, model="claude-opus-4-8", requests="1000", input_tokens="1000", output_tokens="1000")
    data = api(
        server, "/api/compare", model="claude-opus-4-8", requests="1000", input_tokens="1000", output_tokens="1000"
    )
    assert shown_totals(page) == expected_totals(data)
    assert shown_totals(page)[("anthropic", "standard")] == "$30.00"  # 1M in at $5 + 1M out at $25
    assert page.locator("#chart svg.chart g.bar").count() == len(expected_totals(data))
    expect(page.locator("#verdict")).to_contain_text(data.get("verdict") or "Cheapest API channel:")
    assert page.locator("#notes li").count() > 0
    page.click("#all-notes summary")
    expect(page.locator("#notes li").first).to_be_visible()
    assert not page.problems, page.problems


def test_changing_the_workload_reprices_and_updates_the_permalink(page, server: Server) -> None:
    open_page(page, server, model="claude-sonnet-4-6")
    page.fill("#requests", "3000")
    page.fill("#input_tokens", "10000")
    page.fill("#cache_hit_share", "0.5")
    page.fill("#batch_share", "0.25")
    expect(page.locator("#comparison")).to_have_attribute("data-query", re.compile(r"batch_share=0\.25"))
    expect(page.locator("#comparison-title")).to_contain_text("3,000 requests")
    expect(page.locator("#split")).to_contain_text("15,000,000 cache-read")
    params = {
        "model": "claude-sonnet-4-6",
        "requests": "3000",
        "input_tokens": "10000",
        "output_tokens": "1000",
        "cache_hit_share": "0.5",
        "batch_share": "0.25",
    }
    assert shown_totals(page) == expected_totals(api(server, "/api/compare", **params))
    assert re.search(r"requests=3000.*cache_hit_share=0\.5", page.url), page.url
    data = api(server, "/api/compare", **params)
    gaps = [(q, h) for q in data["quotes"] for h in q["hidden_costs"] if h["amount"] is not None]
    assert gaps, "a 25% batch share prices the missing batch API somewhere"
    for q, h in gaps:  # hidden costs are called out with their amount
        where = f"[data-channel='{q['channel']}'][data-variant='{q['variant']}'][data-feature='{h['feature']}']"
        expect(page.locator(f".hidden-amount{where}")).to_have_text("+" + display(Decimal(h["amount"])))
    link = page.locator("#permalink").get_attribute("href")

    before = shown_totals(page)
    page.goto(server.base + link)  # the permalink reproduces the view
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    expect(page.locator("#requests")).to_have_value("3000")
    expect(page.locator("#cache_hit_share")).to_have_value("0.5")
    assert shown_totals(page) == before
    assert not page.problems, page.problems


def test_model_search_and_unknown_model(page, server: Server) -> None:
    open_page(page, server)
    options = page.locator("#model-list option")
    assert options.count() >= 4
    page.fill("#model", "gpt-5.5")
    expect(page.locator("#comparison-title")).to_contain_text("gpt-5.5")
    page.fill("#model", "no-such-model")
    page.locator("#model").dispatch_event("change")
    expect(page.locator("#error")).to_contain_text("unknown model 'no-such-model'")


def test_recommendation_with_reasons_and_requirements(page, server: Server) -> None:
    open_page(page, server, model="claude-sonnet-4-6", requests="3000", input_tokens="10000", output_tokens="1000")
    page.click("#requirements-box summary")
    page.check("input[name=require][value='billing:aws']")
    # Claude Platform on AWS (Anthropic's API on the AWS invoice) ties Bedrock global and ranks first
    expect(page.locator("#ranking li[data-channel]").first).to_have_attribute("data-channel", "claude-platform-aws")
    data = api(
        server,
        "/api/recommend",
        model="claude-sonnet-4-6",
        requests="3000",
        input_tokens="10000",
        output_tokens="1000",
        require="billing:aws",
    )
    first = page.locator("#ranking > li").first
    expect(first.locator(".monthly")).to_have_text(display(Decimal(data["ranking"][0]["monthly_cost"])))
    expect(first.locator(".reasons li").first).to_have_text(data["ranking"][0]["reasons"][0])
    expect(page.locator("#excluded")).to_contain_text("anthropic")
    assert "require=billing%3Aaws" in page.url


LOG = """timestamp,model,channel,input_tokens,output_tokens
2026-11-01T10:00:00Z,claude-sonnet-4-6,anthropic,1000000,100000
2026-11-02T10:00:00Z,no-such-model,anthropic,10,10
2026-11-02T11:00:00Z,claude-sonnet-4-6,anthropic,lots,10
"""


def test_upload_a_log_and_see_it_repriced(page, server: Server, tmp_path: Path) -> None:
    log = tmp_path / "usage.csv"
    log.write_text(LOG)
    open_page(page, server)
    page.set_input_files("#log-file", str(log))
    expect(page.locator("body")).to_have_attribute("data-log", "ready")
    expect(page.locator("#log-total")).to_have_text("$4.50")  # 1M in at $3 + 100k out at $15
    expect(page.locator("#log-rows")).to_have_text("3")
    expect(page.locator("#log-priced")).to_have_text("1")
    expect(page.locator("#log-unpriced")).to_have_text("1")
    expect(page.locator("#log-rejected")).to_have_text("1")
    expect(page.locator("#log-files")).to_contain_text("usage.csv")
    expect(page.locator("#log-rejected-rows")).to_contain_text("lots")
    with log.open("rb") as f:
        data = httpx.post(f"{server.base}/api/price-log", files={"file": ("usage.csv", f)}, timeout=30).json()
    assert data["reprice"], "the log's model is sold on other channels"
    for channel, total in data["reprice"].items():
        expect(page.locator(f".reprice-usd[data-channel='{channel}']")).to_have_text(display(Decimal(total)))
    assert page.locator("#log-reprice svg.chart g.bar").count() == len(data["reprice"])
    assert not page.problems, page.problems


def test_page_never_leaves_the_server(page, server: Server) -> None:
    open_page(page, server, model="gpt-5.5")
    page.fill("#requests", "5")
    expect(page.locator("#comparison")).to_have_attribute("data-query", re.compile(r"requests=5&"))
    outside = [u for u in page.requests if not u.startswith(server.base) and not u.startswith("data:")]
    assert page.requests and not outside, outside
    assert not page.problems, page.problems  # a CSP violation would show here
