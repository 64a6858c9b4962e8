"""uvicorn's HTTP protocol with the connection-level guards `billpath serve` needs (slow and idle clients).

uvicorn arms no timer until a first response is sent, cancels its keep-alive timer on the first byte of
the next request, and reads headers of any size; its `limit_concurrency` counts open connections, so
connections that never send a request turn real requests away with 503. This protocol:

- gives every request `header_timeout` seconds from its first byte (or from the connection's opening)
  to finish its headers, else answers 408 and closes (a connection that sent nothing is just closed);
- closes a connection idle for `idle_timeout` seconds between requests (keep-alive);
- caps a request's header block at `max_header_bytes` (431 and close);
- keeps at most `max_connections` open: past that, the longest-idle connection (one that has sent no
  request, or is between requests) is closed to make room, so idle sockets cannot lock real clients out.

Concurrency of *requests* is limited in the app (`billpath.web.safety.InFlightLimit`), not here.
Settings come from the environment (`billpath serve` sets them; workers are separate processes).
"""

from __future__ import annotations

import os
import time

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT_S = 10.0
IDLE_TIMEOUT_S = 5.0
MAX_HEADER_BYTES = 32 * 1024
MAX_CONNECTIONS = 4096


def _env(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


class GuardedHttpProtocol(HttpToolsProtocol):
    """HttpToolsProtocol plus header-read and idle timeouts, a header size cap and idle-first eviction."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = _env("BILLPATH_HEADER_TIMEOUT", HEADER_TIMEOUT_S)
        self.idle_timeout = _env("BILLPATH_IDLE_TIMEOUT", IDLE_TIMEOUT_S)
        self.max_header_bytes = int(_env("BILLPATH_MAX_HEADER_BYTES", MAX_HEADER_BYTES))
        self.max_connections = int(_env("BILLPATH_MAX_CONNECTIONS", MAX_CONNECTIONS))
        self.timeout_keep_alive = self.idle_timeout
        self._head_timer = None
        self._in_head = True  # reading a request's header block (or waiting for one)
        self._head_bytes = 0
        self._idle_since: float | None = None  # monotonic time it became idle; None while busy

    # -- connection life ---------------------------------------------------------------------------------
    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._idle_since = time.monotonic()
        self._arm_head_timer()
        if len(self.connections) > self.max_connections:
            self._evict_idle()

    def connection_lost(self, exc) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _evict_idle(self) -> None:
        """Close the longest-idle other connection (none idle: the newest, this one, is refused)."""
        idle = [c for c in self.connections if isinstance(c, GuardedHttpProtocol) and c._idle_since is not None]
        idle = [c for c in idle if c is not self and not c.transport.is_closing()]
        victim = min(idle, key=lambda c: c._idle_since) if idle else self
        victim.transport.close()

    # -- header block ------------------------------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._idle_since = None
            self._head_bytes += len(data)
            if self._head_timer is None:
                self._arm_head_timer()
        super().data_received(data)
        if self._in_head and self._head_bytes > self.max_header_bytes and not self.transport.is_closing():
            self._refuse(431, "Request Header Fields Too Large", f"headers over {self.max_header_bytes} bytes")

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._cancel_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            self._in_head, self._head_bytes = True, 0
            self._idle_since = time.monotonic()  # uvicorn's keep-alive timer (idle_timeout) runs from here

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or not self._in_head:
            return
        if self._head_bytes:
            self._refuse(408, "Request Timeout", f"request headers not received within {self.header_timeout:g} s")
        else:
            self.transport.close()

    def _refuse(self, status: int, phrase: str, detail: str) -> None:
        body = detail.encode()
        head = (
            f"HTTP/1.1 {status} {phrase}\r\ncontent-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        ).encode()
        self.transport.write(head + body)
        self.transport.close()
