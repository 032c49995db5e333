# qualcoder: `make demo` and `make test` are all a fresh machine needs.
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
PYTHON ?= python3

.PHONY: setup test lint demo bench clean

setup: $(STAMP)

# torch is installed first, pinned by constraints.txt: an unpinned torch pulls several GB of CUDA packages.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt torch==2.13.0
	$(PIP) install --quiet -c constraints.txt -e ".[topics,dev]"
	touch $(STAMP)

lint: setup
	$(PY) -m ruff check qualcoder tests benchmarks app.py

test: setup lint
	$(PY) -m pytest

demo: setup
	$(VENV)/bin/qualcoder demo demo-project

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) demo-project .pytest_cache .ruff_cache
