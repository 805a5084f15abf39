# dermadesk: `make run` starts the demo clinic, `make test` runs every check. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# The PostgreSQL the test suite uses (scripts/ensure-postgres starts it, and installs it if needed).
PG_TEST_URL ?= postgres://postgres:postgres@127.0.0.1:5432/dermadesk
PYTEST := PYTHONDEVMODE=1 $(BIN)/pytest

.PHONY: help run test lint types unit-sqlite unit-postgres browser html lighthouse deploy-check \
	bench bench-peer lock system pango postgres clean

help:
	@echo "make run         set up everything and start the demo clinic on http://127.0.0.1:8000"
	@echo "make test        lint, types, tests on SQLite and PostgreSQL, browser tests, Lighthouse"
	@echo "make lighthouse  audit every public page with Lighthouse (mobile)"
	@echo "make bench       measure the engine, the booking reads, the API, the servers, the staff pages"
	@echo "make bench-peer  the peer (django-appointment) and dermadesk side by side, one sitting"
	@echo "make lock        re-pin requirements.lock from pyproject.toml"

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-virtualenv -r requirements.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Debian packages the browser tests and the HTML check need (the image may not have them).
# Java runs the Nu HTML Checker; with it present, vnu-jar's install downloads no runtime.
system: pango
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium >/dev/null; }
	@command -v java >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq default-jre-headless >/dev/null; }

# Pango (with HarfBuzz and a font) lays out the PDFs WeasyPrint writes (a patient's data).
pango:
	@ldconfig -p | grep -q libpangoft2-1.0 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
		fonts-dejavu-core >/dev/null; }

# The local PostgreSQL server, and pg_dump/pg_restore at least as new as it (backups).
postgres:
	@scripts/ensure-postgres

run: $(VENV)/.installed pango
	@DEBUG=1 scripts/run

test: $(VENV)/.installed system node_modules/.installed postgres
	$(MAKE) lint types deploy-check unit-sqlite unit-postgres browser html lighthouse

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

types: $(VENV)/.installed
	SECRET_KEY=mypy-only $(BIN)/mypy dermadesk tests bench scripts/lighthouse.py

deploy-check: $(VENV)/.installed
	DEBUG=0 SECRET_KEY=deploy-check-$$RANDOM-$$RANDOM-$$RANDOM-$$RANDOM-$$RANDOM-$$RANDOM-long-enough \
		$(PY) manage.py check --deploy --fail-level WARNING

# Tests marked `once` (real servers killed and restarted, the database out of reach) run in
# the PostgreSQL step only.
unit-sqlite: $(VENV)/.installed
	$(PYTEST) -m "not browser and not html and not once" -q

unit-postgres: $(VENV)/.installed postgres
	DATABASE_URL=$(PG_TEST_URL) $(PYTEST) -m "not browser and not html" -q

browser: $(VENV)/.installed node_modules/.installed system
	$(PYTEST) -m browser tests/browser -q

# The Nu HTML Checker over every public page and booking step (once, on SQLite).
html: $(VENV)/.installed node_modules/.installed system
	$(PYTEST) -m html tests/html -q

lighthouse: $(VENV)/.installed node_modules/.installed system
	$(PY) scripts/lighthouse.py

# Speed, measured (never asserted in tests): see docs/performance.md for the figures.
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/engine.py
	$(PY) bench/availability.py
	$(PY) bench/availability_http.py
	$(PY) bench/reports.py
	$(PY) bench/public_load.py
	$(PY) bench/staff_calendar.py

# The peer's harness (../shared/peer/django-appointment, PEER_DIR to move it) then ours: ratios.
bench-peer: $(VENV)/.installed
	$(PY) bench/peer.py

lock:
	rm -rf /tmp/dermadesk-lock && "$$(scripts/find-python)" -m venv /tmp/dermadesk-lock
	/tmp/dermadesk-lock/bin/pip install --quiet --upgrade pip
	/tmp/dermadesk-lock/bin/pip install --quiet ".[dev]"
	( echo "# Every package, pinned. Regenerate with \`make lock\` after changing pyproject.toml."; \
	  /tmp/dermadesk-lock/bin/pip freeze --exclude-editable | grep -v '^dermadesk' ) > requirements.lock

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache
