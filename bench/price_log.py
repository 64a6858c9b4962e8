"""Benchmark: `billpath price-log` on generated Parquet logs, side by side with its floor and two libraries.

Run: .venv/bin/python bench/price_log.py [--rows 100000 1000000 10000000] [--sample 2000]

For each size it prints:
* billpath: wall time of `billpath price-log LOG --format json` (the whole command: start-up,
  validation, reduce, price, re-price on every channel) and its peak RSS;
* the floor: a bare DuckDB query summing input*p + output*q over the same Parquet (one price per
  model, joined on model; no validation, no tiers, no cache, no dates), same threads and memory limit;
* genai-prices `calc_price` and LiteLLM `cost_per_token` per-record loops on a sample of the same
  rows, extrapolated to the log's size (libraries that cannot be imported are reported, not faked).
Targets (issue 3): billpath <= 2x the floor at 10M rows; >= 1000x faster per record than either loop.
Logs are generated once by `billpath.usage.genlog` into --dir and reused.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "billpath"
FLOOR_PRICES = {  # USD per Mtok (input, output) per logged model: the floor's whole price table
    "claude-sonnet-4-6": (3, 15),
    "us.anthropic.claude-sonnet-4-6": (3.3, 16.5),
    "gpt-5.5": (5, 30),
    "openai/gpt-5.5": (5, 30),
    "claude-opus-4-8": (5, 25),
    "gpt-5.4-mini": (0.75, 4.5),
    "gemini-2.5-pro": (1.25, 10),
    "deepseek-v3.2": (0.28, 0.42),
}
# genai-prices / LiteLLM names for the generator's models (provider, model)
GP_NAMES = {
    "claude-sonnet-4-6": ("anthropic", "claude-sonnet-4-6"),
    "us.anthropic.claude-sonnet-4-6": ("aws", "us.anthropic.claude-sonnet-4-6-v1:0"),
    "gpt-5.5": ("openai", "gpt-5.5"),
    "openai/gpt-5.5": ("openrouter", "openai/gpt-5.5"),
    "claude-opus-4-8": ("anthropic", "claude-opus-4-8"),
    "gpt-5.4-mini": ("openai", "gpt-5.4-mini"),
    "gemini-2.5-pro": ("google", "gemini-2.5-pro"),
    "deepseek-v3.2": ("deepseek", "deepseek-chat"),
}
LL_NAMES = {
    "claude-sonnet-4-6": "claude-sonnet-4-6",
    "us.anthropic.claude-sonnet-4-6": "bedrock/us.anthropic.claude-sonnet-4-6",
    "gpt-5.5": "gpt-5.5",
    "openai/gpt-5.5": "openrouter/openai/gpt-5.5",
    "claude-opus-4-8": "claude-opus-4-8",
    "gpt-5.4-mini": "gpt-5.4-mini",
    "gemini-2.5-pro": "gemini/gemini-2.5-pro",
    "deepseek-v3.2": "deepseek/deepseek-chat",
}


def log_file(directory: Path, rows: int) -> Path:
    from billpath.usage.genlog import write_log

    path = directory / f"usage-{rows}.parquet"
    if not path.exists():
        t = time.perf_counter()
        write_log(path, rows=rows, seed=1)
        print(f"  generated {path} in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    return path


def run_billpath(path: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS bytes, and total_usd of the whole CLI command (its own rusage)."""
    import json
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen([str(BIN), "price-log", str(path), "--format", "json"], stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"billpath failed: {err.read().decode()}")
        out.seek(0)
        total = json.loads(out.read())["total_usd"]
    return wall, usage.ru_maxrss * 1024, total


def run_floor(path: Path) -> float:
    """The bare query, in a fresh process like billpath (same memory limit and threads)."""
    values = ", ".join(
        f"('{m}', {round(p * 10**6)}, {round(q * 10**6)})" for m, (p, q) in FLOOR_PRICES.items()
    )  # integer pico-dollars per token, like billpath
    sql = (
        f"SELECT SUM(u.input_tokens * p.p + u.output_tokens * p.q) FROM read_parquet('{path}') u "
        f"JOIN (VALUES {values}) p(model, p, q) ON u.model = p.model"
    )
    code = (
        "import duckdb, os, sys, time; t = time.perf_counter(); c = duckdb.connect(); "
        "c.execute(\"SET memory_limit = '1GB'\"); c.execute(f'SET threads = {os.cpu_count()}'); "
        f"c.execute({sql!r}).fetchall(); print(time.perf_counter() - t)"
    )
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - t


def sample_rows(path: Path, n: int) -> list[tuple]:
    import duckdb

    return duckdb.sql(
        "SELECT model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, timestamp "
        f"FROM read_parquet('{path}') USING SAMPLE {n} ROWS"
    ).fetchall()


def per_record_genai_prices(rows: list[tuple]) -> tuple[float | None, str]:
    try:
        from genai_prices import Usage, calc_price
    except ImportError as exc:
        return None, f"genai-prices not importable ({exc})"
    priced = 0
    t = time.perf_counter()
    for model, inp, out, cread, cwrite, ts in rows:
        if model not in GP_NAMES:
            continue
        provider, ref = GP_NAMES[model]
        usage = Usage(
            input_tokens=inp + cread + cwrite, output_tokens=out, cache_read_tokens=cread, cache_write_tokens=cwrite
        )
        try:
            calc_price(usage, ref, provider_id=provider, genai_request_timestamp=ts)
            priced += 1
        except LookupError:
            pass
    elapsed = time.perf_counter() - t
    return elapsed / max(1, len(rows)), f"genai-prices calc_price ({priced}/{len(rows)} sample rows known)"


def per_record_litellm(rows: list[tuple]) -> tuple[float | None, str]:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no network at import
    try:
        from litellm import cost_per_token
    except Exception as exc:
        return None, f"litellm not importable here ({type(exc).__name__}: {exc}); `pip install litellm` to compare"
    priced = 0
    t = time.perf_counter()
    for model, inp, out, cread, cwrite, _ in rows:
        name = LL_NAMES.get(model)
        if name is None:
            continue
        try:
            cost_per_token(
                model=name,
                prompt_tokens=inp + cread + cwrite,
                completion_tokens=out,
                cache_read_input_tokens=cread,
                cache_creation_input_tokens=cwrite,
            )
            priced += 1
        except Exception:
            pass
    elapsed = time.perf_counter() - t
    from importlib.metadata import version

    return elapsed / max(1, len(rows)), f"litellm {version('litellm')} cost_per_token ({priced}/{len(rows)} known)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--sample", type=int, default=2000, help="rows priced by each library loop")
    parser.add_argument("--dir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "billpath-bench")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"cores: {os.cpu_count()}; billpath = whole `price-log --format json` command incl. start-up")
    header = (
        "rows",
        "billpath s",
        "rows/s",
        "peak RSS MiB",
        "floor s",
        "vs floor",
        "gp est s",
        "vs gp",
        "litellm est s",
        "vs litellm",
    )
    print(" | ".join(header))
    notes: list[str] = []
    for n in args.rows:
        path = log_file(args.dir, n)
        wall, rss, total = run_billpath(path)
        floor = min(run_floor(path) for _ in range(2))
        sample = sample_rows(path, min(args.sample, n))
        gp, gp_note = per_record_genai_prices(sample)
        ll, ll_note = per_record_litellm(sample)
        for note in (gp_note, ll_note, f"{n:,} rows: billpath total_usd {total}"):
            if note not in notes:
                notes.append(note)
        gp_est = None if gp is None else gp * n
        ll_est = None if ll is None else ll * n
        cells = [
            f"{n:,}",
            f"{wall:.2f}",
            f"{n / wall:,.0f}",
            f"{rss / 2**20:,.0f}",
            f"{floor:.2f}",
            f"{wall / floor:.2f}x",
            "n/a" if gp_est is None else f"{gp_est:,.0f}",
            "n/a" if gp_est is None else f"{gp_est / wall:,.0f}x faster",
            "n/a" if ll_est is None else f"{ll_est:,.0f}",
            "n/a" if ll_est is None else f"{ll_est / wall:,.0f}x faster",
        ]
        print(" | ".join(cells), flush=True)
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
