# Everyday commands of the TVET Partnership Portal. Each target only calls Python-level
# tools from .venv, so README.md lists the same commands to type by hand where make is missing.
#
#   make run     the portal on http://127.0.0.1:8000 with demo data, a worker and beat
#   make test    the test suite (extra pytest arguments: make test ARGS="-k mou -x")

# The Python that creates .venv: the newest supported python3.X that runs here (pyenv's shims
# exist for installed versions that are not selected, and fail), else python3; or PYTHON=...
# (make run PYTHON=python3.12). An existing .venv keeps the Python it was made with: remove it
# to change. pyproject.toml's requires-python names the supported versions.
SUPPORTED_PYTHONS := 3.13 3.12 3.11
PYTHON ?= $(or $(firstword $(foreach version,$(SUPPORTED_PYTHONS),$(shell python$(version) -c '' >/dev/null 2>&1 && echo python$(version)))),python3)
VENV := .venv
BIN := $(VENV)/bin
# Touched after each successful install: the install reruns only when pyproject.toml or
# constraints.txt is newer than it.
STAMP := $(VENV)/.installed
ARGS ?=
TEMPLATES = $(shell find templates */templates -name '*.html' 2>/dev/null)

.DEFAULT_GOAL := help
.PHONY: help install run test fmt lint messages manifests

help:  ## Show this list
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)  ## Create .venv and install the project with its development tools

run: $(STAMP)  ## Migrate, load the demo data and serve on http://127.0.0.1:8000 (PORT=...)
	$(BIN)/python -m portal.launch run

test: $(STAMP)  ## Run the test suite; pass pytest arguments as ARGS="..."
	$(BIN)/python -m portal.launch test $(ARGS)

fmt: $(STAMP)  ## Fix lint findings and format Python code and templates
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djade --target-version 5.2 $(TEMPLATES)

lint: $(STAMP)  ## Check lint, formatting, templates, security findings and layers without changing anything
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djade --check --target-version 5.2 $(TEMPLATES)
	$(BIN)/bandit --quiet -c pyproject.toml -r .
	$(BIN)/lint-imports

manifests: $(STAMP)  ## Validate the Kubernetes manifests in deploy/kubernetes against the API's schemas, offline
	$(BIN)/python -m pytest -q tests/portal/test_kubernetes_manifests.py

messages: $(STAMP)  ## Update every language's catalogue under locale/ from the code, then compile them
	$(BIN)/python manage.py makemessages --all --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=.venvs --ignore=.data
