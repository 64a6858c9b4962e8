"""What the calculator page relies on from the API: structured suggestions and the list of log formats."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from billpath.catalog.store import load_catalog
from billpath.usage.readers import FORMATS
from billpath.web.app import Settings, create_app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings()), raise_server_exceptions=False)


@pytest.mark.parametrize("name", ["claude-sonet-4-6", "gpt-5-5-mini", "opus 4.8x", "zzzz-qqqq"])
@pytest.mark.parametrize("path", ["/api/compare", "/api/recommend", "/api/lag", "/api/explain"])
def test_an_unknown_model_comes_with_the_closest_names_as_a_list(client: TestClient, path: str, name: str) -> None:
    res = client.get(path, params={"model": name})
    assert res.status_code == 404, res.text
    body = res.json()
    assert body.get("suggestions", []) == load_catalog().closest(name)  # the names the message lists (maybe none)
    for model in body.get("suggestions", []):
        assert model in body["detail"]
        assert client.get("/api/compare", params={"model": model}).status_code == 200  # each one works


def test_other_problems_carry_no_suggestions(client: TestClient) -> None:
    res = client.get("/api/compare", params={"model": "gpt-5.5", "requests": "0"})
    assert res.status_code == 422 and "suggestions" not in res.json()


def test_the_page_is_offered_every_log_format_the_upload_accepts(client: TestClient) -> None:
    offered = client.get("/api/catalog").json()["input_formats"]
    assert offered[0] == "auto" and len(set(offered)) == len(offered)
    assert set(offered) <= set(FORMATS), "a format the readers do not know"
    log = b"model,input_tokens,output_tokens\nclaude-sonnet-4-6,10,10\n"
    for fmt in offered:  # every one offered is accepted by POST /api/price-log (a format error is a 400, not a 422)
        res = client.post("/api/price-log", files={"file": ("u.csv", log)}, data={"input_format": fmt})
        assert res.status_code in (200, 400), (fmt, res.text)
    refused = client.post("/api/price-log", files={"file": ("u.csv", log)}, data={"input_format": "no-such-format"})
    assert refused.status_code == 422
