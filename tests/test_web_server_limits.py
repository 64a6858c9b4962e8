"""Limits and safety on a real `billpath serve` process (uvicorn, loopback)."""

from __future__ import annotations

import httpx
import pytest

from tests.web_server import Server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server():
    s = Server("--max-upload-mb", "1", "--timeout", "30")
    yield s
    s.stop()


def test_upload_over_the_limit_by_content_length(server: Server) -> None:
    res = httpx.post(f"{server.base}/api/price-log", files={"file": ("big.csv", b"x" * (3 << 20))}, timeout=20)
    assert res.status_code == 413
    assert res.headers["content-type"] == "application/problem+json"
    assert "1,048,576 bytes" in res.json()["detail"]


def test_upload_over_the_limit_streamed_without_content_length(server: Server) -> None:
    def body():
        yield b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n'
        for _ in range(30):
            yield b"y" * (100 << 10)
        yield b"\r\n--zz--\r\n"

    headers = {"content-type": "multipart/form-data; boundary=zz"}
    res = httpx.post(f"{server.base}/api/price-log", content=body(), headers=headers, timeout=20)
    assert res.status_code == 413
    assert httpx.get(f"{server.base}/api/catalog").status_code == 200  # and the server carries on


def test_upload_under_the_limit_is_priced(server: Server) -> None:
    log = b"model,input_tokens,output_tokens\nclaude-sonnet-4-6,1000000,0\n"
    res = httpx.post(f"{server.base}/api/price-log", files={"file": ("small.csv", log)}, timeout=20)
    assert res.status_code == 200, res.text
    assert res.json()["total_usd"] == "3"  # 1M input tokens at $3 per million


def test_foreign_host_header_is_refused_on_loopback(server: Server) -> None:
    assert httpx.get(f"{server.base}/api/catalog", headers={"host": "rebound.example"}).status_code == 400
    ok = httpx.get(f"{server.base}/api/catalog")
    assert ok.status_code == 200 and ok.headers["x-frame-options"] == "DENY"
    assert "server" not in ok.headers  # no server banner
