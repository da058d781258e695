# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run run-postgres test check lint typecheck unit browser demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when the pinned requirements change.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

## Set up and start the app on the demo workspace (built on first start).
run: $(VENV)/.runtime
	$(BIN)/streamlit run server.py --server.port $(PORT)

## The app on a throwaway local PostgreSQL (removed when the app stops; the demo is built on first
## start). For a lasting database: DASHBOARD_DB=postgresql://user:pass@host:5432/db make run
run-postgres: $(VENV)/.runtime
	./scripts/with-postgres.sh sh -c 'DASHBOARD_DB="$$DASHBOARD_TEST_PG" $(BIN)/streamlit run server.py --server.port $(PORT)'

## Set up and run every check: lint, types, unit, AppTest and browser tests, on DuckDB and on a
## throwaway PostgreSQL cluster (installed from Debian's packages when missing).
test: $(VENV)/.dev
	./scripts/ensure-chromium.sh
	./scripts/ensure-axe.sh
	$(MAKE) lint typecheck
	DASHBOARD_REQUIRE_PG=1 ./scripts/with-postgres.sh $(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy

unit: $(VENV)/.dev
	$(BIN)/python -m pytest -m "not browser"

browser: $(VENV)/.dev
	./scripts/ensure-chromium.sh
	./scripts/ensure-axe.sh
	$(BIN)/python -m pytest -m browser

## Rebuild the demo workspace (IMPRESSIONS=10000000 for a benchmark-sized one).
demo: $(VENV)/.runtime
	$(BIN)/python -m dashboard demo $(if $(IMPRESSIONS),--impressions $(IMPRESSIONS))

bench: $(VENV)/.dev
	$(BIN)/python bench/demo_build.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache tests/browser/axe/node_modules
