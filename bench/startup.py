"""Start-up benchmark: `billpath compare ...` against `python -c "import genai_prices"`, side by side.

Run: .venv/bin/python bench/startup.py [--runs N]
Prints the median wall time of each and the ratio billpath / genai-prices (target <= 1.0).
genai-prices is a dev dependency (`pip install -e '.[dev]'`).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "billpath"
COMMANDS = {
    "billpath compare (json)": [
        str(BIN),
        "compare",
        "claude-opus-4-8",
        "--input-tokens",
        "1000",
        "--output-tokens",
        "1000",
        "--requests",
        "1000",
        "--format",
        "json",
    ],
    "billpath compare (table)": [str(BIN), "compare", "claude-opus-4-8", "--input-tokens", "1000"],
    "baseline: import genai_prices": [sys.executable, "-c", "import genai_prices"],
    "floor: python -c pass": [sys.executable, "-c", "pass"],
}


def median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for cmd in COMMANDS.values():  # warm the OS cache once
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    results = {name: median_seconds(cmd, args.runs) for name, cmd in COMMANDS.items()}
    base = results["baseline: import genai_prices"]
    print(f"{'command':34} {'median':>9} {'vs genai-prices':>16}")
    for name, secs in results.items():
        print(f"{name:34} {secs * 1000:7.1f}ms {secs / base:15.2f}x")
    ratio = results["billpath compare (json)"] / base
    print(f"\nratio of medians, billpath compare / import genai_prices: {ratio:.2f} (target <= 1.0)")
    return 0 if ratio <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
