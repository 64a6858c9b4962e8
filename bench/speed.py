"""The three speed figures of the layout work, each against its baseline, measured side by side in one run.

Run: .venv/bin/python bench/speed.py [--runs 15] [--rows 5000000]

1. `billpath price-log examples/usage.csv --format json` (a 6-row CSV, end to end: start-up, read,
   price, re-price) against `python -c "import duckdb"`. Target: <= 0.25 s where importing DuckDB takes
   0.11 s, i.e. a ratio <= 2.3.
2. `billpath price-log LOG.parquet --format json` on a generated canonical Parquet of --rows rows against
   the floor: a bare DuckDB weighted sum over the same file in a fresh process (`bench/price_log.py`'s
   floor query). Target: ratio <= 1.5.
3. `billpath compare ... --format json` start-up against `python -c "import genai_prices"`. Target <= 0.75.

A reference line (no target) under figure 1 shows its fixed part: a fresh Python importing DuckDB and typer
(the CLI framework) and opening one in-memory DuckDB, against the same `import duckdb`; what is left of the
0.25 s is billpath's own imports, its queries and its routing.
Two reference lines (no target) show where the floor of figure 2 is: the 7 sums a price needs (6 token
columns and the row count) over the whole file, and the same grouped by model, channel and day, each against
the same floor query. Reading the columns a correct price needs costs more than 1.5x the weighted sum of two
columns, so figure 2's target lies below them on a 2-core machine.

Commands alternate run by run (so a noisy neighbour hits both alike) and the medians are compared; the
load average is printed with them (on 2 cores, other work running distorts the ratios, the parallel
Parquet query's most). Behaviour is kept by `bench/golden.sh` (CLI outputs to diff before and after).
Python writes its bytecode cache here even when the caller's environment disables it, as an installed
package's users have it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent / "billpath"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV, cwd=ROOT)
    return time.perf_counter() - start


def side_by_side(a: list[str], b: list[str], runs: int) -> tuple[float, float]:
    """Median seconds of `a` and of `b`, run alternately after one warm-up each."""
    _run(a), _run(b)
    ta, tb = [], []
    for _ in range(runs):
        ta.append(_run(a))
        tb.append(_run(b))
    return statistics.median(ta), statistics.median(tb)


def floor_cmd(path: Path) -> list[str]:
    sys.path.insert(0, str(HERE))
    from price_log import FLOOR_PRICES

    values = ", ".join(f"('{m}', {round(p * 10**6)}, {round(q * 10**6)})" for m, (p, q) in FLOOR_PRICES.items())
    sql = (
        f"SELECT SUM(u.input_tokens * p.p + u.output_tokens * p.q) FROM read_parquet('{path}') u "
        f"JOIN (VALUES {values}) p(model, p, q) ON u.model = p.model"
    )
    code = (
        "import duckdb, os; c = duckdb.connect(); c.execute(\"SET memory_limit = '1GB'\"); "
        f"c.execute(f'SET threads = {{os.cpu_count()}}'); c.execute({sql!r}).fetchall()"
    )
    return [sys.executable, "-c", code]


def reference_cmd(path: Path, grouped: bool) -> list[str]:
    """The lower bounds of a correct price on this machine, in a fresh process like the others: the 7 sums a
    price needs (6 token columns and the row count) over the whole file, and the same grouped by model,
    channel and day (the least a price per model, channel and day must do; billpath also keys batch, prompt
    class and validity)."""
    sums = ", ".join(
        f"SUM({c})"
        for c in ("input_tokens", "output_tokens", "reasoning_tokens", "cache_read_tokens", "cache_write_tokens")
    )
    sums += ", SUM(requests), COUNT(*)"
    keys = "model, channel, CAST(timestamp AS DATE)"
    sql = f"SELECT {keys + ', ' if grouped else ''}{sums} FROM read_parquet('{path}')" + (
        f" GROUP BY {keys}" if grouped else ""
    )
    code = (
        "import duckdb, os; c = duckdb.connect(); c.execute(\"SET memory_limit = '1GB'\"); "
        f"c.execute(f'SET threads = {{os.cpu_count()}}'); c.execute({sql!r}).fetchall()"
    )
    return [sys.executable, "-c", code]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="alternated runs per figure (the Parquet one: 1/5)")
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows of the generated canonical Parquet")
    parser.add_argument("--dir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "billpath-bench")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    figures = []

    small = [str(BIN), "price-log", "examples/usage.csv", "--format", "json"]
    mine, base = side_by_side(small, [sys.executable, "-c", "import duckdb"], args.runs)
    figures.append(("price-log 6-row CSV", mine, "import duckdb", base, 0.25 / 0.11))
    fixed = [sys.executable, "-c", "import duckdb, typer; duckdb.connect(':memory:')"]
    ref, floor = side_by_side(fixed, [sys.executable, "-c", "import duckdb"], args.runs)
    small_refs = [("duckdb+typer+connect", ref, floor)]

    sys.path.insert(0, str(HERE))
    from price_log import log_file

    log = log_file(args.dir, args.rows)
    big = [str(BIN), "price-log", str(log), "--format", "json"]
    runs = max(3, args.runs // 5)
    mine, base = side_by_side(big, floor_cmd(log), runs)
    figures.append((f"price-log {args.rows:,}-row Parquet", mine, "bare DuckDB weighted sum", base, 1.5))
    # Where the floor of a correct price is (no target: printed so a reader sees what 1.5x asks for)
    references = []
    for name, grouped in (("7 sums, whole file", False), ("7 sums by model/chan/day", True)):
        ref, floor = side_by_side(reference_cmd(log, grouped), floor_cmd(log), runs)
        references.append((name, ref, floor))

    compare = [str(BIN), "compare", "claude-opus-4-8", "-i", "1000", "-o", "1000", "-n", "1000", "--format", "json"]
    mine, base = side_by_side(compare, [sys.executable, "-c", "import genai_prices"], args.runs)
    figures.append(("compare start-up", mine, "import genai_prices", base, 0.75))

    print(f"{'figure':32} {'billpath':>10}   {'baseline':28} {'median':>9} {'ratio':>6} {'target':>7}")
    ok = True
    for name, mine, base_name, base, target in figures:
        ratio = mine / base
        ok &= ratio <= target
        print(
            f"{name:32} {mine * 1000:8.1f}ms   {base_name:28} {base * 1000:7.1f}ms {ratio:6.2f} {'<=':>3}{target:4.2f}"
        )
        if name.startswith("price-log 6-row"):
            for ref_name, ref, floor in small_refs:
                print(
                    f"{'  ref: ' + ref_name:32} {ref * 1000:8.1f}ms   {'import duckdb':28} {floor * 1000:7.1f}ms "
                    f"{ref / floor:6.2f}   (the fixed part of figure 1, no target)"
                )
        if name.startswith("price-log") and "Parquet" in name:
            for ref_name, ref, floor in references:
                print(
                    f"{'  ref: ' + ref_name:32} {ref * 1000:8.1f}ms   {'bare DuckDB weighted sum':28} "
                    f"{floor * 1000:7.1f}ms {ref / floor:6.2f}   (a lower bound of a correct price, no target)"
                )
    print(
        f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} (ratios, not absolute times, are comparable)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
