# Two set-up commands work on a fresh machine: `make demo` and `make test`.
# Each creates .venv and installs storyline with what it needs on first use (with the ray extra, which the
# Ray engine's local-mode test needs).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DB ?= demo.duckdb

.PHONY: demo test check lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,ray]'
	touch $(STAMP)

## demo: run storyline on the bundled demo corpus (demo.duckdb) and show what it found
demo: $(STAMP)
	$(BIN)/storyline --db $(DEMO_DB) run data/demo/articles
	$(BIN)/storyline --db $(DEMO_DB) stories
	$(BIN)/storyline --db $(DEMO_DB) entities --limit 15
	$(BIN)/storyline --db $(DEMO_DB) story "$$($(BIN)/storyline --db $(DEMO_DB) stories --json --limit 1 | cut -d'"' -f4)"

## test: the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

## check: lint, types and tests (the one command that runs every check)
check: lint test

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache .ruff_cache .mypy_cache
