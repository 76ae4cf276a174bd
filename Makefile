# Two commands on a fresh machine:  `make run` (set up + main job) and `make test` (whole suite).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
DEMO   ?= Oye <@U024BE7LH>, I'll send *el reporte* mañana, ok? :tada:

.PHONY: install run test lint proofs clean image up down container-test

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

# Downloads the models (a progress bar per model; without the hub, `models pull` says what works
# offline and exits 2, and the run goes on), tags the demo message, then serves: the Slack app when
# SLACK_* credentials are set, otherwise the local playground (it prints the URL to open; Ctrl-C
# stops it). Last, how to run the commands yourself: they are in $(VENV), not on PATH.
USE_IT = mixlingo is installed in $(VENV). To run its commands:  . $(VENV)/bin/activate   then   mixlingo --help   (or call $(VENV)/bin/mixlingo)
run: install
	@$(VENV)/bin/mixlingo models pull || [ $$? -eq 2 ]
	@$(VENV)/bin/mixlingo tag "$(DEMO)"
	@echo; echo '$(USE_IT)'; echo
	@trap "echo; echo '$(USE_IT)'" EXIT; trap 'exit 0' INT; $(VENV)/bin/mixlingo serve

# Lint first (ruff and mypy, see `lint`), then the suite. The playground's browser test drives
# Debian's chromium; install it when missing (needs root).
test: lint
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) || \
	  echo "note: could not install chromium/chromium-driver; the browser test will skip (or fail under CI=true)"
	$(PY) -m pytest

# ruff (pyproject's [tool.ruff]) on everything, and mypy on every package under its installed `mixlingo.*`
# name (strict on nlp/, config/ and core/; bodies checked everywhere else): the source folders are linked
# under .typecheck/mixlingo for it.
lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	@rm -rf .typecheck && mkdir -p .typecheck/mixlingo && \
	  for f in mixlingo/*; do ln -s "$$PWD/$$f" .typecheck/mixlingo/; done && \
	  for d in core nlp adapters config bot; do ln -s "$$PWD/$$d" .typecheck/mixlingo/$$d; done
	$(PY) -m mypy -p mixlingo

# The scale-out proofs at full size (security, fuzz, load, worker kill, Slack and database faults) and a
# table of the figures; needs the PostgreSQL and Redis servers, like `make test`. About 5 minutes.
proofs: $(VENV)/.installed-dev
	$(PY) scripts/proofs.py

# The container image and the compose stack (compose.yaml, settings in .env; docs/deployment.md). Docker when it
# runs here; otherwise podman, set up by scripts/container_base.sh, which builds stand-ins for the registry images
# (python:3.12-slim, redis, postgres) from Debian's archive where no registry is reachable.
image:
	scripts/container_base.sh image

up: image
	scripts/container_base.sh up

down:
	scripts/container_base.sh down

# Builds the image and runs it: offline tagging, /healthz on a published port, the compose stack from a signed
# Slack event to one post, then takes it all down. Installs podman first where it is missing (needs root).
container-test: $(VENV)/.installed-dev
	scripts/container_base.sh setup
	MIXLINGO_CONTAINER_TEST=1 $(PY) -m pytest tests/test_container.py -v

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis .typecheck .mypy_cache .ruff_cache
