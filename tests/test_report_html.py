"""`billpath report`: a self-contained HTML report of a priced log (assets inlined, strict CSP, same charts)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from billpath.cli import app
from billpath.report.html import price_log_report
from tests.web_server import CHROMIUM, CHROMIUM_ARGS

LOG = """timestamp,model,channel,input_tokens,output_tokens
2026-11-01T10:00:00Z,claude-sonnet-4-6,anthropic,1000000,100000
2026-11-03T09:00:00Z,claude-sonnet-4-6,anthropic,0,1000000
2026-11-02T10:00:00Z,no-such-model,anthropic,10,10
2026-11-02T11:00:00Z,claude-sonnet-4-6,anthropic,lots,10
"""


@pytest.fixture
def report(tmp_path: Path) -> Path:
    log = tmp_path / "usage.csv"
    log.write_text(LOG)
    out = tmp_path / "report.html"
    res = CliRunner().invoke(app, ["report", str(log), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out


def _data(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S)
    assert block
    return json.loads(block.group(1))


def test_report_holds_the_price_log_json(report: Path, tmp_path: Path) -> None:
    html = report.read_text(encoding="utf-8")
    data = _data(html)
    res = CliRunner().invoke(app, ["price-log", str(tmp_path / "usage.csv"), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert data == json.loads(res.stdout)
    assert data["total_usd"] == "19.5"  # 1M in at $3 + 100k out at $15 + 1M out at $15
    assert (data["rows_priced"], data["rows_unpriced"], data["rows_rejected"]) == (2, 1, 1)


def test_report_is_self_contained_with_a_strict_csp(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", html), "every asset is inlined"
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    for body in re.findall(r"<script>(.*?)</script>", html, re.S):  # every inline script is allowed by hash
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_report_json_cannot_close_its_script_tag() -> None:
    payload = {
        "rows_total": 1,
        "rows_priced": 0,
        "rows_unpriced": 0,
        "rows_rejected": 1,
        "total_usd": "0",
        "by_model": [],
        "reprice": {},
        "unpriced": [],
        "rejected": [{"line": 1, "error": "bad value </script><script>alert(1)</script>"}],
    }
    html = price_log_report(payload, title="<b>x</b>")
    assert "</script><script>alert" not in html and "<b>x</b>" not in html
    assert _data(html) == payload


def test_report_of_a_missing_log_is_one_line_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["report", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "r.html")])
    assert res.exit_code != 0
    assert not (tmp_path / "r.html").exists()


@pytest.mark.slow
def test_report_renders_offline_in_chromium(report: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: scripts/setup-system.sh installs it")
        pytest.skip(f"{CHROMIUM} is missing")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        problems, requests = [], []
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri())
        expect = sync_api.expect
        expect(page.locator("#log-total")).to_have_text("$19.50")
        expect(page.locator("#log-rejected")).to_have_text("1")
        expect(page.locator("#log-by-day tbody tr.row")).to_have_count(2)  # each row may have a detail row
        expect(page.locator("#log-by-day")).to_contain_text("2026-11-03")
        expect(page.locator("#log-unpriced-rows")).to_contain_text("no-such-model")
        assert page.locator("#log-reprice svg.chart g.bar").count() >= 1
        assert page.locator("#log-by-day svg.chart g.bar").count() == 2
        browser.close()
    assert not problems, problems  # an inline script blocked by the CSP would show here
    assert requests == [report.as_uri()]
