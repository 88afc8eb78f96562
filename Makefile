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

APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils zbar-tools
E2E_APT_PACKAGES := chromium

.PHONY: help install system-deps e2e-deps python-deps assets translations run serve serve-processes test lint unit \
        test-e2e test-prod bench-certificates bench-scale extract-messages clean

help:
	@echo "make run    - install, migrate, seed the demo (empty database only) and serve on http://$(HOST):$(PORT)"
	@echo "make test   - install and run lint and the whole test suite"
	@echo "make test-e2e - the browser suite (Chromium)"
	@echo "make serve  - serve as production does: gunicorn (several workers) and the job consumer on Redis"
	@echo "make test-prod - production smoke test: gunicorn, PostgreSQL, Redis, a bulk print job"
	@echo "make bench-certificates - certificate rendering benchmark"
	@echo "make bench-scale - every page, results, concurrency, verify and export at 1,300 and 13,000 nominations"

install: system-deps python-deps assets translations

# Debian packages a clean machine may lack: installed with apt when running as root, otherwise listed.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "==> apt-get install$$missing"; apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "!! missing system packages:$$missing (run: sudo apt-get install$$missing)"; exit 1; fi; fi

e2e-deps:
	@missing=""; for p in $(E2E_APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "==> apt-get install$$missing"; apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "!! missing system packages:$$missing (run: sudo apt-get install$$missing)"; exit 1; fi; fi

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
	@$(VENV)/bin/pybabel -q compile --use-fuzzy -d awards/translations

extract-messages: $(VENV)/.installed
	@$(VENV)/bin/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o awards/translations/messages.pot .
	@$(VENV)/bin/pybabel -q update -i awards/translations/messages.pot -d awards/translations

run: install
	@mkdir -p instance
	@echo "==> migrating the database and loading the demo if it is empty"
	@$(FLASK) seed-demo --if-empty
	@echo "==> starting the background-job consumer and serving on http://$(HOST):$(PORT) (Ctrl-C stops both)"
	@$(VENV)/bin/huey_consumer awards.tasks.huey -w 2 -q & consumer=$$!; \
	trap 'kill $$consumer 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# `make serve`: production serving on this machine. AWARDS_CONFIG defaults to production (set AWARDS_SECRET_KEY,
# AWARDS_DATABASE_URL), the job queue to the local Redis. The gunicorn settings are deploy/gunicorn.conf.py,
# the ones the systemd unit uses; HOST/PORT override its bind address. Ctrl-C stops gunicorn and the consumer.
serve: install
	@$(MAKE) --no-print-directory serve-processes

# `make serve` without the install step (the smoke test runs it on an installed tree).
serve-processes: export AWARDS_CONFIG ?= production
serve-processes: export AWARDS_REDIS_URL ?= redis://127.0.0.1:6379/0
serve-processes:
	@if [ "$${AWARDS_CONFIG:-production}" = production ] && [ -z "$$AWARDS_SECRET_KEY" ]; then \
	  echo "!! AWARDS_SECRET_KEY is not set: the production config needs a random value of 32+ characters"; \
	  echo "   e.g. export AWARDS_SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"; \
	  exit 1; fi
	@mkdir -p instance
	@$(FLASK) db upgrade
	@echo "==> gunicorn on http://$(HOST):$(PORT) and the job consumer on $${AWARDS_REDIS_URL:-SQLite} (Ctrl-C stops both)"
	@$(VENV)/bin/huey_consumer awards.tasks.huey -w 2 & consumer=$$!; \
	trap 'kill -INT $$consumer 2>/dev/null; wait $$consumer 2>/dev/null' EXIT INT TERM; \
	AWARDS_BIND=$(HOST):$(PORT) $(VENV)/bin/gunicorn --config deploy/gunicorn.conf.py

lint: $(VENV)/.installed
	@echo "==> ruff"
	@$(VENV)/bin/ruff check awards tests migrations scripts deploy config.py wsgi.py
	@echo "==> import layers (.importlinter)"
	@$(VENV)/bin/lint-imports

unit: install
	@if [ -n "$$AWARDS_TEST_DATABASE_URL" ]; then echo "==> pytest on PostgreSQL"; else echo "==> pytest on SQLite"; fi
	@$(PY) -m pytest -n auto --dist loadfile

test-e2e: install e2e-deps
	@echo "==> browser suite (Chromium, tests/e2e; screenshots in tests/e2e/screenshots/)"
	@$(PY) -m pytest tests/e2e

test: lint unit test-e2e

# Production smoke test: a fresh PostgreSQL database, `make serve-processes` (gunicorn + consumer on Redis)
# with the production config, then cookies, headers, /healthz and a bulk print job over HTTP.
test-prod: install
	@echo "==> production smoke test (gunicorn, PostgreSQL, Redis)"
	@$(PY) scripts/test_prod.py

bench-certificates: install
	@$(PY) tests/bench/bench_certificates.py

# Issue-14 figures on generated cycles (flask seed-scale): BENCH_SIZES=1300,13000, BENCH_JUDGES, BENCH_SECONDS,
# BENCH_REPEAT; also on PostgreSQL when AWARDS_TEST_DATABASE_URL is set (BENCH_DBS=sqlite,postgresql).
bench-scale: install
	@$(PY) tests/bench/bench_scale.py

clean:
	rm -rf $(VENV) node_modules static/vendor
