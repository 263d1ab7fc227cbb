# Two commands to start: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := FLASK_APP=run.py APP_ENV=$${APP_ENV:-development} $(BIN)/flask
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
export TEST_REDIS_URL

.PHONY: run test test-sqlite test-postgres lint fmt worker seed migrate bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## Create the virtualenv, migrate the SQLite database, seed demo data if empty, serve on :5000.
run: $(BIN)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

## The whole suite on SQLite, then on a fresh PostgreSQL database.
test: test-sqlite test-postgres

test-sqlite: $(BIN)/.installed
	mkdir -p test-artifacts
	$(BIN)/pytest --junitxml=test-artifacts/sqlite.xml $(PYTEST_ARGS)
	$(BIN)/python tests/check_report.py test-artifacts/sqlite.xml

test-postgres: $(BIN)/.installed
	mkdir -p test-artifacts
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest --junitxml=test-artifacts/postgres.xml $(PYTEST_ARGS)
	$(BIN)/python tests/check_report.py test-artifacts/postgres.xml

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## The mail worker (needs REDIS_URL).
worker: $(BIN)/.installed
	APP_ENV=$${APP_ENV:-development} $(BIN)/python worker.py

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
