# Two commands do everything on a fresh Debian machine: `make demo` and `make test`.
# Each creates the virtual environment, installs egovrank and finds a Chromium first.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: setup demo test test-wheel test-faults test-cluster bench bench-quick bench-communes lint format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

output/browser.json: | $(STAMP)
	$(BIN)/egovrank browser setup

setup: $(STAMP) output/browser.json

demo: setup
	$(BIN)/egovrank demo

test: setup
	$(BIN)/python -m pytest -q

test-faults: setup
	$(BIN)/python -m pytest -q -m faults

bench: setup
	$(BIN)/python -m pytest -q -m bench tests/benchmarks -s

bench-quick: setup
	EGOVRANK_BENCH_QUICK=1 $(BIN)/python -m pytest -q -m bench tests/benchmarks -s

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) output/*.db output/browser.json

# The wheel in a fresh venv outside the checkout, a small demo quarter from an empty folder (~2 min).
test-wheel: $(STAMP) output/browser.json
	.ci/test-wheel $(PYTHON)

# The cluster path against one machine: 3 Scrapyd nodes and a PostgreSQL started by the test
# itself (apt-get installs postgresql when missing), kills included (~5 min on 2 cores).
test-cluster: setup
	$(BIN)/python -m pytest -q -m cluster tests/test_cluster_queue.py tests/test_cluster.py -s

# A commune-scale quarter (56 + 3,300 demo portals) through the cluster path and in one process
# (docs/benchmarks.md; about two hours on 2 cores). Not part of `make bench`.
bench-communes: setup
	EGOVRANK_BENCH_COMMUNES=3300 $(BIN)/python -m pytest -q -m "bench and cluster" \
		tests/benchmarks/test_bench_communes.py -s
