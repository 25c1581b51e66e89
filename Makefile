# Quick start: `make plan` (offline plan of the local stack) and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STACK  ?= local
FORMAT ?= text
STAMP  := $(VENV)/.installed

.PHONY: help plan plans test bench install deps lock clean generate docs docs-serve
.DEFAULT_GOAL := plan

help: ## This list of targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  variables: STACK=$(STACK) (a stack under stacks/), FORMAT=$(FORMAT) (text, json or mermaid)"

plan: $(STAMP) ## Offline plan of STACK (default: local); an unknown STACK lists the ones that exist
	@$(PY) -m lago_infra plan --stack $(STACK) --format $(FORMAT)

plans: $(STAMP) ## Offline plan of every stack under stacks/, one summary line each
	@for f in stacks/Pulumi.*.yaml; do s=$${f#stacks/Pulumi.}; s=$${s%.yaml}; \
	  printf '%-10s ' $$s; $(PY) -m lago_infra plan --stack $$s | head -n 1; done

test: $(STAMP) deps ## The whole offline test suite (with the Debian packages of `make deps`)
	@$(PY) -m pytest -q

bench: $(STAMP) ## Plan time of every stack against importing the SDK classes it uses
	@$(PY) bench/plans.py

install: $(STAMP) ## Create .venv from requirements.lock (plan and test do it on first run)

generate: $(STAMP) ## Rewrite the docs' generated parts and the generated files (reference, package args)
	@$(PY) -m tools.docs

docs: $(STAMP) ## Build the documentation site (docs/) into site/, warnings as errors
	@NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

docs-serve: $(STAMP) ## Serve the documentation site at http://127.0.0.1:8000, rebuilt on each change
	@NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs serve

#: What the tests run besides Python: a real PostgreSQL with pg_cron and pg_partman (the SQL and
#: scripts that run inside the clouds) and shellcheck (those scripts, the workflows' shell).
DEBIAN_PACKAGES := postgresql-15 postgresql-client-15 postgresql-15-cron postgresql-15-partman shellcheck
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

deps: ## Install the Debian packages the tests need (PostgreSQL 15, pg_cron, pg_partman, shellcheck)
	@dpkg -s $(DEBIAN_PACKAGES) >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES) >/dev/null; }

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test,policy,lint,docs]'
	@touch $@

lock: ## Re-pin requirements.lock from a fresh resolution of pyproject.toml
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[test,policy,lint,docs]'
	{ head -n 2 requirements.lock; .lock-venv/bin/pip freeze --exclude-editable | grep -v '^-e'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lock-venv

clean: ## Remove .venv and test caches
	rm -rf $(VENV) .pytest_cache .hypothesis site
