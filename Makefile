# Quick start:  make demo   (set up, run the whole pipeline against the simulated network)
#               make test   (set up, run the test suite)
# Developers:   make lint   (ruff and mypy, configured in pyproject.toml; CI runs it before the tests)
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
DATA   ?= data

.PHONY: setup demo test lint bench clean pywb-env browser-check

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed pywb-env browser-check

# Script-driven portals are rendered in Debian's chromium (CONGAN_RENDER_BROWSER); never a
# browser download. Without it crawls run, unrendered, with one warning.
browser-check:
	@test -x /usr/bin/chromium || echo "note: /usr/bin/chromium missing: script-driven pages will not be rendered (sudo apt-get install chromium)"

# pywb (congan replay) lives in its own venv (.venv-pywb): its pinned dependencies clash
# with the crawler's. Does nothing when it is already there.
pywb-env: $(VENV)/.installed
	$(PY) -m archive.replay.env

demo: setup
	$(VENV)/bin/congan --data $(DATA) demo

test: setup
	$(PY) -m pytest -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: setup
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .venv-pywb build *.egg-info
