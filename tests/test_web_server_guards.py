"""Slow, idle and hostile clients against a real `billpath serve` (uvicorn on loopback, raw sockets).

Each test fails on a server without the guard it names: no header-read timeout (a connection that sends
nothing, or its headers a byte at a time, stays open), idle keep-alive connections kept after a first
byte, no header size cap, half-open connections counted against the request limit (503 for everyone),
HEAD answered 405, the Host allow-list dropped for a loopback address spelled differently, and work
left running on the server after its request timed out.
"""

from __future__ import annotations

import json
import os
import random
import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.web_server import Server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server():
    s = Server("--header-timeout", "1", "--idle-timeout", "1", "--timeout", "30")
    yield s
    s.stop()


def _connect(server: Server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.settimeout(10)
    return sock


def _closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Whether the server closed `sock` within `seconds`, and what it sent before closing."""
    got = b""
    end = time.monotonic() + seconds
    sock.settimeout(0.2)
    while time.monotonic() < end:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return True, got
        if not chunk:
            return True, got
        got += chunk
    return False, got


def test_a_connection_that_sends_nothing_is_closed_after_the_header_timeout(server: Server) -> None:
    with _connect(server) as sock:
        closed, got = _closed_within(sock, 4)
    assert closed and got == b""


def test_headers_sent_a_byte_at_a_time_get_408_at_the_header_timeout(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /api/catalog HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        t0 = time.monotonic()
        closed = False
        while time.monotonic() - t0 < 4:  # a slowloris client: a byte every 0.2 s, never the blank line
            try:
                sock.sendall(b"x")
            except OSError:
                closed = True
                break
            time.sleep(0.2)
        if not closed:
            closed, got = _closed_within(sock, 2)
        else:
            got = b"HTTP/1.1 408"  # the reset came before we read it: it was closed, which is the rule
    assert closed and time.monotonic() - t0 < 4
    assert got.startswith(b"HTTP/1.1 408")


def test_a_keep_alive_connection_that_starts_a_request_and_stops_is_closed(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /api/catalog HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        sock.settimeout(10)
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        sock.sendall(b"G")  # uvicorn alone cancels its keep-alive timer here and waits forever
        closed, _ = _closed_within(sock, 4)
    assert closed


def test_an_idle_keep_alive_connection_is_closed(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /api/catalog HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        closed, _ = _closed_within(sock, 4)
    assert closed


def test_a_header_block_over_the_cap_is_refused_with_431(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /api/catalog HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        try:
            for i in range(40):
                sock.sendall(b"x-pad-%d: %s\r\n" % (i, b"a" * 4000))
        except OSError:
            pass  # the server may close while we still write
        closed, got = _closed_within(sock, 4)
    assert closed and got.startswith(b"HTTP/1.1 431")
    assert httpx.get(f"{server.base}/api/catalog").status_code == 200


def test_a_thousand_half_open_connections_do_not_lock_out_a_real_request(server: Server) -> None:
    idle = []
    try:
        for _ in range(1010):
            idle.append(socket.create_connection(("127.0.0.1", server.port), timeout=10))
        time.sleep(0.3)
        t0 = time.monotonic()
        res = httpx.get(f"{server.base}/api/compare?model=gpt-5.5&input_tokens=1000", timeout=10)
        assert res.status_code == 200, res.text
        assert time.monotonic() - t0 < 3
    finally:
        for s in idle:
            s.close()


@pytest.mark.parametrize(
    "path", ["/", "/api/catalog", "/api/models", "/api/compare?model=gpt-5.5&input_tokens=1000", "/openapi.json"]
)
def test_head_answers_what_get_would_without_a_body(server: Server, path: str) -> None:
    get = httpx.get(server.base + path)
    head = httpx.head(server.base + path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))


def test_a_loopback_address_spelled_otherwise_keeps_the_host_allow_list() -> None:
    s = Server("--host", "127.0.0.01")
    try:
        assert httpx.get(f"{s.base}/api/catalog", headers={"host": "rebound.example"}).status_code == 400
        assert httpx.get(f"{s.base}/api/catalog").status_code == 200
    finally:
        s.stop()


def _tree_cpu_s(pid: int) -> float:
    """CPU seconds used so far by `pid` and every live descendant (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    usage: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
        usage[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {pid}, [pid]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p and c not in tree]
        tree.update(kids)
        frontier += kids
    return sum(usage.get(p, 0.0) for p in tree)


def test_a_request_that_times_out_stops_its_work(tmp_path: Path) -> None:
    rng = random.Random(3)
    log = tmp_path / "big.jsonl"
    with log.open("w") as out:  # ~4 s of pricing on these machines
        for _ in range(400_000):
            row = {"model": "claude-sonnet-4-6", "input_tokens": rng.randint(1, 10**6), "output_tokens": 5}
            out.write(json.dumps(row) + "\n")
    s = Server("--timeout", "1")
    try:
        with log.open("rb") as f:
            res = httpx.post(f"{s.base}/api/price-log", files={"file": ("big.jsonl", f)}, timeout=60)
        assert res.status_code == 504, res.text[:300]
        time.sleep(0.3)
        before = _tree_cpu_s(s.proc.pid)
        time.sleep(2)
        spent = _tree_cpu_s(s.proc.pid) - before
        assert spent < 0.3, f"the server kept working {spent:.2f} CPU s after the request timed out"
        assert httpx.get(f"{s.base}/api/catalog").status_code == 200
    finally:
        s.stop()


def test_past_the_connection_cap_the_longest_idle_connection_makes_room(monkeypatch) -> None:
    monkeypatch.setenv("BILLPATH_MAX_CONNECTIONS", "20")
    s = Server("--header-timeout", "60")
    idle = []
    try:
        for _ in range(20):
            idle.append(socket.create_connection(("127.0.0.1", s.port), timeout=10))
            time.sleep(0.01)
        with socket.create_connection(("127.0.0.1", s.port), timeout=10) as fresh:
            fresh.sendall(b"GET /api/catalog HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            fresh.settimeout(10)
            assert fresh.recv(65536).startswith(b"HTTP/1.1 200")
        closed, _ = _closed_within(idle[0], 2)  # the oldest idle one was closed to make room
        assert closed
        assert not _closed_within(idle[-1], 0.5)[0]  # the newest idle one is still open
    finally:
        for c in idle:
            c.close()
        s.stop()


def test_an_upload_priced_in_the_child_process_is_the_cli_json(server: Server) -> None:
    import subprocess
    import sys

    example = Path(__file__).parent.parent / "examples" / "usage.csv"
    with example.open("rb") as f:
        res = httpx.post(f"{server.base}/api/price-log", files={"file": ("usage.csv", f)}, timeout=60)
    assert res.status_code == 200, res.text
    cli = subprocess.run(
        [sys.executable, "-c", "from billpath.cli import main; main()", "price-log", str(example), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    want, got = json.loads(cli.stdout), res.json()
    want.pop("inputs"), got.pop("inputs")
    assert got == want
