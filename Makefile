# Tandis: `make run` serves the demo, `make test` runs the whole suite. Both are idempotent.
SHELL := /bin/bash
export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_NOSPIN := 1
export PIPENV_VERBOSITY := -1
export PIPENV_YES := 1
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help install python-deps assets translations run serve test lint unit test-e2e bench-certificates \
        extract-messages clean

help:
	@echo "make run    - install, migrate, seed the demo (empty database only) and serve on http://$(HOST):$(PORT)"
	@echo "make test   - install and run lint and the whole test suite"
	@echo "make test-e2e - the browser suite (Chromium)"
	@echo "make bench-certificates - certificate rendering benchmark"

install: python-deps assets translations

python-deps: $(VENV)/.installed
$(VENV)/.installed: Pipfile Pipfile.lock
	@command -v pipenv >/dev/null 2>&1 || { echo "==> installing pipenv"; python3 -m pip install --quiet pipenv; }
	@echo "==> installing Python packages into $(VENV) (pipenv sync --dev)"
	@pipenv sync --dev
	@touch $@

assets: static/vendor/.installed
static/vendor/.installed: package.json package-lock.json scripts/vendor-assets.sh
	@echo "==> installing front-end packages (npm ci) and copying them to static/vendor"
	@npm ci --no-audit --no-fund --loglevel=error
	@bash scripts/vendor-assets.sh
	@touch $@

translations: $(VENV)/.installed
	@echo "==> compiling translations"
	@$(VENV)/bin/pybabel compile --use-fuzzy -q -d awards/translations

extract-messages: $(VENV)/.installed
	@$(VENV)/bin/pybabel extract -q -F babel.cfg -k _l -k lazy_gettext -o awards/translations/messages.pot .
	@$(VENV)/bin/pybabel update -q -i awards/translations/messages.pot -d awards/translations

run: install
	@mkdir -p instance
	@echo "==> migrating the database and loading the demo if it is empty"
	@$(FLASK) seed-demo --if-empty
	@echo "==> serving on http://$(HOST):$(PORT) (Ctrl-C stops)"
	@$(FLASK) run --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed
	@echo "==> ruff"
	@$(VENV)/bin/ruff check awards tests migrations config.py wsgi.py

unit: install
	@echo "==> pytest ($${AWARDS_TEST_DATABASE_URL:+PostgreSQL}$${AWARDS_TEST_DATABASE_URL:-SQLite})"
	@$(PY) -m pytest

test: lint unit

bench-certificates: install
	@$(PY) tests/bench/bench_certificates.py

clean:
	rm -rf $(VENV) node_modules static/vendor
