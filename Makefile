# One task runner for newcomers and CI alike.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: help run test test-fast checks lint format catalog docs system bench bench-serve clean

## help: list the targets
help:
	@grep -E '^## ' Makefile | sed 's/^## /  /'

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $@ $(STAMP)

## run: set up and run the main job (compare the article's four models; price the bundled sample log)
run: $(STAMP)
	./scripts/main-job.sh

## system: Debian packages the slow tests need (Chromium for the browser tests, Java 17 for Spark)
system:
	./scripts/setup-system.sh

## test: set up everything (Python packages, Chromium, Java) and run every check and the whole test suite (CI)
test: $(DEV_STAMP) system checks
	$(BIN)/python -m pytest

## test-fast: the inner loop: every check and the fast tests (no apt, no Spark, no browser)
test-fast: $(DEV_STAMP) checks
	$(BIN)/python -m pytest -m "not slow"

checks: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/gen_docs.py --check
	$(BIN)/billpath catalog build --check
	$(BIN)/billpath catalog validate

## lint: ruff check and format check
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## format: format the code and fix what ruff can
format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## catalog: rebuild the bundled snapshot from src/billpath/catalog/data
catalog: $(STAMP)
	$(BIN)/billpath catalog build

## docs: regenerate docs/cli.md and the README's generated tables
docs: $(STAMP)
	$(BIN)/python scripts/gen_docs.py

## bench: start-up and price-log speed, side by side with their baselines
bench: $(DEV_STAMP)
	$(BIN)/python bench/startup.py

## bench-serve: load on /api/compare through a real `billpath serve` (about 30 s)
bench-serve: $(DEV_STAMP)
	$(BIN)/python bench/serve_load.py

## clean: remove the venv and caches
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
