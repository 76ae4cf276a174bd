# Two commands on a fresh machine:  `make run` (set up + main job) and `make test` (whole suite).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
DEMO   ?= Oye <@U024BE7LH>, I'll send *el reporte* mañana, ok? :tada:

.PHONY: install run test proofs clean

# The runtime (what `make run` needs), with pip's progress shown: the first install takes minutes.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -e .
	touch $@

# The test-only extras (pytest, hypothesis, selenium, ...) on top, for `make test`.
$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Downloads the models (a progress bar per model; an unreachable hub is one line and the run goes
# on), tags the demo message, then serves: the Slack app when SLACK_* credentials are set, otherwise
# the local playground (it prints the URL to open; Ctrl-C stops it).
run: install
	-$(VENV)/bin/mixlingo models pull
	$(VENV)/bin/mixlingo tag "$(DEMO)"
	$(VENV)/bin/mixlingo serve

# The playground's browser test drives Debian's chromium; install it when missing (needs root).
test: $(VENV)/.installed-dev
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) || \
	  echo "note: could not install chromium/chromium-driver; the browser test will skip (or fail under CI=true)"
	$(PY) -m pytest

# The scale-out proofs at full size (security, fuzz, load, worker kill, Slack and database faults) and a
# table of the figures; needs the PostgreSQL and Redis servers, like `make test`. About 5 minutes.
proofs: $(VENV)/.installed-dev
	$(PY) scripts/proofs.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
