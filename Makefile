# Agora — every target sets up what it needs (.venv) on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PELICAN_OPTS ?=

.PHONY: html publish rollback serve test lint check bench clean messages

$(VENV)/.base: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.test: $(VENV)/.base pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

$(VENV)/.dev: $(VENV)/.test pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

## html: build the demo hub into output/ (offline: reads the bundled forum snapshot)
html: $(VENV)/.base
	$(BIN)/pelican content -s pelicanconf.py -o output $(PELICAN_OPTS)

## publish: production build (absolute URLs, strict: any content error fails) into a
## fresh folder, swapped in for output/ only when it succeeded; .gz/.br beside text files
publish: $(VENV)/.base
	$(BIN)/python tools/publish.py --output output -- $(PELICAN_OPTS)

## rollback: put the previous published build (output.previous/) back in output/
rollback:
	$(PYTHON) tools/publish.py --output output --rollback

## serve: preview on http://localhost:8000: the hub stays in memory, each change re-reads
## the changed files, re-renders the pages they affect and reloads the browser
serve: $(VENV)/.dev
	$(BIN)/agora serve --settings pelicanconf.py --output output $(SERVE_OPTS)

## test: the whole suite (installs Debian's chromium when root on Debian)
test: $(VENV)/.test
	@sh tools/ensure_browser.sh
	$(BIN)/python -m pytest -n auto --dist loadgroup

lint: $(VENV)/.test
	$(BIN)/ruff check plugins tests tools pelicanconf.py publishconf.py

## check: validate all content (agora check)
check: $(VENV)/.base
	$(BIN)/agora check

## bench: build-time benchmark against bare Pelican (see README)
bench: $(VENV)/.dev
	$(BIN)/python tools/bench.py $(BENCH_OPTS)

## messages: refresh the translation catalog from the templates
messages: $(VENV)/.base
	$(BIN)/pybabel extract -F tools/babel.cfg -o .cache/messages.pot theme/templates
	$(BIN)/pybabel update -i .cache/messages.pot -d theme/translations

clean:
	rm -rf output .cache
