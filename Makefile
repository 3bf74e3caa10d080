# Quick start: `make run` (serve the course with a worker) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run test test-fast lint format install migrate content clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0

content: migrate
	$(BIN)/python manage.py sync_content

run: content
	@if [ "$$DEBUG" = "1" ]; then $(BIN)/python manage.py seed_demo; fi
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python bin/dev.py

# DEBUG is forced off for tests: they run with production-like settings.
test: install
	DEBUG=0 $(BIN)/python -m pytest -n auto

test-fast: install
	DEBUG=0 $(BIN)/python -m pytest -n auto -m "not browser and not services"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var/db.sqlite3* var/broker var/cache var/static
