# PANDA: `make run` serves it, `make test` tests it. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run test lint format clean bench bench-reminders messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Serving needs only the runtime requirements; the tests and tools add the development ones.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

## run: set up, migrate, import the example data into an empty database, serve on :8000 with a
## tasks worker beside (it sends the reminders)
run: $(VENV)/.runtime
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-panda_project.settings.local} \
	PANDA_IMPORT_EXAMPLE=1 PANDA_WORKER=$${PANDA_WORKER:-1} bin/start

# The contract test's client generator, kept apart from .venv (see requirements-client.txt).
.venv-client/.installed: requirements-client.txt
	$(PYTHON) -m venv .venv-client
	.venv-client/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-client.txt
	touch $@

## test: the whole suite (SQLite unless DATABASE_URL says otherwise)
test: $(VENV)/.installed .venv-client/.installed
	$(BIN)/pytest -n $${PYTEST_WORKERS:-auto}

## bench: PANDA under load beside the floor of its stack (bench/run.py); BENCH_ARGS="--patients N"
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## bench-reminders: 10,000 reminders due at once, through a local Notify at 3,000 a minute
bench-reminders: $(VENV)/.installed
	$(BIN)/python bench/reminders.py $(BENCH_ARGS)

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
	rm -rf $(VENV) .venv-client staticfiles .pytest_cache
