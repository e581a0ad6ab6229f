# drijfjacht: `make demo` runs the sample programme, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint clean browser

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv>=0.5"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/drijfjacht demo --dir demo-programme

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

# S and M by default (~15 min on 2 cores); `make bench SCALES=S,M,L` adds L (see docs/performance.md)
bench: $(STAMP)
	$(BIN)/python -m bench.run_bench $(if $(SCALES),--scales $(SCALES))
	$(BIN)/python bench/bench_figures.py

lint: $(STAMP)
	$(BIN)/ruff check .

# Debian's Chromium for the browser tests (needs root; .ci/run calls it)
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

clean:
	rm -rf $(VENV) demo-programme .pytest_cache .hypothesis
