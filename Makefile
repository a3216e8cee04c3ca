# Two entry points: `make run` (the daily job) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test bench bench-peer system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# `make run` reinstalls only when the package's sources changed: the stamp is newer than
# every file that goes into the install (setup files, src/, the shipped decks).
RUN_STAMP := $(VENV)/.studyplan-installed
INSTALLED_FILES := setup.cfg pyproject.toml $(shell find src decks -type f -not -path '*/__pycache__/*' -not -name '*.pyc' 2>/dev/null)

$(RUN_STAMP): $(BIN)/python $(INSTALLED_FILES)
	$(BIN)/pip install --quiet --disable-pip-version-check .
	touch $@

run: $(RUN_STAMP)
	@echo "To type 'studyplan ...' yourself, run: source $(abspath $(BIN))/activate"
	@echo "(or install it for your user once with: pipx install .)"
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
	for b in benchmarks/bench_*.py; do \
	  case $$b in *bench_peer.py) $(BIN)/python $$b $(PEER_ARGS);; *) $(BIN)/python $$b;; esac || exit 1; done

# studyplan beside Anki on 50,000 cards; `make bench-peer PEER_ARGS=--quick` for a smoke run
bench-peer: $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check '.[test]'
	$(BIN)/python benchmarks/bench_peer.py $(PEER_ARGS)

clean:
	rm -rf $(VENV) build src/*.egg-info
