# Two commands do all the set-up on a fresh machine with only Python 3.11+:
#   make report   - create .venv on first use, then plan data/example.yaml into reports/
#   make test     - create .venv on first use, then run the whole gate (ruff, ruff format, mypy, pytest)
#   make fuzz     - the seeded mutation fuzzer over examples, Azure fixtures, options and paths
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test bench fuzz browser-check clean

# compileall: bytecode for the source tree, as a regular install writes it for site-packages;
# without it a shell with PYTHONDONTWRITEBYTECODE=1 compiles ipplan's modules at every start
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/python -m compileall -q ipplan
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/ipplan plan data/example.yaml

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q

# the mutation fuzzer of issue 12: 2,000 scenario mutants, 600 Azure mutants, 600 argument sets
# and the output-path cases, under three fresh seeds (or SEED=n); minutes, not part of `make test`
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz.py $(if $(SEED),--seed $(SEED))

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_cidr.py
	$(BIN)/python benchmarks/bench_sweep.py
	$(BIN)/python benchmarks/bench_plan.py
	$(BIN)/python benchmarks/bench_compare.py

# not part of `make test`: prints the examples' summary.html in headless Chromium (PNG + PDF,
# Letter and A4) and fails on a layout check (benchmarks/browser_check.py says which)
browser-check: $(STAMP)
	@command -v chromium >/dev/null && command -v pdfimages >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils)
	$(BIN)/python benchmarks/browser_check.py

clean:
	rm -rf $(VENV) reports/*/
