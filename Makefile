# Two entry points: `make run` (the daily job) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test bench system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

run: $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check .
	$(BIN)/studyplan daily

test: $(BIN)/python system-deps
	$(BIN)/pip install --quiet --disable-pip-version-check '.[test]'
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	cd tests && ../$(BIN)/python -m pytest -q -p no:cacheprovider ..

system-deps:
	bash scripts/system-deps.sh

bench: $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check '.[test]'
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build src/*.egg-info
