# Aiguillage — the two commands a newcomer needs: `make run` and `make test`.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
WORKERS ?= 3
DEV := AIGUILLAGE_ENV=dev
# The demo's staff log in with a password only; two-factor authentication is required
# everywhere else unless turned off like this (docs/authentication.md).
DEMO_AUTH := AIGUILLAGE_REQUIRE_2FA=$${AIGUILLAGE_REQUIRE_2FA:-false}
TEST_POSTGRES_URL ?= postgres://aiguillage:aiguillage@127.0.0.1:5432/aiguillage
# The suite runs on every core (pytest-xdist), each worker on its own test database
# (var/test_aiguillage.sqlite3_gw0, …; test_aiguillage_gw0, … on PostgreSQL). Tests that
# share a server stay on one worker (loadgroup); the workers keep pytest-django's order
# (no loadscope reorder). PYTEST_WORKERS=4, or 0 for one process without xdist.
PYTEST_WORKERS ?= auto
XDIST := -n $(PYTEST_WORKERS) --dist loadgroup --no-loadscope-reorder

.PHONY: help install run serve test test-fast test-sqlite test-postgres test-instants lint format bench messages demo clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install: $(STAMP) ## Create .venv in the repo and install pinned dependencies (idempotent)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

run: install ## Migrate, load the demo network, serve on http://127.0.0.1:8000
	$(DEV) $(PY) manage.py migrate --no-input
	$(DEV) $(PY) manage.py seed_demo
	$(DEV) $(DEMO_AUTH) $(PY) manage.py runserver 127.0.0.1:$(PORT)

demo: install ## Load (or refresh) the demo network without serving
	$(DEV) $(PY) manage.py migrate --no-input
	$(DEV) $(PY) manage.py seed_demo

serve: install ## Production server (gunicorn, $(WORKERS) workers) on 127.0.0.1:$(PORT)
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(VENV)/bin/gunicorn config.wsgi:application --workers $(WORKERS) \
		--bind 127.0.0.1:$(PORT) --access-logfile - --forwarded-allow-ips 127.0.0.1

test: install ## The whole suite: SQLite, then PostgreSQL when TEST_POSTGRES=1 or DATABASE_URL is set
	@$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TEST_POSTGRES" ] || [ -n "$$DATABASE_URL" ]; then \
		$(MAKE) --no-print-directory test-postgres; \
	fi

test-sqlite: install
	@echo "== Test suite on SQLite =="
	env -u DATABASE_URL $(DEV) $(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

test-postgres: install
	@echo "== Test suite on PostgreSQL =="
	$(DEV) DATABASE_URL="$${DATABASE_URL:-$(TEST_POSTGRES_URL)}" $(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# Not the whole suite: the edit-and-rerun loop (make test-fast PYTEST_ARGS=tests/agenda;
# FAST_MARKERS= to keep every test). `make test` before a commit; CI runs everything.
FAST_MARKERS ?= not slow and not browser
test-fast: install ## SQLite, test databases kept (--reuse-db), no slow or browser tests
	env -u DATABASE_URL $(DEV) $(PY) -m pytest $(XDIST) --reuse-db -m "$(FAST_MARKERS)" $(PYTEST_ARGS)

# The suite runs under one frozen "now" (config/pytest_plugin.py) and must pass at any
# instant: the instants that broke it once, on the tests that read the clock most.
INSTANTS ?= 2026-12-07T20:00:00 2026-12-31T23:30:00 2027-03-28T01:59:00 2028-12-07T10:00:00 \
	2027-05-05T10:00:00 2027-12-24T18:00:00
CLOCK_TESTS ?= tests/agenda tests/public tests/orientation tests/api tests/privacy
test-instants: install ## The clock-sensitive tests at other instants (AIGUILLAGE_TEST_NOW)
	@for instant in $(INSTANTS); do \
		echo "== Tests at $$instant =="; \
		env -u DATABASE_URL $(DEV) AIGUILLAGE_TEST_NOW=$$instant $(PY) -m pytest -q $(XDIST) \
			$(CLOCK_TESTS) || exit 1; \
	done

lint: install ## ruff, the apps' layers, mypy, no missing migration
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV) $(VENV)/bin/lint-imports  # the apps' layers (docs/development.md)
	$(DEV) $(VENV)/bin/mypy  # types of services, selectors, rules, engine
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

format: install ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install ## Benchmarks (tests/bench), figures printed; copy them to docs/benchmarks.md
	$(DEV) $(PY) -m pytest tests/bench -o python_files='bench_*.py' -o python_functions='bench_*' -s -q

messages: install ## Update the English translation catalog and compile it
	$(DEV) $(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var
	$(DEV) $(PY) manage.py compilemessages -l en --ignore=.venv

clean: ## Remove the virtualenv and local data (var/)
	rm -rf $(VENV) var/*.sqlite3* var/static
