# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: run test install install-test translations bench bench-smoke clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project metadata changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations

# Stock pybabel: compile every domain's catalogue (.po -> .mo). Extraction and
# merging: `python -m watch.core.i18n update [DOMAIN]` (pybabel extract/update with babel.cfg).
CATALOGUES = $(sort $(basename $(notdir $(wildcard watch/translations/sv/LC_MESSAGES/*.po))))
translations:
	$(BIN)/pybabel --quiet compile -d watch/translations -D "$(CATALOGUES)"

run: install
	WATCH_ENV=development $(BIN)/flask --app watch db upgrade
	@echo "First admin account: WATCH_ENV=development $(BIN)/flask --app watch users create-admin"
	WATCH_ENV=development WATCH_PUBLIC_URL=$${WATCH_PUBLIC_URL:-http://127.0.0.1:$(PORT)} $(BIN)/flask --app watch run --port $(PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Every benchmark in turn at full size: many minutes (the viewport one builds 1,000,000 alerts per
# database); the figures in docs/PERFORMANCE.md come from these. `make bench-smoke` checks they still run.
bench: install-test
	for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Every benchmark at its --smoke size, one after another (a minute or two in all): fails at the
# first that errors or does not print its figures; timings are never checked. PostgreSQL parts run when
# PostgreSQL answers (bench/benchkit/__init__.py: PG_URL).
bench-smoke: install-test
	$(BIN)/python bench/benchkit/smoke.py

clean:
	rm -rf $(VENV) build *.egg-info
