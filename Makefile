# The one place that knows how to set up, build and test the book.
#
#   make book       build the HTML book into _build/html (creates .venv on first use)
#   make test       everything CI runs: unit tests, pair sync, nbval, -W build, CDN and browser checks
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
BOOK_LOG := _build/book-build.log
# What nbval proved in this run, for tools/prefill_cache.py (written by tools/nbval_provenance.py).
NBVAL_RECORD := _build/.nbval-record.json
# Notebooks executed at a time, by the book's prefill and by nbval (pytest-xdist).
JOBS ?= 2
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Tools run from the venv, and Jupyter looks for kernels in the venv before the user's own.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export JUPYTER_PREFER_ENV_PATH := 1
export PYTHONHASHSEED := 0
# debugpy (inside ipykernel) warns about frozen modules on every kernel start.
export PYDEVD_DISABLE_FILE_VALIDATION := 1

NOTEBOOK_MD := $(sort $(wildcard notebooks/*.md))

.PHONY: help venv vendor book notebooks test unit nbval pairs no-cdn browser browser-check \
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
$(STAMP): requirements.lock pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q --no-deps -r requirements.lock
	$(PY) -m pip install --disable-pip-version-check -q --no-deps -e .
	$(PY) -m pip check || { echo "requirements.lock is incomplete: pip install the missing package, then make lock"; exit 1; }
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
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
# tools/prefill_cache.py then fills the cache, $(JOBS) notebooks at a time, with exactly the entries
# MyST-NB looks up, so `jupyter-book build` executes nothing (checked after the build, from its
# log). Inside `make test` it takes a chapter's stored .ipynb instead when nbval proved, in the same
# run, that a fresh execution reproduces it (the argument is in its docstring); each page's line in
# the log says which, and why. A failing cell is reported with its page, cell and line; the Sphinx
# build still runs (to report every other problem), then the target fails.
book: venv vendor ## build the book into _build/html (warnings are errors); MG_DATA_DIR=DIR for your data
	@# A reader's dataset is validated first: every problem listed, nothing built on bad data.
	@if [ -n "$${MG_DATA_DIR:-}" ]; then $(PY) -m tacmg validate "$$MG_DATA_DIR"; fi
	$(PY) tools/data_cache_key.py --build _build
	@prefill=0; set -x; \
	$(PY) tools/prefill_cache.py --build _build --jobs $(JOBS) --nbval-record $(NBVAL_RECORD) || prefill=$$?; \
	$(VENV)/bin/jupyter-book build . -W -n --keep-going 2>&1 | tee $(BOOK_LOG); \
	{ set +x; } 2>/dev/null; \
	if [ $$prefill -ne 0 ]; then echo "make book: FAILED: a notebook failed to execute (prefill_cache above)"; exit 1; fi
	$(PY) tools/prefill_cache.py --build _build --check-log $(BOOK_LOG)
	@echo "Book built: open $(CURDIR)/$(HTML)/index.html"

notebooks: venv ## regenerate notebooks/*.ipynb from the .md files and execute them in place
	$(PY) tools/execute_notebooks.py $(NOTEBOOK_MD)

# ------------------------------------------------------------------------------- tests
# `make test` runs every check even after one fails, then fails if any did. The order matters:
# nbval (after the pair check) records which chapters it reproduced in full, and the book build that
# follows in the same run (same TACMG_TEST_RUN) uses those chapters' stored outputs instead of
# executing them a second time; see tools/prefill_cache.py.
test: venv ## everything: unit tests, pair sync, nbval, -W book build, no-CDN and browser checks
	@failed=(); \
	export TACMG_TEST_RUN="$$(date +%s.%N)-$$$$"; \
	for target in unit pairs nbval book no-cdn browser-check; do \
	  echo "== make $$target"; \
	  $(MAKE) --no-print-directory $$target || failed+=("$$target"); \
	done; \
	if [ $${#failed[@]} -gt 0 ]; then echo "make test: FAILED: $${failed[*]}"; exit 1; fi; \
	echo "make test: all checks passed"

unit: venv ## pytest on tests/
	$(PY) -m pytest -q tests

# One notebook per worker (--dist loadfile), $(JOBS) workers. tools/nbval_provenance.py changes no
# verdict; it records which notebooks reproduced in full, for the book build of the same `make test`.
nbval: venv ## re-execute every notebooks/*.ipynb and compare with its stored outputs (strict)
	@if ! ls notebooks/*.ipynb >/dev/null 2>&1; then echo "nbval: no notebooks/*.ipynb to check"; exit 0; fi; \
	mkdir -p _build; set -x; PYTHONPATH=tools$${PYTHONPATH:+:$$PYTHONPATH} $(PY) -m pytest -n $(JOBS) --dist loadfile -p nbval_provenance \
	  --nbval notebooks/ --nbval-sanitize-with tools/nbval-sanitize.cfg -p no:cacheprovider \
	  --nbval-record $(NBVAL_RECORD)

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

bench: venv vendor ## time serial notebook execution vs a cold (parallel) and an unchanged book build (rebuilds _build)
	$(PY) bench/bench_build.py

# ------------------------------------------------------------------------------ cleanup
clean: ## remove the built book (keeps .venv)
	rm -rf _build $(BUNDLE)

clean-all: clean ## remove the built book and .venv
	rm -rf $(VENV)
