#!/usr/bin/env bash
# Golden outputs of the CLI, for refactoring and speed work: run it before a change and after it, then
# `diff -r BEFORE AFTER` (any difference is a change of behaviour to justify).
#
# Run from anywhere: bench/golden.sh OUT_DIR [DATA_DIR]
# Each command's stdout, stderr and exit code go to OUT_DIR/NN-name.{out,err,rc}. DATA_DIR (default
# $TMPDIR/billpath-golden-data) holds generated logs, written once and reused, so both runs read the same
# files under the same names. Dates are pinned with --at where a command would otherwise use today.
# `--engine spark` is left out (slow; tests/test_spark_engine.py checks it).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: bench/golden.sh OUT_DIR [DATA_DIR]}
DATA=${2:-${TMPDIR:-/tmp}/billpath-golden-data}
BP=${BP:-.venv/bin/billpath}
PY=${PY:-.venv/bin/python}
mkdir -p "$OUT" "$DATA"
export COLUMNS=120 BILLPATH_HOME="$DATA/home"  # a fixed terminal width; no user catalog updates

if [ ! -f "$DATA/gen-200000.parquet" ]; then
  "$PY" -c "
import sys
from billpath.usage.genlog import write_log
write_log(sys.argv[1] + '/gen-200000.parquet', rows=200_000, seed=7)
" "$DATA"
  "$PY" -c "
import duckdb, sys
d = sys.argv[1]
duckdb.sql(f\"COPY (SELECT * FROM '{d}/gen-200000.parquet' LIMIT 3000) TO '{d}/gen-3000.csv' (HEADER)\")
" "$DATA"
  # daily totals without a requests column: rows over the context window (rejected by line)
  printf 'timestamp,model,input_tokens,output_tokens\n2026-10-01,claude-sonnet-4-6,90000000,10\n2026-10-01,gpt-5.5,5000,10\n2026-10-02,gpt-5.4-mini,3000000,10\n2026-10-02,mystery-model,100,10\n' >"$DATA/totals.csv"
fi

n=0
run() {  # run NAME ARGS...: one golden output
  local name=$1
  shift
  n=$((n + 1))
  local f
  f=$(printf '%s/%02d-%s' "$OUT" "$n" "$name")
  "$BP" "$@" >"$f.out" 2>"$f.err"
  echo $? >"$f.rc"
}

AT=(--at 2026-06-15)
# README examples
run compare-opus compare "Claude Opus 4.8" --input-tokens 1000 --output-tokens 1000 --requests 1000 "${AT[@]}"
run compare-bedrock-id compare us.anthropic.claude-sonnet-4-6-v1:0 --input-tokens 300000 --format json "${AT[@]}"
run compare-markdown compare gpt-5.5 --input-tokens 2000 --cache-read-tokens 8000 --batch-share 0.3 --format markdown "${AT[@]}"
run compare-two-seats compare gpt-5.5 claude-sonnet-4-6 -i 4000 -o 400 -n 100000 --seats 25 --json "${AT[@]}"
run compare-cache-hit compare gpt-5.5 -i 4000 -o 400 -n 100000 --cache-hit-share 0.3 --at 2026-11-01
run recommend recommend claude-sonnet-4-6 --requests 3000 --input-tokens 10000 --output-tokens 1000 "${AT[@]}"
run recommend-json recommend gpt-5.5 --requests 3000 --input-tokens 10000 --output-tokens 1000 --format json "${AT[@]}"
run lag lag claude-opus-4-8
run explain explain gpt-5.5 "${AT[@]}"
run scenarios-csv scenarios examples/scenarios.toml --format csv
run scenarios-json scenarios examples/scenarios.toml --format json
run price-log-readme price-log examples/usage.csv
run price-log-month price-log examples/usage.csv --by month --since 2026-03-01 --until 2026-12-31
run price-log-plan price-log examples/claude-code --plan claude-max-5x "${AT[@]}"
run price-log-focus price-log examples/aws-cur-bedrock.csv --format focus --reprice anthropic
run price-log-prices price-log examples/usage.csv --prices examples/prices.toml --format json
# every example log, json and table (directories too: the coding-agent trees)
for f in examples/*.csv examples/*.json examples/*.jsonl examples/claude-code examples/codex examples/gemini-cli; do
  base=$(basename "$f")
  run "pl-$base-json" price-log "$f" --format json "${AT[@]}"
  run "pl-$base-table" price-log "$f" "${AT[@]}"
done
# every --by view and format of the sample
for by in channel day week user; do
  run "pl-usage-by-$by" price-log examples/usage.csv --by "$by"
done
run pl-usage-csv price-log examples/usage.csv --format csv
run pl-usage-markdown price-log examples/usage.csv --format markdown
run pl-all-examples price-log examples --format json "${AT[@]}"
# generated logs: every pricing rule, an unknown model, rows over the context window, many groups
run pl-gen-parquet-json price-log "$DATA/gen-200000.parquet" --format json
run pl-gen-parquet-table price-log "$DATA/gen-200000.parquet" --by channel
run pl-gen-parquet-period price-log "$DATA/gen-200000.parquet" --since 2026-04-01 --until 2026-05-31 --format json
run pl-gen-csv price-log "$DATA/gen-3000.csv" --format json
run pl-gen-mixed price-log "$DATA/gen-3000.csv" "$DATA/gen-200000.parquet" --format json
run pl-totals price-log "$DATA/totals.csv" --format json "${AT[@]}"
run pl-totals-table price-log "$DATA/totals.csv" "${AT[@]}"
# errors are one line
run pl-missing price-log "$DATA/no-such-file.csv"
run pl-bad-engine price-log examples/usage.csv --engine nope
run compare-unknown compare mystery-model-9 -i 10
echo "$n outputs in $OUT"
