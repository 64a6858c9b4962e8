"""Load benchmark: `billpath serve` on loopback, driven on /api/compare for a bounded time.

Run: .venv/bin/python bench/serve_load.py [--duration 10] [--connections 16] [--workers 2]
        [--mix hot|varied|unique|mixed|all] [--rate REQ_PER_S] [--before GIT_REF]

A real server process (`billpath serve`) is started on a free loopback port; the load generator runs
in another process (keep-alive HTTP/1.1 over raw asyncio streams, so the client costs little CPU).
Prints requests/s, p50, p99 and max latency, and errors (non-200 answers or broken connections).
Target on 2 cores: >= 1,500 requests/s with p99 <= 50 ms and no errors.

--mix hot: one workload, as a page refreshing a view; varied: 500 workloads over 4 models (fits the
server's result cache after the first pass); unique: every request a new workload (no cache hits:
every answer computed). Default: all three, one after the other, each on a fresh server.

--mix mixed: what a shared calculator sees: 50% cached compare (20 workloads seen before), 30% new compare
(never-seen workloads), 10% /api/models, 10% /api/recommend (never-seen workloads). Run it as
`--mix mixed --workers 1 --connections 50 --rate 245`: the connections are paced to 245 requests/s
in all, and each latency is measured from the moment its request was due (a late server is not
excused by sending less). Target: p99 <= 100 ms, no errors.

--before GIT_REF also runs the same load against the server of GIT_REF (its `src/` exported with
`git archive` into a temporary directory) and prints the two results side by side.
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


def compare_path(rng: random.Random, endpoint: str = "compare") -> str:
    return (
        f"/api/{endpoint}?model={rng.choice(MODELS)}&input_tokens={rng.randint(100, 300_000)}"
        f"&output_tokens={rng.randint(10, 5000)}&cache_read_tokens={rng.randint(0, 20_000)}"
        f"&requests={rng.randint(1, 1_000_000)}&batch_share=0.{rng.randint(0, 9)}"
    )


MIXED = (("cached", 50), ("new", 30), ("models", 10), ("recommend", 10))  # share of requests, percent
CACHED = [compare_path(random.Random(i)) for i in range(20)]


def fresh_requests(k: int, n: int) -> int:
    """A request count no other request of this run uses (connection `k`, its `n`th request; 12 digits at most)."""
    return (os.getpid() % 9973) * 10**8 + (k % 1000) * 10**5 + n % 10**5 + 1


def mixed_path(rng: random.Random, k: int, n: int) -> str:
    """One request of the mixed load: 50% cached compare, 30% new compare, 10% models, 10% recommend."""
    roll = rng.randrange(100)
    if roll < 50:
        return rng.choice(CACHED)
    if roll < 80:  # a request count never used before: the server must compute, not recall
        return f"{compare_path(rng).split('&requests=')[0]}&requests={fresh_requests(k, n)}"
    if roll < 90:
        return "/api/models"
    return f"{compare_path(rng, 'recommend').split('&requests=')[0]}&requests={fresh_requests(k, n)}"


def paths(mix: str, n: int = 500) -> list[str]:
    rng = random.Random(7)
    if mix == "mixed":
        return [*CACHED, "/api/models", compare_path(rng, "recommend")]
    if mix == "hot":
        return ["/api/compare?model=claude-opus-4-8&input_tokens=1000&output_tokens=1000&requests=1000"]
    return [compare_path(rng) for _ in range(n)]


async def _connection(
    host: str, port: int, targets: list[str], mix: str, deadline: float, out: dict, interval: float | None, k: int
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = random.randrange(len(targets))
    rng = random.Random(k * 7919 + os.getpid())
    n = 0
    due = time.perf_counter() + (interval or 0) * rng.random()
    while time.perf_counter() < deadline:
        path = targets[i % len(targets)]
        i += 1
        n += 1
        if mix == "unique":  # a never-seen request count: the server must compute, not recall
            path = f"{path.split('&requests=')[0]}&requests={fresh_requests(k, n)}"
        elif mix == "mixed":
            path = mixed_path(rng, k, n)
        req = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
        if interval:  # paced: wait for this request's turn; latency counts from when it was due
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            t0 = due
            due += interval
        else:
            t0 = time.perf_counter()
        try:
            writer.write(req)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            out["errors"] += 1
            out["kinds"][type(exc).__name__] = out["kinds"].get(type(exc).__name__, 0) + 1
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
            continue
        out["latencies"].append(time.perf_counter() - t0)
        if not head.startswith(b"HTTP/1.1 200"):
            out["errors"] += 1
            status = head[9:12].decode()
            out["kinds"][status] = out["kinds"].get(status, 0) + 1
    writer.close()


def _client(host: str, port: int, connections: int, seconds: float, mix: str, rate: float | None, queue) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    out = {"latencies": [], "errors": 0, "kinds": {}}
    targets = paths(mix)
    deadline = time.perf_counter() + seconds

    interval = connections / rate if rate else None  # this process's share of the rate, per connection

    async def main() -> None:
        await asyncio.gather(
            *(_connection(host, port, targets, mix, deadline, out, interval, k) for k in range(connections))
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


def run(args: argparse.Namespace, src: Path | None = None) -> dict:
    """One load run on a fresh server (this checkout's, or the one whose package is under `src`)."""
    port = free_port()
    serve = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers)]
    cmd = [sys.executable, "-c", "from billpath.cli import main; main()", *serve] if src else [str(BIN), *serve]
    env = {**os.environ, "PYTHONPATH": str(src)} if src else None
    server = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, env=env, cwd=src
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/api/catalog")
        for p in paths(args.mix)[:50]:  # warm each worker's imports
            urllib.request.urlopen(base + p).read()
        queue: mp.Queue = mp.Queue()
        per = [args.connections // args.clients + (i < args.connections % args.clients) for i in range(args.clients)]
        rates = [args.rate * n / args.connections if args.rate else None for n in per]
        procs = [
            mp.Process(target=_client, args=("127.0.0.1", port, n, args.duration, args.mix, rate, queue))
            for n, rate in zip(per, rates, strict=True)
            if n
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
    kinds: dict[str, int] = {}
    for r in results:
        for k, v in r["kinds"].items():
            kinds[k] = kinds.get(k, 0) + v
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [0.0] * 99
    return {
        "server": args.label,
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
        "error_kinds": kinds,
        "cpus": os.cpu_count(),
    }


def export(ref: str, into: Path) -> Path:
    """The package of git `ref` (its `src/`), exported into `into`; the directory to put on PYTHONPATH."""
    root = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "-C", str(root), "archive", ref, "src"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def line(r: dict) -> str:
    return (
        f"{r['server']:>8}: {r['requests_per_s']:>8,} req/s, p50 {r['p50_ms']:>7} ms, p99 {r['p99_ms']:>7} ms, "
        f"max {r['max_ms']:>7} ms, {r['errors']} errors{' ' + str(r['error_kinds']) if r['errors'] else ''} "
        f"({r['requests']:,} requests)"
    )


def verdict(r: dict) -> str:
    if r["mix"] == "mixed":
        ok = r["p99_ms"] <= 100 and r["errors"] == 0
        return f"target p99 <= 100 ms, 0 errors: {'met' if ok else 'NOT met'}"
    ok = r["requests_per_s"] >= 1500 and r["p99_ms"] <= 50 and r["errors"] == 0
    return f"target >= 1,500 req/s, p99 <= 50 ms, 0 errors: {'met' if ok else 'NOT met'}"


def main() -> None:
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=10.0, help="seconds of load (default 10)")
    ap.add_argument("--connections", type=int, default=16, help="concurrent keep-alive connections (default 16)")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
    ap.add_argument("--clients", type=int, default=1, help="load generator processes (default 1)")
    ap.add_argument("--mix", choices=["hot", "varied", "unique", "mixed", "all"], default="all")
    ap.add_argument("--rate", type=float, help="pace the connections to this many requests/s in all")
    ap.add_argument("--before", metavar="GIT_REF", help="also run the server of GIT_REF and compare")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each server, alternated (medians shown)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="billpath-bench-") as tmp:
        before = export(args.before, Path(tmp)) if args.before else None
        for mix in ["hot", "varied", "unique"] if args.mix == "all" else [args.mix]:
            runs: dict[str, list[dict]] = {}
            for _ in range(args.repeat):  # alternated, so a noisy minute on a shared machine hits both
                if before:
                    r = run(argparse.Namespace(**{**vars(args), "mix": mix, "label": "before"}), before)
                    runs.setdefault("before", []).append(r)
                label = "after" if before else "now"
                r = run(argparse.Namespace(**{**vars(args), "mix": mix, "label": label}))
                runs.setdefault(label, []).append(r)
            if args.json:
                for group in runs.values():
                    for r in group:
                        print(json.dumps(r))
                continue
            last = next(reversed(runs.values()))[-1]
            paced = f", paced to {args.rate:g} req/s" if args.rate else ""
            print(
                f"{mix} load: {last['workers']} workers, {last['connections']} connections{paced}, "
                f"{args.duration:g} s per run on {last['cpus']} CPUs",
                flush=True,
            )
            for group in runs.values():
                for r in group:
                    print(f"  {line(r)}", flush=True)
            if args.repeat > 1:
                for label, group in runs.items():
                    med = {k: statistics.median(r[k] for r in group) for k in ("requests_per_s", "p99_ms")}
                    errors = sum(r["errors"] for r in group)
                    print(
                        f"  median {label:>6}: {med['requests_per_s']:,.1f} req/s, p99 {med['p99_ms']:.2f} ms, "
                        f"{errors} errors in {len(group)} runs",
                        flush=True,
                    )
            final = {
                "mix": mix,
                "requests_per_s": statistics.median(r["requests_per_s"] for r in runs[label]),
                "p99_ms": statistics.median(r["p99_ms"] for r in runs[label]),
                "errors": sum(r["errors"] for r in runs[label]),
            }
            print(f"  -> {verdict(final)}", flush=True)


if __name__ == "__main__":
    main()
