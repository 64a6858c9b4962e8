"""Pure-ASGI guards around the app: security headers, upload size limit, request timeout, problem bodies.

Pure ASGI (not BaseHTTPMiddleware) so they cost microseconds on the hot /api/compare path.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import OrderedDict
from datetime import date
from http import HTTPStatus

PROBLEM = "application/problem+json"

# The page loads nothing from anywhere but this server: no CDN, no inline script, no outbound calls.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]


def problem_body(status: int, detail: str, kind: str, instance: str | None = None) -> bytes:
    """An RFC 9457 problem document."""
    body = {
        "type": f"urn:billpath:problem:{kind}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": " ".join(detail.split()),
    }
    if instance:
        body["instance"] = instance
    return json.dumps(body, ensure_ascii=False).encode()


async def send_problem(send, status: int, detail: str, kind: str, instance: str | None = None) -> None:
    body = problem_body(status, detail, kind, instance)
    headers = [(b"content-type", PROBLEM.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Adds the CSP and friends to every HTTP response."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuses request bodies above `max_bytes` with a 413 problem, by Content-Length or while streaming."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> str:
        mb = self.max_bytes / 1024 / 1024
        return f"request body is larger than the server's limit of {self.max_bytes:,} bytes ({mb:g} MB)"

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            return await self.app(scope, receive, send)
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                return await send_problem(send, 413, self._too_large(), "too-large", scope["path"])
        seen = 0
        exceeded = False
        started = False

        async def counted_receive():
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message) -> None:
            nonlocal started
            if exceeded:  # whatever the app made of the interrupted body, the answer is 413
                return
            started = True
            await send(message)

        with contextlib.suppress(BodyTooLarge):
            await self.app(scope, counted_receive, guarded_send)
        if exceeded and not started:
            await send_problem(send, 413, self._too_large(), "too-large", scope["path"])


class Timeout:
    """Answers 504 when the app has not started its response within `seconds`."""

    def __init__(self, app, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracking_send(message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await asyncio.wait_for(self.app(scope, receive, tracking_send), self.seconds)
        except TimeoutError:
            if not started:
                detail = f"the request took longer than the server's limit of {self.seconds:g} s"
                await send_problem(send, 504, detail, "timeout", scope["path"])


class ResultCache:
    """Answers a repeated GET of `path` (or one of several; same path and query string, same day) from memory, before
    any parsing.

    Sound because an answer depends only on the path, the query, the catalog (fixed for the process) and
    today's date (the default price date), which is part of the key. Only complete 200 answers are kept,
    at most `size` of them and `max_bytes` in all (least recently used dropped first).
    """

    def __init__(self, app, path: str | tuple[str, ...], size: int, max_bytes: int = 64 << 20) -> None:
        self.app = app
        self.paths = frozenset([path] if isinstance(path, str) else path)
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self.entries: OrderedDict[tuple[str, bytes, int], tuple[list, bytes]] = OrderedDict()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths or scope["method"] != "GET" or not self.size:
            return await self.app(scope, receive, send)
        key = (scope["path"], scope["query_string"], date.today().toordinal())
        hit = self.entries.get(key)
        if hit is not None:
            self.entries.move_to_end(key)
            await send({"type": "http.response.start", "status": 200, "headers": hit[0]})
            await send({"type": "http.response.body", "body": hit[1]})
            return
        seen: dict = {}

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                seen["status"], seen["headers"] = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                seen["parts"] = [*seen.get("parts", []), message.get("body", b"")]
                seen["done"] = not message.get("more_body", False)
            await send(message)

        await self.app(scope, receive, capture)
        if seen.get("status") == 200 and seen.get("done"):
            body = b"".join(seen["parts"])
            if len(body) > self.max_bytes // 4 or key in self.entries:
                return
            self.entries[key] = (seen["headers"], body)
            self.bytes += len(body)
            while len(self.entries) > self.size or self.bytes > self.max_bytes:
                _, (_, dropped) = self.entries.popitem(last=False)
                self.bytes -= len(dropped)


class HeadAsGet:
    """HEAD answers what GET would, headers only: every GET route (and the cache) serves HEAD too."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def headers_only(message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class InFlightLimit:
    """At most `limit` requests in progress; past it a 503 problem with Retry-After (open connections that
    send nothing do not count: the protocol closes those, see `billpath.web.protocol`)."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.active = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.active >= self.limit:
            detail = f"the server is handling {self.limit:,} requests already: retry in a second"
            body = problem_body(503, detail, "busy", scope["path"])
            headers = [
                (b"content-type", PROBLEM.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", b"1"),
            ]
            await send({"type": "http.response.start", "status": 503, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1
