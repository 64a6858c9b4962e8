"""Benchmark: rows/s of `price-log` on DuckDB and on Spark (local mode), side by side, by log size.

Run:  .venv/bin/python bench/scale.py                        # DuckDB 1M, 10M; Spark 1M, 10M (a few minutes)
      .venv/bin/python bench/scale.py --duckdb 1M,10M,100M   # the issue's full set (100M: ~1.7 GB of Parquet)
      .venv/bin/python bench/scale.py --spark none           # DuckDB only

Every run is a fresh process that prices one generated log with `billpath.analysis.price_log.price_log`
(the code path of `billpath price-log`), measured from outside: wall time and the peak RSS of the
whole process tree (Spark's JVM included), sampled from /proc every 20 ms. For Spark, starting the
session (JVM, ~8 s) is timed apart; rows/s is rows / pricing time, after start-up. The two engines'
totals are compared for every size both priced. Logs are written once by `billpath.usage.genlog`
into --dir (default /tmp/billpath-scale: keep them out of the repository) and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

CHILD = r"""
import json, sys, time
from datetime import date
engine, path, memory = sys.argv[1], sys.argv[2], sys.argv[3] or None
t0 = time.perf_counter()
if engine == "spark":
    from billpath.engines.spark import session
    session()
t1 = time.perf_counter()
from billpath.analysis.price_log import price_log
r = price_log([path], at=date(2026, 11, 26), engine=engine, memory_limit=memory)
t2 = time.perf_counter()
out = {"start_s": t1 - t0, "price_s": t2 - t1, "rows": r.rows_total, "total_usd": str(r.total)}
if engine == "spark":  # the same log again in the same JVM: code generated and JIT-compiled already
    again = price_log([path], at=date(2026, 11, 26), engine=engine)
    out["warm_s"] = time.perf_counter() - t2
    assert str(again.total) == out["total_usd"]
print(json.dumps(out))
"""
PAGE = os.sysconf("SC_PAGE_SIZE")


def size(text: str) -> int:
    text = text.strip().upper().replace("_", "")
    scale = {"K": 10**3, "M": 10**6, "G": 10**9}.get(text[-1:], 1)
    return int(float(text.rstrip("KMG")) * scale)


def sizes(text: str) -> list[int]:
    return [] if text.strip().lower() in ("", "none") else [size(t) for t in text.split(",")]


def label(rows: int) -> str:
    return f"{rows // 10**6}M" if rows % 10**6 == 0 else f"{rows:,}"


def log_file(directory: Path, rows: int) -> Path:
    from billpath.usage.genlog import write_log

    path = directory / f"log-{label(rows).lower()}.parquet"
    if not path.exists():
        need = rows * 20  # ~17 bytes a row in Parquet, with room to spare
        free = shutil.disk_usage(directory).free
        if free < 2 * need:
            raise SystemExit(
                f"bench/scale: {directory} has {free / 1e9:.1f} GB free; {label(rows)} rows need ~{need / 1e9:.1f} GB"
            )
        print(f"  writing {path} ({label(rows)} rows) ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        write_log(path.with_suffix(".tmp"), rows)
        path.with_suffix(".tmp").rename(path)
        print(f"  written in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return path


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as f:
                resident = int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = resident
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(engine: str, path: Path, memory_limit: str) -> dict:
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, engine, str(path), memory_limit],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        tail = " ".join(err.strip().splitlines()[-1:])
        return {"error": f"exit {proc.returncode}: {tail}"}
    result = json.loads(out.strip().splitlines()[-1])
    result.update(wall_s=wall, peak_rss_mb=peak / 2**20, rows_per_s=result["rows"] / result["price_s"])
    if "warm_s" in result:
        result["warm_rows_per_s"] = result["rows"] / result["warm_s"]
    return result


def cell(r: dict | None, warm: bool = False) -> str:
    extra = 13 if warm else 0
    if r is None:
        return f"{'-':>12} {'-':>8} {'-':>8} {'-':>9}" + (f" {'-':>12}" if warm else "")
    if "error" in r:
        return f"{'failed':>12} {'':>8} {'':>8} {'':>9}" + " " * extra
    text = f"{r['rows_per_s']:>12,.0f} {r['price_s']:>8.1f} {r['wall_s']:>8.1f} {r['peak_rss_mb']:>9.0f}"
    return text + (f" {r['warm_rows_per_s']:>12,.0f}" if warm else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", default="1M,10M", help="log sizes for DuckDB, e.g. 1M,10M,100M (or none)")
    parser.add_argument("--spark", default="1M,10M", help="log sizes for Spark local mode (or none)")
    parser.add_argument("--dir", default="/tmp/billpath-scale", help="where generated logs are kept")
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit (it spills past it)")
    args = parser.parse_args()
    plan = {"duckdb": sizes(args.duckdb), "spark": sizes(args.spark)}
    if plan["spark"]:
        try:
            import pyspark  # noqa: F401
        except ImportError:
            print("bench/scale: pyspark is not installed (pip install -e '.[spark]'): Spark skipped", file=sys.stderr)
            plan["spark"] = []
    directory = Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    results: dict[tuple[str, int], dict] = {}
    for rows in sorted(set(plan["duckdb"]) | set(plan["spark"])):
        path = log_file(directory, rows)
        for engine in ("duckdb", "spark"):
            if rows in plan[engine]:
                print(f"  {engine} {label(rows)} ...", file=sys.stderr, flush=True)
                results[(engine, rows)] = measure(engine, path, args.memory_limit)
                r = results[(engine, rows)]
                if "error" in r:
                    print(f"  {engine} {label(rows)} failed: {r['error']}", file=sys.stderr)

    cpus = os.cpu_count()
    print(f"\nprice-log scaling on {cpus} cores; DuckDB memory_limit {args.memory_limit}; Spark local[*]")
    head = f"{'rows/s':>12} {'price s':>8} {'wall s':>8} {'RSS MiB':>9}"
    print(f"{'':>8} | {'DuckDB':^40} | {'Spark (local)':^53} | totals")
    print(f"{'rows':>8} | {head} | {head} {'warm rows/s':>12} | equal?")
    for rows in sorted(set(plan["duckdb"]) | set(plan["spark"])):
        d, s = results.get(("duckdb", rows)), results.get(("spark", rows))
        same = "-"
        if d and s and "error" not in d and "error" not in s:
            same = "yes" if d["total_usd"] == s["total_usd"] and d["rows"] == s["rows"] else "NO"
        print(f"{label(rows):>8} | {cell(d)} | {cell(s, warm=True)} | {same}")
    starts = [r["start_s"] for (e, _), r in results.items() if e == "spark" and "error" not in r]
    if starts:
        print(
            f"Spark session start (JVM, local mode): {min(starts):.1f}-{max(starts):.1f} s, in wall s, not in price s"
        )
    print("rows/s = rows / price s; wall s = the whole process; RSS = peak of the process tree (JVM included)")
    print("warm rows/s = the same log priced again in the same Spark session (generated code already compiled)")
    if any("error" in r for r in results.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
