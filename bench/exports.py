"""How fast the application-export and bill readers price a large file (generated here, never stored).

    .venv/bin/python bench/exports.py [LINES]     # default 200,000 lines per format

For each of the CUR 2.0, FOCUS and Cursor CSV formats it writes LINES realistic lines (several models,
token types, routes and days), prices them with `price-log` (DuckDB) and prints wall time, lines per
second and peak RSS of the run, plus the total (every line priced, the rows adding up).
"""

from __future__ import annotations

import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

CUR_TYPES = [
    ("Claude4.6Sonnet", "input-tokens"),
    ("Claude4.6Sonnet", "output-tokens"),
    ("Claude4.6Sonnet", "cache-read-input-token-count"),
    ("Claude4.6Sonnet", "cache-write-input-token-count"),
    ("Claude4.6Sonnet", "cache-write-input-token-count-1-hour"),
    ("anthropic.claude-opus-4-8", "input-tokens"),
    ("anthropic.claude-opus-4-8", "output-tokens"),
]


def write_cur(path: Path, n: int, rng: random.Random) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "line_item_line_item_type",
                "line_item_product_code",
                "line_item_usage_type",
                "line_item_usage_start_date",
                "line_item_usage_amount",
                "line_item_unblended_cost",
            ]
        )
        for i in range(n):
            key, kind = rng.choice(CUR_TYPES)
            route = rng.choice(["", "-cross-region-global"])
            day = f"2026-10-{1 + i % 28:02d}T{i % 24:02d}:00:00Z"
            w.writerow(
                [
                    "Usage",
                    "AmazonBedrockFoundationModels",
                    f"USE1-{key}-{kind}{route}",
                    day,
                    rng.randint(1, 10**6),
                    "1.00",
                ]
            )


def write_focus(path: Path, n: int, rng: random.Random) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "ChargeCategory",
                "ChargePeriodStart",
                "ConsumedQuantity",
                "ConsumedUnit",
                "BilledCost",
                "EffectiveCost",
                "ListCost",
                "ProviderName",
                "SkuMeter",
            ]
        )
        for i in range(n):
            key, kind = rng.choice(CUR_TYPES)
            day = f"2026-10-{1 + i % 28:02d}T00:00:00Z"
            w.writerow(
                [
                    "Usage",
                    day,
                    rng.randint(1, 10**6),
                    "Tokens",
                    "1.00",
                    "0.90",
                    "1.00",
                    "AWS",
                    f"USE1-{key}-{kind}-cross-region-global",
                ]
            )


def write_cursor(path: Path, n: int, rng: random.Random) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "Date",
                "User",
                "Kind",
                "Model",
                "Max Mode",
                "Input (w/ Cache Write)",
                "Input (w/o Cache Write)",
                "Cache Read",
                "Output Tokens",
                "Total Tokens",
                "Cost",
            ]
        )
        for i in range(n):
            counts = [rng.randint(0, 30000), rng.randint(0, 5000), rng.randint(0, 300000), rng.randint(0, 9000)]
            model = rng.choice(["claude-4.6-sonnet-thinking", "gpt-5.5", "claude-4.8-opus-high"])
            w.writerow(
                [
                    f"2026-10-{1 + i % 28:02d}T10:00:00.000Z",
                    f"user{i % 50}@example.com",
                    "On-Demand",
                    model,
                    "No",
                    *counts,
                    sum(counts),
                    "$0.10",
                ]
            )


def run(fmt: str, path: Path) -> None:
    from billpath.analysis.price_log import price_log

    start, cpu = time.perf_counter(), time.process_time()
    r = price_log([str(path)])
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert r.rows_priced + r.rows_unpriced + r.rows_rejected == r.rows_total
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = r.to_dict()["total_usd"]
    print(
        f"{fmt:11s} {r.rows_total:>9,} lines  {took:6.2f} s wall ({cpu:.2f} s CPU)  "
        f"{r.rows_total / took:>9,.0f} lines/s  peak RSS {rss:,.0f} MB (cumulative)  total ${total}  "
        f"unpriced {r.rows_unpriced}  rejected {r.rows_rejected}"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, writer in (("aws-cur", write_cur), ("focus", write_focus), ("cursor-csv", write_cursor)):
            path = Path(tmp) / f"{fmt}.csv"
            writer(path, n, rng)
            run(fmt, path)


if __name__ == "__main__":
    main()
