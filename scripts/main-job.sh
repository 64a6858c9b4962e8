#!/usr/bin/env bash
# The main job: compare the article's four models for a sample workload on every channel,
# then price the bundled sample usage log (and re-price it on every other channel).
set -euo pipefail
cd "$(dirname "$0")/.."
BP=.venv/bin/billpath
for model in "Claude Opus 4.8" "Claude Sonnet 4.6" "GPT-5.5" "GPT-5.4 Mini"; do
  "$BP" compare "$model" --input-tokens 1000 --output-tokens 1000 --requests 1000
done
"$BP" price-log examples/usage.csv
