# Quick start: `make run` (serve the course with a worker) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1
# VERBOSE=1 keeps what the default run leaves out: pip's progress, setuptools' build notes (the
# license-field deprecation) and the worker's warning that it runs as root.
VERBOSE ?= 0
ifeq ($(VERBOSE),1)
PIP := $(BIN)/pip install
else
PIP := PYTHONWARNINGS=ignore $(BIN)/pip install --quiet
endif
ARGS ?=

.PHONY: run test test-fast lint format install migrate content clean migrated ready sync manage lab lab-eval calc shell

# The first run needs a package index (pip downloads the dependencies); later runs reuse .venv.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -e '.[dev]'
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0

content: migrate
	$(BIN)/python manage.py sync_content

run: content
	@if [ "$$DEBUG" = "1" ]; then $(BIN)/python manage.py seed_demo; fi
	HOST=$(HOST) PORT=$(PORT) VERBOSE=$(VERBOSE) $(BIN)/python bin/dev.py

# The README's commands, with the venv's Python and the settings `make run` uses (DEBUG=1 unless
# set). `ready` migrates quietly and loads the course if the database has none (a fresh clone),
# so the command's own output (`--json`) is all that reaches stdout. ARGS holds its arguments.
migrated: install
	@$(BIN)/python manage.py migrate --noinput -v 0

ready: migrated
	@$(BIN)/python manage.py sync_content --if-empty > /dev/null

sync: migrated
	@$(BIN)/python manage.py sync_content $(ARGS)

manage: ready
	@$(BIN)/python manage.py $(ARGS)

lab: ready
	@$(BIN)/python manage.py lab $(ARGS)

lab-eval: ready
	@$(BIN)/python manage.py lab_eval $(ARGS)

calc: install
	@$(BIN)/python -m labs.calculator $(ARGS)

shell: ready
	@$(BIN)/python manage.py shell $(ARGS)
