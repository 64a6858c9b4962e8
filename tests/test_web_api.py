"""The HTTP API in-process: same JSON as the CLI, problem+json errors, limits and security headers."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from billpath.cli import app as cli_app
from billpath.web.app import STATIC, Settings, _upload_suffix, create_app
from billpath.web.safety import BodyLimit, Timeout

runner = CliRunner()


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings()), raise_server_exceptions=False)


def cli_json(*args: str) -> dict:
    res = runner.invoke(cli_app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


WORKLOADS = [
    ("Claude Opus 4.8", {"input_tokens": "1000", "output_tokens": "1000", "requests": "1000"}),
    ("claude-sonnet-4-6", {"input_tokens": "300000", "output_tokens": "2000", "requests": "7"}),
    ("gpt-5.5", {"input_tokens": "2000", "cache_read_tokens": "8000", "batch_share": "0.3", "requests": "12345"}),
    ("us.anthropic.claude-sonnet-4-6-v1:0", {"input_tokens": "10", "cache_write_tokens": "5", "requests": "3"}),
    ("gpt-5.4-mini", {"input_tokens": "777", "output_tokens": "55", "payment": "byok", "requests": "2000000"}),
    ("claude-sonnet-4-6", {"input_tokens": "1500.5", "output_tokens": "10", "at": "2026-03-01"}),
    ("gpt-5.5", {"input_tokens": "10001", "cache_hit_share": "0.35", "batch_share": "0.5", "requests": "30000"}),
    ("claude-sonnet-4-6", {"input_tokens": "5000", "requests": "10", "credit_purchase": "10", "payment": "card"}),
]


@pytest.mark.parametrize(("model", "params"), WORKLOADS)
def test_compare_is_the_cli_json(client: TestClient, model: str, params: dict) -> None:
    res = client.get("/api/compare", params={"model": model, **params})
    assert res.status_code == 200, res.text
    assert res.headers["content-type"] == "application/json"
    flags = [x for k, v in params.items() for x in (f"--{k.replace('_', '-')}", v)]
    assert res.json() == cli_json("compare", model, *flags)


RECOMMENDS = [
    ("claude-sonnet-4-6", {"requests": "3000", "input_tokens": "10000", "output_tokens": "1000"}, ["billing:aws"]),
    ("gpt-5.5", {"requests": "100000", "input_tokens": "2000", "cache_hit_share": "0.5"}, ["region:eu"]),
    ("claude-opus-4-8", {"requests": "50", "input_tokens": "100", "batch_share": "0.2"}, []),
]


@pytest.mark.parametrize(("model", "params", "requires"), RECOMMENDS)
def test_recommend_is_the_cli_json(client: TestClient, model: str, params: dict, requires: list[str]) -> None:
    res = client.get("/api/recommend", params={"model": model, **params, "require": requires})
    assert res.status_code == 200, res.text
    flags = [x for k, v in params.items() for x in (f"--{k.replace('_', '-')}", v)]
    flags += [x for r in requires for x in ("--require", r)]
    data = res.json()
    assert data == cli_json("recommend", model, *flags)
    assert data["ranking"] and all(isinstance(r["monthly_cost"], str) for r in data["ranking"])


def test_recommend_aws_ranks_bedrock_first(client: TestClient) -> None:
    params = {"model": "claude-sonnet-4-6", "requests": "3000", "input_tokens": "10000", "output_tokens": "1000"}
    data = client.get("/api/recommend", params={**params, "require": "billing:aws"}).json()
    assert [r["channel"] for r in data["ranking"][:2]] == ["claude-platform-aws", "aws-bedrock"]
    assert "anthropic" in {x["channel"] for x in data["excluded"]}


def test_unknown_requirement_is_a_problem(client: TestClient) -> None:
    res = client.get("/api/recommend", params={"model": "gpt-5.5", "require": "billing:mars"})
    assert "unknown requirement" in _problem(res, 422)["detail"]


@pytest.mark.parametrize("command", ["lag", "explain"])
def test_lag_and_explain_are_the_cli_json(client: TestClient, command: str) -> None:
    res = client.get(f"/api/{command}", params={"model": "claude-sonnet-4-6"})
    assert res.status_code == 200, res.text
    assert res.json() == cli_json(command, "claude-sonnet-4-6")


def test_compare_money_is_exact_decimal_text(client: TestClient) -> None:
    data = client.get("/api/compare", params={"model": "claude-opus-4-8", "input_tokens": "1", "requests": "3"}).json()
    direct = next(q for q in data["quotes"] if q["channel"] == "anthropic" and q["variant"] == "standard")
    assert direct["cost"]["total"] == "0.000015"  # 3 tokens at $5 per million, not rounded
    for q in data["quotes"]:
        for v in q["cost"].values():
            assert re.fullmatch(r"-?\d+(\.\d+)?", v), v


def test_repeated_compare_is_identical(client: TestClient) -> None:
    params = {"model": "gpt-5.5", "input_tokens": "123", "output_tokens": "45", "requests": "6"}
    first = client.get("/api/compare", params=params).content
    assert client.get("/api/compare", params=params).content == first


def test_result_cache_keeps_only_successes(client: TestClient) -> None:
    bad = {"model": "no-such-model-xyz"}
    assert client.get("/api/compare", params=bad).status_code == 404
    assert client.get("/api/compare", params=bad).status_code == 404
    good = client.get("/api/compare", params={"model": "gpt-5.5", "requests": "17"})
    again = client.get("/api/compare", params={"model": "gpt-5.5", "requests": "17"})
    assert good.content == again.content
    assert again.headers["content-security-policy"]  # cached answers keep the security headers


@pytest.mark.parametrize("command", ["models", "channels"])
def test_listings_are_the_cli_json(client: TestClient, command: str) -> None:
    assert client.get(f"/api/{command}").json() == cli_json(command)


def test_models_filter_is_the_cli_json(client: TestClient) -> None:
    got = client.get("/api/models", params={"search": "claude", "channel": "aws-bedrock"}).json()
    assert got == cli_json("models", "--search", "claude", "--channel", "aws-bedrock")
    assert got["models"] and all("claude" in m["id"] for m in got["models"])


def test_catalog_info(client: TestClient) -> None:
    info = client.get("/api/catalog").json()
    assert info["models"] >= 4 and info["channels"] >= 10 and info["offers"] > 0
    assert "/api/compare" in info["endpoints"]


def _problem(res, status: int) -> dict:
    assert res.status_code == status, res.text
    assert res.headers["content-type"] == "application/problem+json"
    body = res.json()
    assert body["status"] == status and body["detail"] and body["type"].startswith("urn:billpath:problem:")
    assert "Traceback" not in res.text
    return body


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ({"model": "claude-opus-9"}, 404, "closest known: claude-opus"),
        ({"model": "gpt-5.5", "input_tokens": "abc"}, 422, "input_tokens must be a non-negative number"),
        ({"model": "gpt-5.5", "requests": "-3"}, 422, "requests must be a number of requests"),
        ({"model": "gpt-5.5", "requests": "0"}, 422, "requests must be a number of requests, at least 1"),
        ({"model": "gpt-5.5", "batch_share": "1.5"}, 422, "batch_share must be a share between 0 and 1"),
        ({"model": "gpt-5.5", "at": "2026-02-30"}, 422, "at must be a real date"),
        ({"model": "gpt-5.5", "payment": "cash"}, 422, "payment"),
        ({"model": "gpt-5.5", "output_tokens": "10", "reasoning_tokens": "20"}, 422, "reasoning_tokens"),
        ({}, 422, "model is required"),
    ],
)
def test_compare_errors_are_problems(client: TestClient, query: dict, status: int, says: str) -> None:
    body = _problem(client.get("/api/compare", params=query), status)
    assert says in body["detail"]


def test_unknown_channel_and_path_are_problems(client: TestClient) -> None:
    assert "aws-bedrock" in _problem(client.get("/api/models", params={"channel": "aws-bedrok"}), 404)["detail"]
    _problem(client.get("/api/nothing"), 404)
    _problem(client.post("/api/compare"), 405)


@pytest.mark.parametrize("path", ["/", "/api/compare?model=gpt-5.5", "/static/app.js", "/api/nothing"])
def test_security_headers(client: TestClient, path: str) -> None:
    res = client.get(path)
    csp = res.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert res.headers["x-content-type-options"] == "nosniff"
    assert res.headers["x-frame-options"] == "DENY"


def test_page_and_assets_are_local(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert refs and all(r.startswith(("/", "data:")) for r in refs), refs
    for asset in STATIC.iterdir():
        text = asset.read_text(encoding="utf-8")
        urls = set(re.findall(r"https?://[^\s\"'`)]+", text)) - {"http://www.w3.org/2000/svg"}
        assert not urls, f"{asset.name} names outside URLs: {urls}"
        assert client.get(f"/static/{asset.name}").status_code == 200


def test_no_cdn_docs_pages(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    spec = client.get("/openapi.json").json()
    assert {"/api/compare", "/api/models", "/api/channels", "/api/catalog"} <= set(spec["paths"])


def test_host_header_allow_list() -> None:
    guarded = TestClient(create_app(Settings(allowed_hosts=("127.0.0.1", "localhost"))))
    assert guarded.get("/api/catalog", headers={"host": "127.0.0.1:8000"}).status_code == 200
    assert guarded.get("/api/catalog", headers={"host": "attacker.example"}).status_code == 400


def test_upload_over_the_limit_is_413() -> None:
    small = TestClient(create_app(Settings(max_upload_bytes=1000)))
    res = small.post("/api/price-log", files={"file": ("log.csv", b"x" * 5000, "text/csv")})
    body = _problem(res, 413)
    assert "1,000 bytes" in body["detail"]


async def _run_asgi(app, chunks: list[bytes], headers=()) -> list[dict]:
    sent: list[dict] = []
    queue = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]

    async def receive():
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/price-log", "headers": list(headers)}
    await app(scope, receive, send)
    return sent


async def _drain_then_ok(scope, receive, send) -> None:
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def test_streamed_body_over_the_limit_is_413_without_content_length() -> None:
    sent = asyncio.run(_run_asgi(BodyLimit(_drain_then_ok, max_bytes=10), [b"12345", b"67890", b"x"]))
    assert sent[0]["status"] == 413
    sent = asyncio.run(_run_asgi(BodyLimit(_drain_then_ok, max_bytes=10), [b"12345", b"67890"]))
    assert sent[0]["status"] == 200


def test_slow_request_times_out_with_504() -> None:
    async def slow(scope, receive, send):
        await asyncio.sleep(5)

    sent = asyncio.run(_run_asgi(Timeout(slow, seconds=0.05), [b""]))
    assert sent[0]["status"] == 504
    assert b"limit of 0.05 s" in sent[1]["body"]


@pytest.mark.parametrize(
    ("name", "suffix"),
    [("usage.csv", ".csv"), ("../../etc/passwd", ""), ("C:\\logs\\Usage.JSONL", ".jsonl"), (None, ""), ("a.b c", "")],
)
def test_upload_names_never_become_paths(name: str | None, suffix: str) -> None:
    assert _upload_suffix(name) == suffix


def test_static_dir_is_packaged() -> None:
    assert {"index.html", "app.js", "common.js", "pricelog.js", "style.css"} <= {p.name for p in STATIC.iterdir()}
    assert Path(STATIC, "index.html").read_text(encoding="utf-8").count("<script") == 3


def _cli(*args: str):
    import subprocess
    import sys

    code = "from billpath.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)


def test_serve_refuses_a_taken_port_in_one_line() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        res = _cli("serve", "--port", str(s.getsockname()[1]))
    assert res.returncode == 1
    assert res.stderr.strip().startswith("billpath: error: cannot listen on 127.0.0.1:")
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "flag", ["--max-upload-mb", "--timeout", "--header-timeout", "--idle-timeout"], ids=lambda f: f.lstrip("-")
)
@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "-inf", "1e400", "1e12"])
def test_serve_refuses_every_non_finite_or_out_of_range_limit_in_one_line(flag: str, value: str) -> None:
    res = _cli("serve", "--port", "0", flag, value)
    assert res.returncode == 1, res.stderr
    assert res.stderr.startswith(f"billpath: error: {flag} must be a positive number")
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.0.0.01", "127.1", "0x7f.0.0.1", "2130706433", "localhost", "LOCALHOST", "::1", "127.0.0.2"],
)
def test_host_allow_list_is_decided_by_the_bound_address_not_its_spelling(host: str) -> None:
    import socket

    from billpath.cli.web_cmds import allowed_hosts

    addresses = sorted({i[4][0] for i in socket.getaddrinfo(host, 0, type=socket.SOCK_STREAM)})
    allowed = allowed_hosts(host, addresses)
    assert {"127.0.0.1", "localhost"} <= set(allowed) and host.lower() in allowed
    assert "rebound.example" not in allowed


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1"])
def test_a_non_loopback_bind_has_no_host_allow_list(host: str) -> None:
    from billpath.cli.web_cmds import allowed_hosts

    assert allowed_hosts(host, [host]) == []
    assert allowed_hosts("127.0.0.1", ["127.0.0.1", host]) == []  # reachable from elsewhere on any address


def test_ipv4_mapped_loopback_counts_as_loopback() -> None:
    from billpath.cli.web_cmds import allowed_hosts

    assert "localhost" in allowed_hosts("::ffff:127.0.0.1", ["::ffff:127.0.0.1"])


def test_result_cache_is_keyed_by_query_and_day_and_bounded(monkeypatch) -> None:
    from datetime import date as real_date

    import billpath.web.safety as safety

    calls: list[bytes] = []

    async def app(scope, receive, send):
        calls.append(scope["query_string"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"answer " + scope["query_string"]})

    cache = safety.ResultCache(app, path="/api/compare", size=2)

    def get(qs: bytes) -> bytes:
        sent: list[dict] = []

        async def send(m):
            sent.append(m)

        async def receive():
            return {"type": "http.request", "body": b""}

        scope = {"type": "http", "method": "GET", "path": "/api/compare", "query_string": qs, "headers": []}
        asyncio.run(cache(scope, receive, send))
        return sent[1]["body"]

    assert get(b"a") == get(b"a") == b"answer a"
    assert calls == [b"a"]
    get(b"b")
    get(b"c")  # evicts a (least recently used)
    get(b"a")
    assert calls == [b"a", b"b", b"c", b"a"]

    class Tomorrow(real_date):
        @classmethod
        def today(cls):
            return real_date.today().fromordinal(real_date.today().toordinal() + 1)

    monkeypatch.setattr(safety, "date", Tomorrow)
    get(b"a")  # a new day: today's prices may differ, so the answer is computed again
    assert calls[-1] == b"a" and len(calls) == 5


def _get_routes(app) -> list[str]:
    from starlette.routing import Route

    return [r.path for r in app.routes if isinstance(r, Route) and "GET" in (r.methods or ())]


def test_every_get_route_answers_head_with_the_same_headers_and_no_body(client: TestClient) -> None:
    params = {"model": "gpt-5.5", "input_tokens": "1000"}
    routes = _get_routes(client.app)
    assert "/api/compare" in routes and "/" in routes
    for path in routes:
        get, head = client.get(path, params=params), client.head(path, params=params)
        assert head.status_code == get.status_code != 405, path
        assert head.content == b"", path
        assert head.headers["content-length"] == str(len(get.content)), path
    missing = client.head("/api/nope")
    assert missing.status_code == 404 and missing.content == b""


def test_requests_past_the_in_flight_limit_get_503_with_retry_after() -> None:
    from billpath.web.safety import InFlightLimit

    release = asyncio.Event()

    async def slow(scope, receive, send):
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guard = InFlightLimit(slow, limit=2)

    async def call() -> list[dict]:
        sent: list[dict] = []

        async def send(m):
            sent.append(m)

        await guard({"type": "http", "method": "GET", "path": "/x", "headers": []}, None, send)
        return sent

    async def main():
        first = [asyncio.create_task(call()) for _ in range(2)]
        await asyncio.sleep(0)
        third = await call()  # two in flight: refused at once
        release.set()
        done = await asyncio.gather(*first)
        after = await call()  # and served again once they finish
        return third, done, after

    third, done, after = asyncio.run(main())
    assert third[0]["status"] == 503 and (b"retry-after", b"1") in third[0]["headers"]
    assert [d[0]["status"] for d in done] == [200, 200] and after[0]["status"] == 200
    assert guard.active == 0


def test_result_cache_is_bounded_in_bytes_too() -> None:
    import billpath.web.safety as safety

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"x" * 200})

    cache = safety.ResultCache(app, path=("/a", "/b"), size=100, max_bytes=1000)

    async def get(path: str, qs: bytes) -> None:
        async def send(m):
            pass

        await cache({"type": "http", "method": "GET", "path": path, "query_string": qs, "headers": []}, None, send)

    for i in range(10):
        asyncio.run(get("/a" if i % 2 else "/b", str(i).encode()))
    assert cache.bytes <= 1000 and len(cache.entries) == 5
    assert cache.bytes == sum(len(b) for _, b in cache.entries.values())


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/recommend", {"model": "gpt-5.5", "input_tokens": "1000", "requests": "77"}),
        ("/api/models", {"search": "claude"}),
        ("/api/channels", {}),
        ("/api/lag", {"model": "claude-opus-4-8"}),
        ("/api/explain", {"model": "gpt-5.5"}),
    ],
)
def test_cached_answers_equal_computed_ones(path: str, params: dict) -> None:
    cached = TestClient(create_app(Settings()))
    fresh = TestClient(create_app(Settings(compare_cache_size=0)))
    first, again = cached.get(path, params=params), cached.get(path, params=params)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content == fresh.get(path, params=params).content


def test_repeated_listings_and_recommendations_are_not_recomputed(monkeypatch) -> None:
    """Issue 11, defect 13: /api/models rebuilt a 270 KB listing (about 12 ms) on every request, and
    recommend recomputed, stalling every other request on the worker; repeated GETs come from memory."""
    import billpath.api as api
    import billpath.report.listing as listing

    calls: list[str] = []
    real_models, real_recommend = listing.models_listing, api.recommend

    def counted_models(*a, **k):
        calls.append("models")
        return real_models(*a, **k)

    def counted_recommend(*a, **k):
        calls.append("recommend")
        return real_recommend(*a, **k)

    monkeypatch.setattr(listing, "models_listing", counted_models)
    monkeypatch.setattr(api, "recommend", counted_recommend)
    client = TestClient(create_app(Settings()))
    for _ in range(3):
        assert client.get("/api/models").status_code == 200
        assert client.get("/api/recommend", params={"model": "gpt-5.5", "input_tokens": "10"}).status_code == 200
    assert calls == ["models", "recommend"]
