# Two commands do all the set-up on a fresh machine with only Python 3.11+:
#   make report   - create .venv on first use, then plan data/example.yaml into reports/
#   make test     - create .venv on first use, then run the whole gate (ruff, ruff format, mypy, pytest)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/ipplan plan data/example.yaml

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_cidr.py
	$(BIN)/python benchmarks/bench_sweep.py
	$(BIN)/python benchmarks/bench_plan.py

clean:
	rm -rf $(VENV) reports/*/
