# The one place that knows how to set up, build and test the book.
#
#   make book       build the HTML book into _build/html (creates .venv on first use)
#   make test       everything CI runs: unit tests, nbval, pair sync, -W build, CDN and browser checks
#   make notebooks  regenerate notebooks/*.ipynb from their .md twins and execute them
#   make help       list every target
#
# Needs only python3.11 (or python3), make and git; `make browser` installs Debian's chromium
# (as root, or with sudo) when /usr/bin/chromium is missing.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.tacmg-installed
BUNDLE := _static/vega-bundle.js
HTML := _build/html
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Tools run from the venv, and Jupyter looks for kernels in the venv before the user's own.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export JUPYTER_PREFER_ENV_PATH := 1
export PYTHONHASHSEED := 0
# debugpy (inside ipykernel) warns about frozen modules on every kernel start.
export PYDEVD_DISABLE_FILE_VALIDATION := 1

NOTEBOOK_MD := $(sort $(wildcard notebooks/*.md))

.PHONY: help venv vendor book notebooks test unit lint nbval pairs no-cdn browser browser-check jupyterlab-check \
        bench lock clean clean-all

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

# ------------------------------------------------------------------------- environment
venv: $(STAMP) ## create .venv and install requirements.lock + the package (only when they change)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock or the package metadata changed since the last install.
# --no-deps: the lock is the whole environment, nothing else gets resolved in; `pip check` then
# proves it complete (a new dependency of the package must be added to the lock: see `make lock`).
$(STAMP): requirements.lock pyproject.toml tools/jupyterlab-overrides.json | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q --no-deps -r requirements.lock
	$(PY) -m pip install --disable-pip-version-check -q --no-deps -e .
	$(PY) -m pip check || { echo "requirements.lock is incomplete: pip install the missing package, then make lock"; exit 1; }
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
	@# JupyterLab settings of this environment (not the user's home): chapters (.md) open as notebooks,
	@# and JupyterLab asks no news server (there is no network here, and readers did not ask for it).
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp tools/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

lock: $(PY) ## rewrite requirements.lock from the current .venv (after a deliberate upgrade)
	{ echo "# Exact pins of the whole environment of the book: pip freeze --all --exclude-editable of"; \
	  echo "# .venv (--all keeps pip, setuptools and wheel; sphinx-togglebutton needs wheel)."; \
	  echo "# make venv installs it with pip install --no-deps -r requirements.lock, then"; \
	  echo "# pip install --no-deps -e . and pip check. Regenerate with: make lock."; \
	  echo "# Deliberately absent: rfc3987-syntax and lark, optional IRI format checking for jsonschema"; \
	  echo "# (via jupyter-events) whose import adds about 0.8 s to every jupyter-book and pytest run."; \
	  $(PY) -m pip freeze --all --exclude-editable; } > requirements.lock

# ---------------------------------------------------------------------------- the book
# Offline Altair: the vega libraries for the pinned Altair, bundled into one _static file.
# Rebuilt whenever the environment or the script changes (the script also keeps an unchanged
# file untouched), so every build has it without paying its 2 s on an unchanged rebuild.
vendor: $(BUNDLE) ## write _static/vega-bundle.js (vega, vega-lite, vega-embed for offline charts)

$(BUNDLE): tools/vendor_vega.py $(STAMP)
	$(PY) tools/vendor_vega.py --output $@

# MG_DATA_DIR=/path/to/dataset make book  builds every chapter on another dataset (see
# book/use-your-own-data.md); tools/data_cache_key.py clears the execution cache when the data,
# the registry, the priors or the package changed, since jupyter-cache keys on code cells only.
book: venv vendor ## build the book into _build/html (warnings are errors); MG_DATA_DIR=DIR for your data
	@# A reader's dataset is validated first: every problem listed, nothing built on bad data.
	@if [ -n "$${MG_DATA_DIR:-}" ]; then $(PY) -m tacmg validate "$$MG_DATA_DIR"; fi
	$(PY) tools/data_cache_key.py --build _build
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	@echo "Book built: open $(CURDIR)/$(HTML)/index.html"

notebooks: venv ## regenerate notebooks/*.ipynb from the .md files and execute them in place
	$(PY) tools/execute_notebooks.py $(NOTEBOOK_MD)

# ------------------------------------------------------------------------------- tests
# `make test` runs every check even after one fails, then fails if any did.
test: venv ## everything: lint and types, unit tests and doctests, nbval, pair sync, -W book build, no-CDN and browser checks
	@failed=(); \
	for target in lint unit nbval pairs book no-cdn browser-check jupyterlab-check; do \
	  echo "== make $$target"; \
	  $(MAKE) --no-print-directory $$target || failed+=("$$target"); \
	done; \
	if [ $${#failed[@]} -gt 0 ]; then echo "make test: FAILED: $${failed[*]}"; exit 1; fi; \
	echo "make test: all checks passed"

unit: venv ## pytest on tests/ and the docstring examples of src/tacmg (doctests), on both cores
	$(PY) -m pytest -q -n 2 -p no:cacheprovider tests
	$(PY) -m pytest -q --doctest-modules -p no:cacheprovider src/tacmg

lint: venv ## ruff (lint and format check) on the code, mypy on the package
	$(VENV)/bin/ruff check src tests tools bench
	$(VENV)/bin/ruff format --check src tests tools bench
	$(VENV)/bin/mypy

nbval: venv ## re-execute every notebooks/*.ipynb and compare with its stored outputs (strict)
	@if ! ls notebooks/*.ipynb >/dev/null 2>&1; then echo "nbval: no notebooks/*.ipynb to check"; exit 0; fi; \
	set -x; $(PY) -m pytest --nbval notebooks/ --nbval-sanitize-with tools/nbval-sanitize.cfg -p no:cacheprovider

pairs: venv ## every notebooks/*.md has an .ipynb with the same cells, and vice versa
	$(PY) tools/check_pairs.py notebooks

no-cdn: venv ## no built page loads vega (or any script) from a CDN
	$(PY) tools/check_no_cdn.py --html $(HTML)

browser: ## install Debian's chromium if /usr/bin/chromium is missing
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing chromium (apt-get)"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; \
	fi

browser-check: venv browser ## open each chapter in headless chromium; every chart must render
	$(PY) tools/browser_check.py --html $(HTML)

jupyterlab-check: venv browser ## open two chapters in JupyterLab (Chromium), run them, change a parameter
	$(PY) tools/jupyterlab_check.py --out _build/jupyterlab

bench: venv vendor ## time raw notebook execution vs a cold and an unchanged book build (rebuilds _build)
	$(PY) bench/bench_build.py

# ------------------------------------------------------------------------------ cleanup
clean: ## remove the built book (keeps .venv)
	rm -rf _build $(BUNDLE)

clean-all: clean ## remove the built book and .venv
	rm -rf $(VENV)
