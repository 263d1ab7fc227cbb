# Two commands to start: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# bin/flask and bin/worker use the virtualenv and default APP_ENV to development (unless .env says otherwise).
FLASK := VENV=$(VENV) bin/flask
HOST ?= 127.0.0.1
PORT ?= 5000
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
export TEST_REDIS_URL
# pytest-xdist processes per run (each has its own database and Redis prefix); 0 runs in this process.
TEST_WORKERS ?= 2

.PHONY: install run flask test test-sqlite test-postgres check-test-deps lint fmt worker seed migrate bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## The virtualenv with every dependency (runs again when the requirements change).
install: $(BIN)/.installed

## Migrate the database (SQLite under instance/ unless DATABASE_URL says otherwise), seed demo data
## if it is empty, serve on http://$(HOST):$(PORT) (make run PORT=8000 HOST=0.0.0.0).
## BASE_URL, the start of links in emails, follows HOST and PORT unless it is set.
run: $(BIN)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed demo --if-empty
	FLASK_RUN_HOST=$(HOST) FLASK_RUN_PORT=$(PORT) $(FLASK) run

## Any Flask command: make flask ARGS="users set-password someone@example.com" (or bin/flask ...).
flask: $(BIN)/.installed
	$(FLASK) $(ARGS)

## The whole suite on SQLite, then on a fresh PostgreSQL database. Needs Chromium, PostgreSQL and
## Redis (checked first, see check-test-deps).
test: check-test-deps test-sqlite test-postgres

## Say what `make test` needs and is missing (Chromium, PostgreSQL, Redis, curl, jq), before running anything.
check-test-deps:
	@TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(PYTHON) bin/check-test-deps

test-sqlite: check-test-deps $(BIN)/.installed
	mkdir -p test-artifacts
	$(BIN)/pytest -n $(TEST_WORKERS) --junitxml=test-artifacts/sqlite.xml $(PYTEST_ARGS)
	$(BIN)/python tests/check_report.py test-artifacts/sqlite.xml

test-postgres: check-test-deps $(BIN)/.installed
	mkdir -p test-artifacts
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -n $(TEST_WORKERS) --junitxml=test-artifacts/postgres.xml $(PYTEST_ARGS)
	$(BIN)/python tests/check_report.py test-artifacts/postgres.xml

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## The mail worker (needs REDIS_URL): make worker WORKER_ARGS=--burst drains the queue and exits.
worker: $(BIN)/.installed
	VENV=$(VENV) bin/worker $(WORKER_ARGS)

seed: $(BIN)/.installed
	$(FLASK) seed demo

migrate: $(BIN)/.installed
	$(FLASK) db upgrade

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache .ruff_cache

## Load test: gunicorn (production settings) on PostgreSQL + Redis over 200k applications, wrk on loopback.
## Seeds the bench database the first time; results in bench/results/latest.{json,md}. See bench/README.md.
bench: $(BIN)/.installed
	$(BIN)/python -m bench.run $(BENCH_ARGS)
