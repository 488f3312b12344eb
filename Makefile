# Sodan's two sacred commands: `make demo` and `make test`.
# Each needs only Python 3.11+ and make: the virtual environment is created here.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: demo test install services search-cluster serve lint format messages check-deploy worker beat clean bench bench-search

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Sodan needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --progress-bar on -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

## Create the environment, migrate, load the demo data and serve at http://127.0.0.1:$(PORT)
# The site's address in e-mails and integration addresses follows PORT (unless SITE_URL is set).
demo: export SITE_URL ?= http://127.0.0.1:$(PORT)
demo: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	@echo "Serving Sodan at $(SITE_URL)/ (Ctrl+C stops it)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Run the whole test suite (browser tests skip when chromium is absent)
test: $(STAMP)
	$(PY) -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

## Install (from Debian, when missing) and start PostgreSQL on 127.0.0.1:5432 (trust for
## local connections) and Redis on 127.0.0.1:6379; needs root or sudo; safe to run again
services:
	@bash deploy/services.sh

## Build (Maven) and start a three-node OpenSearch cluster on 127.0.0.1:9250-9252 with the
## Japanese analyser; `bash deploy/search-cluster.sh stop` stops it (search/README.md)
search-cluster:
	@bash deploy/search-cluster.sh start

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Refresh the Japanese catalogue after changing user-facing strings (needs GNU gettext);
## the compiled .mo is committed so a newcomer needs no gettext.
messages: $(STAMP)
	$(PY) manage.py makemessages -l ja --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --no-obsolete -e html,txt,py
	$(PY) manage.py compilemessages --ignore '.venv/*'

check-deploy: $(STAMP)
	DEBUG=0 SECRET_KEY=check-deploy-$$RANDOM-not-a-real-key-0123456789abcdefghijklmnop \
		$(PY) manage.py check --deploy --fail-level WARNING

## Speed benchmark (not a test; see the README's Benchmark section): generates tier S (or
## TIER=M) into a PostgreSQL database of its own, serves it with gunicorn, loads it with wrk
## (installed from Debian when missing) and writes bench-results/bench-<tier>.{json,md,svg}.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sodan_bench
TIER ?= S
bench: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench --tier $(TIER) $(BENCH_ARGS)

## Search benchmark (not a test): 100,000 threads on SQLite, and on PostgreSQL when
## BENCH_POSTGRES_URL names an empty database, e.g. postgres://postgres@127.0.0.1/search_bench;
## then relevance on search/relevance/'s collection (in a throwaway database), next to a bigram baseline.
BENCH_SQLITE := sqlite:///$(CURDIR)/bench-results/search.sqlite3
BENCH_THREADS ?= 100000
## The newest threads embedded to time the semantic stage (its fill-in compares as many;
## about 170 ms a thread on one CPU thread); 0 times words alone.
BENCH_SEMANTIC ?= 5000
bench-search: $(STAMP)
	@mkdir -p bench-results
	DATABASE_URL=$(BENCH_SQLITE) $(PY) manage.py migrate --no-input -v 0
	DATABASE_URL=$(BENCH_SQLITE) $(PY) manage.py search_bench --threads $(BENCH_THREADS) --semantic $(BENCH_SEMANTIC) --out bench-results/search-sqlite.json
	@if [ -n "$(BENCH_POSTGRES_URL)" ]; then \
		DATABASE_URL=$(BENCH_POSTGRES_URL) $(PY) manage.py migrate --no-input -v 0 && \
		DATABASE_URL=$(BENCH_POSTGRES_URL) $(PY) manage.py search_bench --threads $(BENCH_THREADS) --semantic $(BENCH_SEMANTIC) --out bench-results/search-postgresql.json; \
	fi
	$(PY) manage.py search_relevance --out bench-results/relevance-sqlite.json
	@if [ -n "$(BENCH_POSTGRES_URL)" ]; then \
		DATABASE_URL=$(BENCH_POSTGRES_URL) $(PY) manage.py search_relevance --out bench-results/relevance-postgresql.json; \
	fi

worker: $(STAMP)
	$(VENV)/bin/celery -A community worker -Q default,email,search -l info

beat: $(STAMP)
	$(VENV)/bin/celery -A community beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
