# Two commands on a fresh machine:  `make run` (set up + main job) and `make test` (whole suite).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
DEMO   ?= Oye <@U024BE7LH>, I'll send *el reporte* mañana, ok? :tada:

.PHONY: install run test clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(VENV)/bin/mixlingo tag "$(DEMO)"

test: install
	$(PY) -m pytest

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
