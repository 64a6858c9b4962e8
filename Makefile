# One task runner for newcomers and CI alike.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint format catalog system bench bench-serve clean

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

## test: set up everything and run lint, the type check, the catalog check and the whole test suite
test: $(DEV_STAMP) system
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/billpath catalog build --check
	$(BIN)/billpath catalog validate
	$(BIN)/python -m pytest

## lint: ruff (style) and mypy (types, zero errors; configured in pyproject.toml)
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## catalog: rebuild the bundled snapshot from src/billpath/catalog/data
catalog: $(STAMP)
	$(BIN)/billpath catalog build

bench: $(DEV_STAMP)
	$(BIN)/python bench/startup.py

## bench-serve: load on /api/compare through a real `billpath serve` (about 30 s)
bench-serve: $(DEV_STAMP)
	$(BIN)/python bench/serve_load.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
