# Two set-up commands work on a fresh machine: `make demo` and `make test`.
# Each creates .venv with the pip that `python -m venv` ships (not upgraded, so what a new user's pip does is
# what we test) and installs storyline into it: `make demo` the core install only, `make test` the extras the
# tests need (dev, and ray for the Ray engine's local-mode test; not bench). One stamp per set: switching from
# demo to test installs the extras; an edited pyproject.toml reinstalls.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CORE   := $(VENV)/.installed-core
TESTS  := $(VENV)/.installed-test
DEMO_DB ?= demo.duckdb

.PHONY: demo test test-fast check lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(CORE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(CORE)

$(TESTS): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,ray]'
	touch $(TESTS) $(CORE)

## demo: run storyline on the bundled demo corpus (demo.duckdb) and show what it found
demo: $(CORE)
	$(BIN)/storyline --db $(DEMO_DB) run data/demo/articles
	$(BIN)/storyline --db $(DEMO_DB) stories
	$(BIN)/storyline --db $(DEMO_DB) entities --limit 15
	$(BIN)/storyline --db $(DEMO_DB) story "$$($(BIN)/storyline --db $(DEMO_DB) stories --json --limit 1 | cut -d'"' -f4)"

## test: the whole test suite
test: $(TESTS)
	$(BIN)/python -m pytest -q

## test-fast: the edit-test loop, under a minute: every test not marked slow (no wheel build, Ray, killed
## subprocesses, browser, fuzzing, nor the real models over the demo corpus; see tests/conftest.py)
test-fast: $(TESTS)
	$(BIN)/python -m pytest -q -m "not slow"

## check: lint, types and tests (the one command that runs every check)
check: lint test

lint: $(TESTS)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

## bench: bench/ingest.py (the other benchmarks need the bench extra: .venv/bin/pip install -e '.[bench]')
bench: $(CORE)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache .ruff_cache .mypy_cache
