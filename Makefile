# Agora — every target sets up what it needs (.venv) on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PELICAN_OPTS ?=

.PHONY: html publish rollback serve test lint check bench bench-pages clean messages

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
serve: $(VENV)/.base
	$(BIN)/agora serve --settings pelicanconf.py --output output $(SERVE_OPTS)

## test: lint and type checks, then the whole suite (installs Debian's chromium when root)
test: lint
	@sh tools/ensure_browser.sh
	$(BIN)/python -m pytest -n auto --dist loadgroup

## lint: ruff over the code, mypy over plugins/agora
lint: $(VENV)/.test
	$(BIN)/ruff check plugins tests tools pelicanconf.py publishconf.py
	$(BIN)/mypy

## check: validate all content (agora check)
check: $(VENV)/.base
	$(BIN)/agora check

## bench: build-time benchmark against bare Pelican (see README)
bench: $(VENV)/.dev
	$(BIN)/python tools/bench.py $(BENCH_OPTS)

## bench-pages: each page type's HTML + CSS weight (gzip, brotli) and Lighthouse scores, as a
## Markdown table in bench-results/pages.md (installs lighthouse under .cache/ on first use)
bench-pages: $(VENV)/.base
	$(BIN)/python tools/bench_pages.py $(BENCH_OPTS)

## messages: extract interface strings (templates and Python, see tools/babel.cfg) and
## update every catalog of theme/translations/; new English entries start as the source
## text, other languages' stay empty until translated (tests/test_i18n.py fails on them)
messages: $(VENV)/.base
	@mkdir -p .cache
	$(BIN)/pybabel extract -F tools/babel.cfg --no-location --sort-output \
		--project Agora --copyright-holder "Agora contributors" -o .cache/messages.pot .
	$(BIN)/pybabel update -i .cache/messages.pot -d theme/translations --no-fuzzy-matching \
		--ignore-obsolete --width 100
	$(BIN)/python tools/po_set.py --lang en --from-source
	@for po in theme/translations/*/LC_MESSAGES/messages.po; do \
		lang=$${po#theme/translations/}; $(BIN)/python tools/po_set.py --lang $${lang%%/*}; done

clean:
	rm -rf output .cache
