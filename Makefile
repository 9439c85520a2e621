# Quick start:  make demo   (set up, run the whole pipeline against the simulated network)
#               make test   (set up, run the test suite)
# Developers:   make lint   (ruff and mypy, configured in pyproject.toml; CI runs it before the tests)
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
DATA   ?= data

.PHONY: setup demo test lint bench clean pywb-env browser-check replaywebpage

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed pywb-env browser-check replaywebpage

# Script-driven portals are rendered in Debian's chromium (CONGAN_RENDER_BROWSER); never a
# browser download. Without it crawls run, unrendered, with one warning.
browser-check:
	@test -x /usr/bin/chromium || echo "note: /usr/bin/chromium missing: script-driven pages will not be rendered (sudo apt-get install chromium)"

# ReplayWeb.page (npm `replaywebpage`), for the test that loads a WACZ in it
# (tests/test_wacz_replaywebpage.py): fetched once with npm into .cache/ (ignored by git),
# its checksum checked. Without npm or the registry: a note, and that test is skipped.
RWP_VERSION = 2.5.3
RWP_SHA256  = b7d35c39c4da9b7121c5a393911d8675d4cc6f19513c380191e16b086bea812c
RWP_DIR     = .cache/replaywebpage

replaywebpage:
	@if test -f $(RWP_DIR)/package/.version-$(RWP_VERSION); then :; \
	elif ! command -v npm >/dev/null 2>&1; then \
	  echo "note: npm missing: ReplayWeb.page not fetched, its WACZ test will be skipped (sudo apt-get install npm)"; \
	else \
	  rm -rf $(RWP_DIR)/package $(RWP_DIR)/*.tgz && mkdir -p $(RWP_DIR) && \
	  if (cd $(RWP_DIR) && npm pack --silent replaywebpage@$(RWP_VERSION) >/dev/null 2>&1 && \
	      echo "$(RWP_SHA256)  replaywebpage-$(RWP_VERSION).tgz" | sha256sum --check --status && \
	      tar xzf replaywebpage-$(RWP_VERSION).tgz && rm replaywebpage-$(RWP_VERSION).tgz && \
	      touch package/.version-$(RWP_VERSION)); then \
	    echo "ReplayWeb.page $(RWP_VERSION) in $(RWP_DIR)/package"; \
	  else \
	    rm -rf $(RWP_DIR)/package $(RWP_DIR)/*.tgz; \
	    echo "note: ReplayWeb.page $(RWP_VERSION) could not be fetched from the npm registry (or its checksum differs): its WACZ test will be skipped"; \
	  fi; \
	fi

# pywb (congan replay) lives in its own venv (.venv-pywb): its pinned dependencies clash
# with the crawler's. Does nothing when it is already there.
pywb-env: $(VENV)/.installed
	$(PY) -m archive.replay.env

demo: setup
	$(VENV)/bin/congan --data $(DATA) demo

# The suite runs in $(TEST_WORKERS) processes (pytest-xdist); tests/conftest.py keeps each file,
# and every test of the shared network crawl, in one worker. TEST_WORKERS=0 runs it in one.
TEST_WORKERS ?= 2
test: setup
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: setup
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .venv-pywb build .cache *.egg-info
