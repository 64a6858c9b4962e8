"""Load benchmark: `billpath serve` on loopback, driven on /api/compare for a bounded time.

Run: .venv/bin/python bench/serve_load.py [--duration 10] [--connections 16] [--workers 2] [--mix hot|varied|unique|all]

A real server process (`billpath serve`) is started on a free loopback port; the load generator runs
in another process (keep-alive HTTP/1.1 over raw asyncio streams, so the client costs little CPU).
Prints requests/s, p50, p99 and max latency, and errors (non-200 answers or broken connections).
Target on 2 cores: >= 1,500 requests/s with p99 <= 50 ms and no errors.

--mix hot: one workload, as a page refreshing a view; varied: 500 workloads over 4 models (fits the
server's result cache after the first pass); unique: every request a new workload (no cache hits:
every answer computed). Default: all three, one after the other, each on a fresh server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent / "billpath"
MODELS = ["claude-opus-4-8", "claude-sonnet-4-6", "gpt-5.5", "gpt-5.4-mini"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def paths(mix: str, n: int = 500) -> list[str]:
    rng = random.Random(7)
    if mix == "hot":
        return ["/api/compare?model=claude-opus-4-8&input_tokens=1000&output_tokens=1000&requests=1000"]
    out = []
    for _ in range(n):
        out.append(
            f"/api/compare?model={rng.choice(MODELS)}&input_tokens={rng.randint(100, 300_000)}"
            f"&output_tokens={rng.randint(10, 5000)}&cache_read_tokens={rng.randint(0, 20_000)}"
            f"&requests={rng.randint(1, 1_000_000)}&batch_share=0.{rng.randint(0, 9)}"
        )
    return out


async def _connection(host: str, port: int, targets: list[str], unique: bool, deadline: float, out: dict) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = random.randrange(len(targets))
    n = 0
    while time.perf_counter() < deadline:
        path = targets[i % len(targets)]
        i += 1
        if unique:  # a never-seen request count: the server must compute, not recall
            n += 1
            path = f"{path.split('&requests=')[0]}&requests={os.getpid()}{id(out) % 997}{n}"
        req = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
        t0 = time.perf_counter()
        try:
            writer.write(req)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            out["errors"] += 1
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
            continue
        out["latencies"].append(time.perf_counter() - t0)
        if not head.startswith(b"HTTP/1.1 200"):
            out["errors"] += 1
    writer.close()


def _client(host: str, port: int, connections: int, seconds: float, mix: str, queue) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    out = {"latencies": [], "errors": 0}
    targets = paths(mix)
    deadline = time.perf_counter() + seconds

    async def main() -> None:
        await asyncio.gather(
            *(_connection(host, port, targets, mix == "unique", deadline, out) for _ in range(connections))
        )

    asyncio.run(main())
    queue.put(out)


def wait_ready(url: str, seconds: float = 20) -> None:
    end = time.time() + seconds
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server did not answer {url} within {seconds} s")


def run(args: argparse.Namespace) -> dict:
    port = free_port()
    cmd = [str(BIN), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/api/catalog")
        for p in paths(args.mix)[:50]:  # warm each worker's imports
            urllib.request.urlopen(base + p).read()
        queue: mp.Queue = mp.Queue()
        per = [args.connections // args.clients + (i < args.connections % args.clients) for i in range(args.clients)]
        procs = [
            mp.Process(target=_client, args=("127.0.0.1", port, n, args.duration, args.mix, queue)) for n in per if n
        ]
        t0 = time.perf_counter()
        for p in procs:
            p.start()
        results = [queue.get() for _ in procs]
        elapsed = time.perf_counter() - t0
        for p in procs:
            p.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
    lat = sorted(x for r in results for x in r["latencies"])
    errors = sum(r["errors"] for r in results)
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [0.0] * 99
    return {
        "mix": args.mix,
        "workers": args.workers,
        "connections": args.connections,
        "duration_s": round(elapsed, 2),
        "requests": len(lat),
        "requests_per_s": round(len(lat) / elapsed, 1),
        "p50_ms": round(q[49] * 1000, 2),
        "p99_ms": round(q[98] * 1000, 2),
        "max_ms": round(lat[-1] * 1000, 2) if lat else None,
        "errors": errors,
        "cpus": os.cpu_count(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=10.0, help="seconds of load (default 10)")
    ap.add_argument("--connections", type=int, default=16, help="concurrent keep-alive connections (default 16)")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
    ap.add_argument("--clients", type=int, default=1, help="load generator processes (default 1)")
    ap.add_argument("--mix", choices=["hot", "varied", "unique", "all"], default="all")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args()
    for mix in ["hot", "varied", "unique"] if args.mix == "all" else [args.mix]:
        r = run(argparse.Namespace(**{**vars(args), "mix": mix}))
        if args.json:
            print(json.dumps(r))
            continue
        ok = r["requests_per_s"] >= 1500 and r["p99_ms"] <= 50 and r["errors"] == 0
        print(
            f"/api/compare ({r['mix']}), {r['workers']} workers, {r['connections']} connections, {r['duration_s']} s "
            f"on {r['cpus']} CPUs: {r['requests_per_s']:,} requests/s, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, "
            f"max {r['max_ms']} ms, {r['errors']} errors ({r['requests']:,} requests) "
            f"-> target >= 1,500 req/s, p99 <= 50 ms, 0 errors: {'met' if ok else 'NOT met'}",
            flush=True,
        )


if __name__ == "__main__":
    main()
