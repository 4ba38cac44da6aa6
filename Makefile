# Tillshare: `make run` serves the demo venue; `make test` runs lint and the whole suite on
# SQLite and then on a throwaway PostgreSQL 15 cluster.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST_PORT ?= 127.0.0.1:8000

.DEFAULT_GOAL := help
.PHONY: help install dev system-deps run test lint fmt test-sqlite test-pg bench load clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed  ## Create .venv and install the project

# Tests drive Debian's Chromium (Playwright cannot download browsers here) and read PDFs with
# poppler's pdfinfo/pdftotext; apt installs whichever is missing.
system-deps:  ## Install Chromium and poppler-utils with apt when missing
	@command -v chromium >/dev/null && command -v pdfinfo >/dev/null || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium poppler-utils; }

dev: $(VENV)/.installed-dev  ## Install the project with its dev extras

run: install  ## Migrate, load the demo venue and serve it on http://127.0.0.1:8000
	@mkdir -p var
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py demo
	$(PY) manage.py runserver $(HOST_PORT)

lint: dev  ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: dev  ## Format and autofix
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test-sqlite: dev system-deps  ## The suite on SQLite
	@mkdir -p var
	$(PY) -m pytest

test-pg: dev system-deps  ## The suite on a throwaway PostgreSQL 15 cluster
	scripts/with-postgres $(PY) -m pytest

test: lint test-sqlite test-pg  ## Lint, then the suite on SQLite and on PostgreSQL

bench: dev  ## Ledger, POS and report benchmarks (print figures; bench/ui_bench.py runs apart)
	$(PY) bench/ledger_bench.py
	$(PY) bench/pos_bench.py
	$(PY) bench/report_bench.py

load: dev  ## 16 tablets against gunicorn on PostgreSQL and SQLite (bench/load.py; ~10 min)
	$(PY) bench/load.py

clean:  ## Remove the virtualenv and local databases
	rm -rf $(VENV) var/*.sqlite3*
