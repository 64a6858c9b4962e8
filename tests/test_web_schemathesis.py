"""Property-based API tests: schemathesis generates requests from /openapi.json and checks every answer.

Checks: no 5xx, status codes and content types as documented, answers valid against the documented
schemas (money as exact decimal strings), invalid input refused, and schema-valid input accepted
unless a rule the schema cannot state refuses it (reasoning tokens above output tokens; an uploaded
file that is not a usage log): then the answer is a problem saying so, never a validation failure.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from billpath.web.app import Settings, create_app  # noqa: E402

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(Settings(max_upload_bytes=1 << 20)))


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi(case) -> None:
    response = case.call()
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    if not case.meta.generation.mode.is_negative and response.status_code >= 400:
        body = response.json()
        if case.path == "/api/price-log":  # any bytes fit the schema; a log that cannot be read is a 400
            assert response.status_code == 400 and body["type"] == "urn:billpath:problem:bad-request", body
            return
        if case.path == "/api/scenarios":  # any bytes fit the schema; a file that is not valid scenarios is a 422
            assert response.status_code == 422 and body["type"] == "urn:billpath:problem:bad-usage", body
            return
        assert response.status_code in (404, 422), body
        if response.status_code == 422:
            assert body["type"] == "urn:billpath:problem:bad-usage", body
            assert "reasoning_tokens" in body["detail"], body
        else:
            assert body["type"] in ("urn:billpath:problem:unknown-model", "urn:billpath:problem:unknown-channel"), body
