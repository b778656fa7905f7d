# Two commands on a fresh machine with Python 3.11 and make: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE ?= tamyr.settings.base

.PHONY: install demo serve test lint types pytest browser bench messages clean

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Tamyr needs Python 3.11; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

install: $(VENV)/.installed

## demo: SQLite, the demo network, the task worker and the server on http://127.0.0.1:8000
demo: install
	TAMYR_DEBUG=1 $(BIN)/tamyr migrate --noinput
	TAMYR_DEBUG=1 $(BIN)/tamyr demo
	$(MAKE) serve

serve: install
	@echo "Serving on http://127.0.0.1:8000 (worker running beside it); Ctrl-C stops both."
	TAMYR_DEBUG=1 $(BIN)/tamyr run_huey --quiet & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	TAMYR_DEBUG=1 $(BIN)/tamyr runserver 127.0.0.1:8000

## test: lint, types and the whole suite on SQLite
test: install lint types pytest

lint: install
	$(BIN)/ruff check tamyr tests bench
	$(BIN)/ruff format --check tamyr tests bench

types: install
	$(BIN)/mypy tamyr

pytest: install
	DJANGO_SETTINGS_MODULE=tamyr.settings.test $(BIN)/pytest --create-db

browser: install
	DJANGO_SETTINGS_MODULE=tamyr.settings.test $(BIN)/pytest -m browser --create-db

## bench: every benchmark, or one with `make bench NAME=people_search`
bench: install
	@for script in $(if $(NAME),bench/$(NAME).py,bench/*.py); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

messages: install
	cd tamyr && ../$(BIN)/tamyr makemessages $(foreach l,kk ru tr az uz ky hu,-l $(l)) --no-obsolete --no-location
	cd tamyr && ../$(BIN)/tamyr compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
