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
BUNDLE := _vendor/vega-bundle.js
HTML := _build/html
BOOK_LOG := _build/book-build.log
# Notebooks executed at a time, by the book's build and by nbval (pytest-xdist).
JOBS ?= 2
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Tools run from the venv, and Jupyter looks for kernels in the venv before the user's own.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export JUPYTER_PREFER_ENV_PATH := 1
export PYTHONHASHSEED := 0
# debugpy (inside ipykernel) warns about frozen modules on every kernel start.
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Python caches compiled modules (__pycache__, git-ignored) even where the environment says not to
# (PYTHONDONTWRITEBYTECODE is set on the machines CI runs on): otherwise every kernel compiles the
# package again (0.2 s) and every pytest process rewrites the tests' asserts again (collecting took
# 7.9 core-s a process, 5.2 with the cache).
unexport PYTHONDONTWRITEBYTECODE

NOTEBOOK_MD := $(sort $(wildcard notebooks/*.md))

.PHONY: help venv vendor ensembles book notebooks test unit lint nbval pairs no-cdn browser browser-check jupyterlab-check \
        bench lock lock-check publish-check linkcheck tex pdf release-assets clean clean-all

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

# ------------------------------------------------------------------------- environment
LOCK := requirements.txt
CFF_LOCK := requirements/cffconvert.txt
CFF_VENV := $(VENV)/cffconvert
CFF := $(CFF_VENV)/bin/cffconvert
PIP_INSTALL := -m pip install --disable-pip-version-check -q

venv: $(STAMP) $(CFF) ## create .venv (requirements.txt + the package) and its cffconvert venv (only when they change)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock or the package metadata changed since the last install.
# --require-hashes: every file pip installs must match a hash in the lock. --no-deps: the lock is
# the whole environment, nothing else gets resolved in; `pip check` then proves it complete (a new
# dependency must be declared in pyproject.toml and locked: `make lock`). tools/lockfile.py drops
# the packages of [tool.tacmg.venv] skip in pyproject.toml (locked, not wanted in .venv).
$(STAMP): $(LOCK) pyproject.toml tools/lockfile.py tools/jupyterlab-overrides.json tools/jupyter_server_config.json tools/jupyterlab-custom.css | $(PY)
	$(PY) tools/lockfile.py venv-requirements $(LOCK) > $(VENV)/requirements-venv.txt
	$(PY) $(PIP_INSTALL) --require-hashes --no-deps -r $(VENV)/requirements-venv.txt
	$(PY) $(PIP_INSTALL) --no-deps -e .
	$(PY) -m pip check || { echo "$(LOCK) is incomplete: declare the package in pyproject.toml, then make lock"; exit 1; }
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
	@# ipykernel 7 warns at every start that its TCP transport (on 127.0.0.1) is unencrypted: the
	@# kernelspec starts it at log level ERROR, so builds and tests print no such line.
	$(PY) -c 'import json, sys; k = json.load(open(sys.argv[1])); k["argv"].append("--IPKernelApp.log_level=ERROR"); json.dump(k, open(sys.argv[1], "w"), indent=1)' \
	  $(VENV)/share/jupyter/kernels/python3/kernel.json
	@# `jupyter lab` as root (these machines, containers) without a flag to remember, and a save
	@# that keeps JupyterLab's PNG snapshots of the charts out of the .ipynb (chart_display).
	mkdir -p $(VENV)/etc/jupyter
	@# Lab's custom.css (citations and glossary terms as plain text there) from this environment:
	@# Jupyter Server looks for it only in the user's folder (~/.jupyter/custom) unless told where.
	mkdir -p $(VENV)/etc/jupyter/custom
	cp tools/jupyterlab-custom.css $(VENV)/etc/jupyter/custom/custom.css
	$(PY) -c 'import json, sys; c = json.load(open(sys.argv[1])); c["ServerApp"]["tornado_settings"] = {"static_custom_path": [sys.argv[2]]}; json.dump(c, open(sys.argv[3], "w"), indent=1)' \
	  tools/jupyter_server_config.json $(abspath $(VENV))/etc/jupyter/custom $(VENV)/etc/jupyter/jupyter_server_config.json
	@# JupyterLab settings of this environment (not the user's home): chapters (.md) open as notebooks,
	@# and JupyterLab asks no news server (there is no network here, and readers did not ask for it).
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp tools/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

# cffconvert needs jsonschema<4 (the book needs 4): its own small venv from its own hashed lock.
$(CFF): $(CFF_LOCK) | $(PY)
	rm -rf $(CFF_VENV)
	$(PYTHON) -m venv $(CFF_VENV)
	$(CFF_VENV)/bin/python $(PIP_INSTALL) --require-hashes --no-deps -r $(CFF_LOCK)
	$(CFF_VENV)/bin/python -m pip check
	touch $@

# uv comes pinned and hashed from the lock itself, so `make lock` works even when .venv cannot be
# installed (a dependency declared but not yet locked).
UV := $(VENV)/bin/uv
$(UV): | $(PY)
	$(PY) tools/lockfile.py uv-requirement $(LOCK) > $(VENV)/requirements-uv.txt
	$(PY) $(PIP_INSTALL) --require-hashes --no-deps -r $(VENV)/requirements-uv.txt

# uv keeps every version already pinned in the output file unless it must change (a new or
# changed declaration) or UPGRADE=1 asks for the newest releases; [tool.uv.pip] in pyproject.toml
# holds the other settings (universal, Python 3.11, hashes).
lock: $(UV) ## re-resolve requirements.txt and requirements/cffconvert.txt from pyproject.toml (UPGRADE=1: newest)
	$(UV) pip compile -q pyproject.toml --extra dev $(if $(UPGRADE),--upgrade) -o $(LOCK)
	$(UV) pip compile -q --group pyproject.toml:cff $(if $(UPGRADE),--upgrade) -o $(CFF_LOCK)

lock-check: $(UV) ## re-resolve into a scratch copy and diff with the committed locks (needs PyPI)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; status=0; \
	cp $(LOCK) "$$tmp/lock.txt"; cp $(CFF_LOCK) "$$tmp/cff.txt"; \
	$(UV) pip compile -q pyproject.toml --extra dev -o "$$tmp/lock.txt"; \
	$(UV) pip compile -q --group pyproject.toml:cff -o "$$tmp/cff.txt"; \
	diff -u <(grep -v '^#  ' $(LOCK)) <(grep -v '^#  ' "$$tmp/lock.txt") || status=1; \
	diff -u <(grep -v '^#  ' $(CFF_LOCK)) <(grep -v '^#  ' "$$tmp/cff.txt") || status=1; \
	if [ $$status = 0 ]; then echo "lock-check: the locks are what pyproject.toml resolves to"; fi; exit $$status

# ---------------------------------------------------------------------------- the book
# Offline Altair: the vega libraries for the pinned Altair, bundled into one file that
# tools/page_assets_ext.py serves as _static/vega-bundle.js on the pages with a chart. Rebuilt whenever the environment or the script changes (the script also keeps an unchanged
# file untouched), so every build has it without paying its 2 s on an unchanged rebuild.
vendor: $(BUNDLE) ## write _vendor/vega-bundle.js (vega, vega-lite, vega-embed for offline charts)

$(BUNDLE): tools/vendor_vega.py src/tacmg/presentation/vega_bundle.py src/tacmg/presentation/chart_layout.py src/tacmg/presentation/chart_layout.js src/tacmg/presentation/palette.py $(STAMP)
	$(PY) tools/vendor_vega.py --output $@

# The ensemble build step (tacmg/ensembles.py): every ensemble the chapters read, drawn and measured
# once and stored as arrays under _build/ensembles, keyed on the lock, the claims, the priors, the
# committed cohort and the package's code; an unchanged input costs a second. Chapters only read it.
ensembles: venv ## compute the ensembles the chapters read (robustness, status link, intervals); kept until an input changes
	$(PY) -m tacmg ensembles

# MG_DATA_DIR=/path/to/dataset make book  builds every chapter on another dataset (see
# book/use-your-own-data.md). MyST-NB executes each page as Sphinx reads it, and Sphinx reads only
# the pages whose source changed: tools/data_cache_key.py makes it read them all when the data, the
# registry, the priors, the lock or the package changed. tools/build_book.py is `jupyter-book build`
# reading $(JOBS) pages at a time (its CLI has no -j), so two chapters execute at once.
BUILD_BOOK := $(PY) tools/build_book.py --jobs $(JOBS) build .
book: venv vendor ensembles ## build the book into _build/html (warnings are errors); MG_DATA_DIR=DIR for your data
	@# A reader's dataset is validated first: every problem listed, nothing built on bad data.
	@if [ -n "$${MG_DATA_DIR:-}" ]; then $(PY) -m tacmg validate "$$MG_DATA_DIR"; fi
	$(PY) tools/data_cache_key.py --build _build
	$(BUILD_BOOK) -W -n --keep-going 2>&1 | tee $(BOOK_LOG)
	@echo "Book built: open $(CURDIR)/$(HTML)/index.html"

notebooks: venv ensembles ## regenerate notebooks/*.ipynb from the .md files and execute them in place
	$(PY) tools/execute_notebooks.py $(NOTEBOOK_MD)

# ------------------------------------------------------------------------------- tests
# `make test` runs every check even after one fails, then fails if any did. Two lanes run side by
# side, each part after the one before it in its lane: the unit tests and the pair sync in one; the
# book, lint, the checks that read the book, then nbval in the other (lint there, not before the unit
# tests: the lanes then take about as long, 238 and 237 s in one run). Side by side the two cores
# were busy 94% of the time (from /proc/stat); one after the other, the parts wait on pages, kernels
# and single-process steps (mypy, Sphinx's writing, JupyterLab's start).
# Each part's output is printed whole when it ends (its log: _build/test-logs/PART.log). At the
# end, one line gives each part's wall time and CPU time (user + sys of its processes, from bash's
# `times`). TEST_PARTS="unit browser-check" runs only the parts named.
TEST_PARTS := lint unit pairs nbval book no-cdn browser-check jupyterlab-check publish-check
PACKAGE_LANE := unit pairs
BOOK_LANE := book lint no-cdn browser-check jupyterlab-check publish-check nbval
TEST_LOGS := _build/test-logs
test: venv ensembles ## everything: lint and types, unit tests and doctests, pair sync, nbval, -W book build, no-CDN, browser, JupyterLab and publish checks
	@rm -rf $(TEST_LOGS); mkdir -p $(TEST_LOGS); begun=$$(date +%s); \
	cpu() { awk 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($$i, t, /[ms]/); s += t[1] * 60 + t[2] } printf "%.1f", s }' "$$1"; }; \
	lane() { \
	  clock=$$(mktemp); \
	  for target in "$$@"; do \
	    case " $(TEST_PARTS) " in *" $$target "*) ;; *) continue ;; esac; \
	    log=$(TEST_LOGS)/$$target; start=$$(date +%s); times > "$$clock"; cpu_start=$$(cpu "$$clock"); \
	    if $(MAKE) --no-print-directory $$target > $$log.log 2>&1; then status=passed; else status=FAILED; touch $$log.failed; fi; \
	    times > "$$clock"; \
	    echo "$$target $$(( $$(date +%s) - start ))/$$(awk -v a="$$(cpu "$$clock")" -v b="$$cpu_start" 'BEGIN { printf "%.0f", a - b }')" > $$log.time; \
	    flock $(TEST_LOGS)/.print -c "echo '== make $$target: $$status'; cat $$log.log"; \
	  done; \
	  rm -f "$$clock"; \
	}; \
	lane $(PACKAGE_LANE) & lane $(BOOK_LANE) & wait; \
	timings=(); failed=(); \
	for target in $(TEST_PARTS); do \
	  if [ -f $(TEST_LOGS)/$$target.time ]; then timings+=("$$(cat $(TEST_LOGS)/$$target.time)"); fi; \
	  if [ -f $(TEST_LOGS)/$$target.failed ]; then failed+=("$$target"); fi; \
	done; \
	echo "make test: seconds (wall/CPU): $$(IFS='|'; echo "$${timings[*]}" | sed 's/|/ | /g') | total $$(( $$(date +%s) - begun ))"; \
	if [ $${#failed[@]} -gt 0 ]; then echo "make test: FAILED: $${failed[*]} (logs in $(TEST_LOGS)/)"; exit 1; fi; \
	echo "make test: all checks passed"

# --dist loadfile: a module's tests on one worker, so that a module's fixtures (the chapters run on
# a dataset, tests/chapter_runs.py; the small ensemble store) are computed once. Not loadgroup:
# with pytest 9.2 its xdist_group marks are silently ignored (pytest-xdist issue 1386).
unit: venv ensembles ## pytest on tests/ and the docstring examples of src/tacmg (doctests), in one session on both cores
	$(PY) -m pytest -q -n 2 --dist loadfile -p no:cacheprovider --doctest-modules tests src/tacmg

lint: venv ## ruff (lint and format check) on the code, mypy on the package
	$(VENV)/bin/ruff check src tests tools bench
	$(VENV)/bin/ruff format --check src tests tools bench
	$(VENV)/bin/mypy

# One notebook per worker (--dist loadfile), $(JOBS) workers.
nbval: venv ensembles ## re-execute every notebooks/*.ipynb and compare with its stored outputs (strict)
	@if ! ls notebooks/*.ipynb >/dev/null 2>&1; then echo "nbval: no notebooks/*.ipynb to check"; exit 0; fi; \
	$(PY) -m pytest -n $(JOBS) --dist loadfile \
	  --nbval notebooks/ --nbval-sanitize-with tools/nbval-sanitize.cfg -p no:cacheprovider

pairs: venv ## every notebooks/*.md has an .ipynb with the same cells, and vice versa
	$(PY) tools/check_pairs.py notebooks

no-cdn: venv ## no built page loads vega (or any script) from a CDN
	$(PY) tools/check_no_cdn.py --html $(HTML)

browser: ## install Debian's chromium if /usr/bin/chromium is missing
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing chromium (apt-get)"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; \
	fi

browser-check: venv browser ## open every page in Chromium at 1366/390 px, light/dark: charts, width, contrast, console, network
	$(PY) tools/browser_check.py --html $(HTML)

jupyterlab-check: venv browser ## open two chapters in JupyterLab (Chromium), run them, change a parameter
	$(PY) tools/jupyterlab_check.py --out _build/jupyterlab

bench: venv vendor ## time serial notebook execution vs a cold (parallel) and an unchanged book build (rebuilds _build)
	$(PY) bench/bench_build.py

# -------------------------------------------------------------------------- publishing
# actionlint (with shellcheck, both from the lock) on every workflow, cffconvert on CITATION.cff,
# and the built pages' footer and downloads. Runs after `book` in `make test`.
publish-check: venv ## actionlint on .github/workflows, cffconvert --validate, footer of the built book
	$(VENV)/bin/actionlint
	$(CFF) --validate -i CITATION.cff
	$(PY) tools/check_published.py --html $(HTML)

linkcheck: venv ## check every external link of the book (Sphinx linkcheck builder; needs the network)
	$(PY) tools/data_cache_key.py --build _build
	$(BUILD_BOOK) --builder linkcheck

# Debian's TeX for the PDF (XeLaTeX, latexmk, the FreeFont faces Sphinx uses with XeLaTeX).
TEX_PACKAGES := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
                texlive-xetex latexmk fonts-freefont-otf
tex: ## install Debian's TeX packages for make pdf when any is missing
	@missing=$$(for p in $(TEX_PACKAGES); do dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | grep -q "ok installed" || echo "$$p"; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing $$missing (apt-get)"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

PDF := _build/latex/book.pdf
pdf: venv tex ## build the book as a PDF (_build/latex/book.pdf) with Jupyter Book's LaTeX builder
	$(PY) tools/data_cache_key.py --build _build
	$(BUILD_BOOK) --builder pdflatex
	$(PY) tools/check_pdf.py --build _build

# What a release attaches: the HTML (zipped), the PDF, the reconstructed data package (zipped).
RELEASE := _build/release
release-assets: book pdf ## _build/release/: the book's HTML as a zip, its PDF and the data package as a zip
	rm -rf $(RELEASE) && mkdir -p $(RELEASE)
	version=$$($(PY) -c 'import tacmg; print(tacmg.__version__)'); \
	$(PY) -m zipfile -c "$(RELEASE)/tacmg-book-html-$$version.zip" $(HTML); \
	cp $(PDF) "$(RELEASE)/tacmg-book-$$version.pdf"; \
	$(PY) -m zipfile -c "$(RELEASE)/tacmg-reconstructed-data-$$version.zip" data/reconstructed LICENSE-data
	@ls -l $(RELEASE)

# ------------------------------------------------------------------------------ cleanup
clean: ## remove the built book (keeps .venv)
	rm -rf _build $(BUNDLE)

clean-all: clean ## remove the built book and .venv
	rm -rf $(VENV)
