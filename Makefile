# ckpld — the two commands a new user needs (run as root on a fresh Debian machine):
#   make run    install ckpld, validate the shipped data and serve it
#   make test   install everything the tests need (Debian packages included) and run the whole suite
# Everything else here is a step of those two.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Tools the test suite runs, as command:Debian-package (installed when the command is missing).
# chromium: the browser tests (tests/e2e/test_browser.py) drive Debian's Chromium with Playwright;
# Playwright never downloads a browser of its own (no `playwright install`).
# wrk: the load test (tests/e2e/test_load.py, and `make load`).
APT_TEST_TOOLS := rapper:raptor2-utils curl:curl java:default-jre-headless sha256sum:coreutils \
	gcc:gcc pg_config:libpq-dev virtuoso-t:virtuoso-opensource chromium:chromium wrk:wrk
# CKAN's DCAT harvester (ckanext-dcat's RDF parser) for the harvest tests, in an environment of its
# own: CKAN pins its dependencies, which must not decide ckpld's. psycopg2 is built from source.
CKAN_VENV ?= .venv-ckan
CKAN_PACKAGES := "ckan[requirements]==2.12.0" "ckanext-dcat==2.4.4"
# cffconvert, which checks CITATION.cff, in an environment of its own: it pins an old jsonschema.
CFF_VENV ?= .venv-cff
# Browser assets (the query editor) and test tools from the npm registry, locked in package-lock.json.
NPM_STAMP := node_modules/.ckpld-installed
# The clients the end-to-end tests run (Comunica, with Node 22 from the registry), locked in
# tests/clients/package-lock.json, kept apart from ckpld's own packages.
CLIENTS := tests/clients
CLIENTS_STAMP := $(CLIENTS)/node_modules/.ckpld-installed

.PHONY: run check test bench load notebook messages screenshot install install-dev install-test system-python system-node system-run system-test system-headers clean

# Archive every past release the archive lacks (rebuilt from git history), validate the data,
# then serve it on http://127.0.0.1:8000/ (gunicorn; Ctrl-C stops it).
run: install $(NPM_STAMP)
	$(BIN)/ckpld releases rebuild
	$(BIN)/ckpld serve

# The fast loop, for every change: linters, types and every test that needs no external program
# (no Virtuoso, browser, CKAN, rapper or wrk; no Debian package beyond Python, npm, libseccomp).
check: install-dev $(NPM_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q -n auto -m "not e2e and not external"

test: install-test $(NPM_STAMP) $(CLIENTS_STAMP) $(CKAN_VENV)/.installed $(CFF_VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -n auto --dist loadgroup

# The benchmark (not part of `make test`): bench/RESULTS.md and bench/results.png, on 127.0.0.1.
# Bounded: about 25 minutes on 2 cores (10 without the largest scale: BENCH_SCALES=1e3,1e5).
BENCH_SCALES ?= 1e3,1e5,1e6
bench: install-test $(VENV)/.installed-bench
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(BIN)/python bench/run.py --scales $(BENCH_SCALES)

# docs/notebook.ipynb run against a server of the shipped data, and written back with its
# outputs (what the docs show); `make test` runs it too, without writing it.
notebook: install-test
	$(BIN)/python -m tests.notebook

# The load test (not part of `make test`, which runs a 10-second version): twice at most a minute
# of mixed traffic and runaway queries on 127.0.0.1, the second time with workers recycled
# (max_requests); figures in bench/LOAD.md.
LOAD_SECONDS ?= 40
load: install-test
	$(BIN)/python bench/load.py --seconds $(LOAD_SECONDS)

$(VENV)/.installed-bench: pyproject.toml | $(VENV)/.installed-test
	$(BIN)/pip install --quiet --editable . --group dev --group bench
	touch $@

# The interface in Polish: extract the message ids from the templates and the package into
# ckpld/web/translations/messages.pot, and merge them into the Polish catalogue, whose new entries a
# translator then fills in (tests/test_i18n.py fails while any is empty).
MESSAGES := ckpld/web/translations
messages: install-test
	$(BIN)/pybabel --quiet extract -F $(MESSAGES)/babel.cfg -k translate:2 -k translate_plural:2,3 \
		--no-location --sort-output --omit-header -o $(MESSAGES)/messages.pot .
	$(BIN)/pybabel --quiet update -i $(MESSAGES)/messages.pot -d $(MESSAGES) -l pl --ignore-obsolete --no-fuzzy-matching \
		--ignore-pot-creation-date

# The docs' pictures (docs/home.png, docs/dataset.png, docs/catalog.png), taken by the browser
# tests in headless Chromium: the home page whole, the dataset's and the catalogue's opening.
screenshot: install-test $(NPM_STAMP)
	$(BIN)/pytest -q tests/e2e/test_browser.py -k "renders_and_is_screenshot"
	cp test-artifacts/screenshots/home-en-1280.png docs/home.png
	cp test-artifacts/screenshots/dataset-1280-top.png docs/dataset.png
	cp test-artifacts/screenshots/catalog-1280-top.png docs/catalog.png

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml | $(BIN)/python system-run
	$(BIN)/pip install --quiet --editable .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python system-run
	$(BIN)/pip install --quiet --editable . --group dev
	touch $(VENV)/.installed $@

$(VENV)/.installed-test: $(VENV)/.installed-dev | system-test
	touch $@

$(BIN)/python: | system-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Python >= 3.11 with venv and pip; on Debian, install them when missing.
system-python:
	@if ! $(PYTHON) -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
		echo "Installing Python 3 with venv from Debian packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip; \
	fi

# libseccomp: the query processes' network filter (ckpld/store/sandbox.py); Debian's libseccomp2.
system-run:
	@ldconfig -p 2>/dev/null | grep -q 'libseccomp\.so\.2' || { \
		echo "Installing libseccomp2 from Debian packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libseccomp2; }

system-test:
	@missing=$$(for pair in $(APT_TEST_TOOLS); do \
		command -v $${pair%%:*} >/dev/null 2>&1 || echo $${pair#*:}; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Python's C headers, to build psycopg2 for CKAN; Debian's python3-dev when missing.
system-headers:
	@$(PYTHON) -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' || { \
		echo "Installing Python headers from Debian packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-dev; }

$(CKAN_VENV)/pyvenv.cfg: | system-python
	$(PYTHON) -m venv $(CKAN_VENV)
	$(CKAN_VENV)/bin/python -m pip install --quiet --upgrade pip

$(CKAN_VENV)/.installed: Makefile $(CKAN_VENV)/pyvenv.cfg | system-test system-headers
	$(CKAN_VENV)/bin/pip install --quiet $(CKAN_PACKAGES)
	touch $@

$(CFF_VENV)/.installed: Makefile | system-python
	$(PYTHON) -m venv $(CFF_VENV)
	$(CFF_VENV)/bin/pip install --quiet "cffconvert==2.0.0"
	touch $@

# npm, to install the browser assets; Debian's package when missing.
system-node:
	@command -v npm >/dev/null 2>&1 || { \
		echo "Installing npm from Debian packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }

# --ignore-scripts: no package may run code at install time (vnu-jar's would fetch a Java runtime).
$(NPM_STAMP): package.json package-lock.json | system-node
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

$(CLIENTS_STAMP): $(CLIENTS)/package.json $(CLIENTS)/package-lock.json | system-node
	npm ci --prefix $(CLIENTS) --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) $(CKAN_VENV) $(CFF_VENV) node_modules $(CLIENTS)/node_modules dumps test-artifacts .pytest_cache .mypy_cache .ruff_cache .coverage
