# The daily commands. GNU make; needs only python3 (with venv) and make on the machine.
#
#   make run      the app on http://localhost:8501, with the demo warehouse built if missing
#   make test     the whole test suite (PostgreSQL and browser tests skip when unavailable)
#   make lint     ruff (lint and format check) and mypy
#   make bench    the benchmark harness (python -m bench): tiers S and M on SQLite and PostgreSQL,
#                 pages, browser, memory, scenarios, ingest; writes docs/benchmarks.{json,md}
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

.PHONY: run demo demo-embedded test lint mutation mutation-rerun migrate bench load clean

# `make run` says what it does at each step (a first run spends minutes installing).
say = @printf '\n==> %s\n' $(1)

run: $(STAMP_RUNTIME)
	$(call say,"[3/5] Bringing the warehouse schema up to date (Alembic migrations)")
	$(PY) -m data_access.migrate
	@# The demo warehouse is built only into the embedded default, never into a warehouse
	@# that DASHBOARD_DB_URL names (that may be production): use `python -m demo --url` there.
	$(call say,"[4/5] Building the demo warehouse var/warehouse.sqlite if it holds no data (about a minute the first time)")
	@if [ -z "$$DASHBOARD_DB_URL" ]; then $(PY) -m demo --if-missing; \
	  else echo "DASHBOARD_DB_URL is set: not building demo data into it"; fi
	$(call say,"[5/5] Serving at http://localhost:$(PORT) (Ctrl+C stops the server)")
	$(PY) -m serve --server.port $(PORT) --server.headless true

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
	@bash scripts/ensure_poppler.sh
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

# The mutants mutmut generated in mutants/, run outside mutmut (one forked process per mutant,
# the test modules imported once), at the lowest CPU priority, e.g.
# make mutation-rerun MUTANTS='data_access.cached.*' RERUN_TESTS='tests/unit/test_cached_rules.py'
# Needs `mutmut run` to have generated mutants/ first (it can be stopped once they exist).
RERUN_TESTS ?=
RERUN_ARGS ?= --timeout 60 --json artifacts/mutation/rerun.json
mutation-rerun: $(STAMP_DEV)
	nice -n 19 $(PY) scripts/mutation_rerun.py $(MUTANTS) --tests $(RERUN_TESTS) $(RERUN_ARGS)

# make bench BENCH_ARGS="--tiers S,M,L": options of python -m bench (see its --help).
BENCH_ARGS ?=

# A benchmark, not a test (no timing enters make test): builds the tiers' warehouses (SQLite
# in var/bench/, PostgreSQL databases bench_*), times every page (server side and in headless
# Chromium), the scenario engine and a 1M-row ingest, and writes docs/benchmarks.json and
# the table in docs/benchmarks.md. Needs the dev tools (playwright) and, for its PostgreSQL
# part, a server on 127.0.0.1:5432 (make test's script starts one).
bench: $(STAMP_DEV)
	@bash scripts/ensure_chromium.sh
	@bash scripts/ensure_postgres.sh
	$(PY) -m bench $(BENCH_ARGS)

# make load LOAD_ARGS="--users 20 --minutes 10 --tier M": options of python -m bench.load.
LOAD_ARGS ?=

# The load test, not a test: many concurrent Streamlit sessions over the websocket (locust)
# against the app served on PostgreSQL; writes docs/load.json and its table in
# docs/benchmarks.md. Exits non-zero when any script run failed.
load: $(STAMP_DEV)
	@bash scripts/ensure_postgres.sh
	$(PY) -m bench.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache artifacts mutants
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# On Debian, `python3 -m venv` needs the python3-venv package (ensurepip). Install it when
# we are root and it is missing; otherwise say what to install.
$(PY):
	$(call say,"[1/5] Creating the virtual environment $(VENV) ($(PYTHON) -m venv)")
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

# Installs show pip's progress (no -q): a first install takes a few minutes.
$(STAMP_RUNTIME): requirements.txt constraints.txt | $(PY)
	$(call say,"[2/5] Installing the pinned dependencies (requirements.txt, constraints.txt); the first time takes a few minutes")
	$(PIP) install --progress-bar on -r requirements.txt -c constraints.txt
	@touch $@

$(STAMP_DEV): requirements.txt requirements-dev.txt constraints.txt | $(PY)
	$(call say,"Installing the pinned dependencies and test tools (requirements-dev.txt, constraints.txt)")
	$(PIP) install --progress-bar on -r requirements-dev.txt -c constraints.txt
	@touch $@ $(STAMP_RUNTIME)
