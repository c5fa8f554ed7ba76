# The daily commands. GNU make; needs only python3 (with venv) and make on the machine.
#
#   make run      the app on http://localhost:8501, with the demo warehouse built if missing
#   make test     the whole test suite (PostgreSQL and browser tests skip when unavailable)
#   make lint     ruff (lint and format check) and mypy
#   make bench    the scenario benchmark (python -m scenarios.bench): 10,000 paths, tornado
#   make mutation mutation testing (mutmut) of metrics/, data_access/ and the escaping; its score
#   make demo     rebuild the embedded demo warehouse (refused when DASHBOARD_DB_URL is set)
#   make migrate  create or upgrade the warehouse schema (DASHBOARD_DB_URL or the default)
#   make clean    remove the virtual environment, caches and test artifacts

PYTHON ?= python3
PORT ?= 8501
# pytest arguments. Two xdist workers; each builds its own demo warehouse and, for the
# browser tests, its own app server. --dist loadfile keeps one test file on one worker.
PYTEST_ARGS ?= -n 2 --dist loadfile
# Appended to PYTEST_ARGS, e.g. make test PYTEST_EXTRA="-k overview" or "--junitxml=...".
PYTEST_EXTRA ?=
# make mutation MUTANTS="metrics.clock*": only these mutants (default: all; see pyproject.toml).
MUTANTS ?=

# One BLAS thread per process: the ETS fits are small, and on 2 cores OpenBLAS's own
# threads made each projection 5-10 times slower and erratic under load.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Stamps live inside the venv: deleting the venv forgets them too.
STAMP_RUNTIME := $(VENV)/.stamp-runtime
STAMP_DEV := $(VENV)/.stamp-dev
PIP := $(PY) -m pip --disable-pip-version-check

.PHONY: run demo demo-embedded test lint mutation migrate bench clean

run: $(STAMP_RUNTIME)
	$(PY) -m data_access.migrate
	@# The demo warehouse is built only into the embedded default, never into a warehouse
	@# that DASHBOARD_DB_URL names (that may be production): use `python -m demo --url` there.
	@if [ -z "$$DASHBOARD_DB_URL" ]; then $(PY) -m demo --if-missing; \
	  else echo "DASHBOARD_DB_URL is set: not building demo data into it"; fi
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true

# Checked before anything is installed: `make demo` rebuilds only the embedded demo
# warehouse, never one that DASHBOARD_DB_URL names (that may be production).
demo:
	@if [ -n "$$DASHBOARD_DB_URL" ]; then \
	  echo "make demo: DASHBOARD_DB_URL is set: not rebuilding demo data in that warehouse;" \
	    "unset it to rebuild the embedded demo warehouse, or use" \
	    "python -m demo --url URL --replace on a warehouse that holds only demo data" >&2; \
	  exit 2; \
	fi
	@$(MAKE) --no-print-directory demo-embedded

demo-embedded: $(STAMP_RUNTIME)
	$(PY) -m demo --replace

migrate: $(STAMP_RUNTIME)
	$(PY) -m data_access.migrate

test: $(STAMP_DEV)
	@bash scripts/ensure_chromium.sh
	@bash scripts/ensure_postgres.sh
	$(PY) -m pytest $(PYTEST_ARGS) $(PYTEST_EXTRA)

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# A developer command, not part of `make test`: mutmut copies the code to mutants/, runs
# the fast tests once to see which reach which function, then each mutant against those.
# Results are kept in mutants/ and only changed functions are run again.
mutation: $(STAMP_DEV)
	$(BIN)/mutmut run --max-children 2 $(MUTANTS)
	$(PY) scripts/mutation_report.py

# A benchmark, not a test: prints the scenario engine's times on the configured warehouse.
bench: $(STAMP_RUNTIME)
	$(PY) -m scenarios.bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache artifacts mutants
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# On Debian, `python3 -m venv` needs the python3-venv package (ensurepip). Install it when
# we are root and it is missing; otherwise say what to install.
$(PY):
	@$(PYTHON) -m venv $(VENV) || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "python3 -m venv failed; installing python3-venv with apt-get"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv && \
	    $(PYTHON) -m venv $(VENV); \
	  else \
	    echo "could not create $(VENV): install python3-venv (sudo apt-get install python3-venv)" >&2; \
	    exit 1; \
	  fi; \
	}

$(STAMP_RUNTIME): requirements.txt constraints.txt | $(PY)
	$(PIP) install -q -r requirements.txt -c constraints.txt
	@touch $@

$(STAMP_DEV): requirements.txt requirements-dev.txt constraints.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt -c constraints.txt
	@touch $@ $(STAMP_RUNTIME)
