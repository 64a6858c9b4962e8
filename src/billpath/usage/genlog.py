"""Synthetic canonical usage logs for tests and benchmarks, written to Parquet by DuckDB.

The log is a pure function of (rows, seed): every value comes from `hash(row, seed, salt)`, so the
same call writes the same rows on any machine, and 100 million rows stream to disk in bounded memory.
The mix exercises every pricing rule: price history (Claude Sonnet 4.6's long-context tier ends on
2026-03-13), long-context tiers (GPT-5.5 above 272k, Gemini above 200k), cache reads and writes,
reasoning inside output, batch rows, aggregated rows of many requests, an aggregator with fees
(OpenRouter), channel-specific model ids (a Bedrock `us.` id), rows dated before a model existed, and
an unknown model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

COLUMNS = (
    "timestamp",
    "model",
    "channel",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "batch",
    "requests",
)


@dataclass(frozen=True, slots=True)
class Mix:
    """One kind of row: the model and channel as logged, its weight, and the dates it spans."""

    model: str
    channel: str
    weight: int
    start: date
    end: date  # exclusive


MIX: tuple[Mix, ...] = (
    Mix("claude-sonnet-4-6", "anthropic", 22, date(2026, 2, 20), date(2026, 7, 1)),
    Mix("gpt-5.5", "openai", 18, date(2026, 4, 23), date(2026, 7, 1)),
    Mix("openai/gpt-5.5", "openrouter", 10, date(2026, 4, 23), date(2026, 7, 1)),
    Mix("claude-sonnet-4-6", "openrouter", 6, date(2026, 2, 20), date(2026, 7, 1)),
    Mix("us.anthropic.claude-sonnet-4-6", "aws-bedrock", 9, date(2026, 2, 20), date(2026, 7, 1)),
    Mix("claude-opus-4-8", "anthropic", 8, date(2026, 5, 1), date(2026, 7, 1)),
    Mix("gpt-5.4-mini", "openai", 10, date(2026, 4, 1), date(2026, 7, 1)),
    Mix("gemini-2.5-pro", "google", 8, date(2026, 2, 20), date(2026, 7, 1)),
    Mix("deepseek-v3.2", "deepseek", 7, date(2026, 2, 20), date(2026, 7, 1)),
    Mix("gpt-5.5", "openai", 1, date(2026, 3, 1), date(2026, 4, 22)),  # before GPT-5.5 existed: unpriced
    Mix("mystery-model-9", "openai", 1, date(2026, 2, 20), date(2026, 7, 1)),  # unknown model: unpriced
)


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _pick(field: str, mix: tuple[Mix, ...], bucket: str) -> str:
    """CASE over cumulative weights: the mix entry's `field` for a bucket in [0, total weight)."""
    arms, upto = [], 0
    for m in mix:
        upto += m.weight
        value = getattr(m, field)
        value = f"DATE {_q(value.isoformat())}" if isinstance(value, date) else _q(value)
        arms.append(f"WHEN {bucket} < {upto} THEN {value}")
    return "CASE " + " ".join(arms) + " END"


def log_sql(rows: int, seed: int = 0, mix: tuple[Mix, ...] = MIX, first: int = 0) -> str:
    """The SELECT that yields rows `first` .. `rows - 1` of the log (DuckDB SQL), canonical column order."""
    total = sum(m.weight for m in mix)

    def u(salt: int) -> str:  # a uniform draw in [0, 1) for this row
        return f"((hash(i, {seed}, {salt}) % 1000000)::DOUBLE / 1000000)"

    span = f"(({_pick('end', mix, 'b')}) - ({_pick('start', mix, 'b')}))"
    return f"""
WITH r AS (
  SELECT i, (hash(i, {seed}, 0) % {total})::INTEGER AS b FROM range({first}, {rows}) t(i)
), d AS (
  SELECT
    i,
    {_pick("model", mix, "b")} AS model,
    {_pick("channel", mix, "b")} AS channel,
    ({_pick("start", mix, "b")})::TIMESTAMP
      + to_seconds(floor({u(1)} * {span} * 86400)::BIGINT) AS ts,
    CASE WHEN {u(2)} < 0.9 THEN 1 ELSE 2 + floor({u(3)} * 49)::BIGINT END AS requests,
    CASE WHEN {u(4)} < 0.08 THEN 200000 + floor({u(5)} * 400000)::BIGINT
         ELSE 300 + floor({u(5)} * 60000)::BIGINT END AS prompt,
    CASE WHEN {u(6)} < 0.6 THEN {u(7)} * 0.8 ELSE 0 END AS read_share,
    CASE WHEN {u(8)} < 0.3 THEN {u(9)} * 0.1 ELSE 0 END AS write_share,
    20 + floor({u(10)} * 8000)::BIGINT AS output,
    CASE WHEN {u(11)} < 0.5 THEN {u(12)} ELSE 0 END AS reasoning_share,
    {u(13)} < 0.15 AS batch
  FROM r
), t AS (
  SELECT *, floor(prompt * read_share)::BIGINT AS cread, floor(prompt * write_share)::BIGINT AS cwrite FROM d
)
SELECT
  ts AS "timestamp",
  model,
  channel,
  (prompt - cread - cwrite) * requests AS input_tokens,
  output * requests AS output_tokens,
  cread * requests AS cache_read_tokens,
  cwrite * requests AS cache_write_tokens,
  floor(output * reasoning_share)::BIGINT * requests AS reasoning_tokens,
  batch,
  requests
FROM t
"""


def write_log(
    path: str | Path,
    rows: int,
    *,
    seed: int = 0,
    files: int = 1,
    row_group_size: int = 1_000_000,
    mix: tuple[Mix, ...] = MIX,
    memory_limit: str = "2GB",
) -> list[Path]:
    """Write the log to Parquet: one file at `path`, or `files` files part-N.parquet in directory `path`.

    Returns the files written. Streams through DuckDB with a bounded memory limit.
    """
    import duckdb

    path = Path(path)
    con = duckdb.connect(config={"memory_limit": memory_limit, "preserve_insertion_order": True})
    con.execute("SET enable_progress_bar = false")
    try:
        if files <= 1:
            path.parent.mkdir(parents=True, exist_ok=True)
            targets = [(path, 0, rows)]
        else:
            path.mkdir(parents=True, exist_ok=True)
            per = -(-rows // files)
            targets = [
                (path / f"part-{n:04d}.parquet", n * per, min(rows, (n + 1) * per))
                for n in range(files)
                if n * per < rows
            ]
        for target, lo, hi in targets:
            con.execute(
                f"COPY ({log_sql(hi, seed, mix, first=lo)}) TO {_q(str(target))} "
                f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {row_group_size})"
            )
        return [t for t, _, _ in targets]
    finally:
        con.close()
