# PANDA: `make run` serves it, `make test` tests it. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run test lint format clean bench messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

## run: set up, migrate, import the example data into an empty database, serve on :8000
run: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-panda_project.settings.local} \
	PANDA_IMPORT_EXAMPLE=1 bin/start

## test: the whole suite (SQLite unless DATABASE_URL says otherwise)
test: $(VENV)/.installed
	$(BIN)/pytest -n $${PYTEST_WORKERS:-auto}

## bench: PANDA under load beside the floor of its stack (bench/run.py); BENCH_ARGS="--patients N"
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## messages: add new messages to locale/*/django.po, compile the .mo files, list what is untranslated
messages: $(VENV)/.installed
	$(BIN)/python -m panda_project.catalogues

## lint: ruff's checks and formatting
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
