# drijfjacht: `make demo` runs the sample programme, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint clean browser bytecode

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv>=0.5"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode --no-deps -e .
	touch $(STAMP)

# our own modules' bytecode, as uv compiles the dependencies': where PYTHONDONTWRITEBYTECODE is set,
# every run (and each of its helper processes) would compile them again (~0.1 s)
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q assets dashboards domain pipelines bench

demo: bytecode
	$(BIN)/drijfjacht demo --dir demo-programme

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

# S and M by default (~6 min on 2 cores); `make bench SCALES=S,M,L` adds L (see docs/performance.md)
bench: bytecode
	$(BIN)/python -m bench.run_bench $(if $(SCALES),--scales $(SCALES))
	$(BIN)/python bench/bench_figures.py

lint: $(STAMP)
	$(BIN)/ruff check .

# Debian's Chromium for the browser tests (needs root; .ci/run calls it)
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

clean:
	rm -rf $(VENV) demo-programme .pytest_cache .hypothesis
