# emr-studio-role: every install step lives here, so a fresh clone needs only `make synth` / `make test`.
#   make synth  installs only what synth needs: the app's pinned runtime packages (requirements.txt),
#               this package (editable) and the pinned CDK CLI (package.json "dependencies").
#   make test   adds the test tools (requirements-dev.txt, the IAM evaluator, checkov in .venv-checkov).
SHELL := /bin/bash
.DEFAULT_GOAL := synth

# The Python floor: aws-cdk-lib, constructs, jsii and cdk-nag all require Python 3.10 or later.
MIN_PY := 3.10
PY_OK := import sys; sys.exit(sys.version_info < (3, 10))
# The first Python 3.10+ on PATH, newest first (override: make PYTHON=/path/to/python3.12 synth).
# Looked for only when a rule needs it (a venv to create: a warm `make test` or `make synth`
# never does), and then once per make: a search through pyenv's shims costs about 0.4 s.
# (A command-line PYTHON=... reaches the sub-make of `setup` through MAKEFLAGS.)
ifeq ($(origin PYTHON),undefined)
PYTHON = $(eval PYTHON := $(shell for p in python3.14 python3.13 python3.12 python3.11 python3.10 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c '$(PY_OK)' 2>/dev/null && { echo $$p; break; }; done))$(PYTHON)
endif
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
# The Python packages are installed with uv (pinned here, put into each venv by pip): it
# downloads in parallel and byte-compiles on every core; pip took about 2 minutes for what
# a fresh clone's `make test` installs, uv about 40 s. $(call UV,<venv>) installs into <venv>.
UV_VERSION := 0.13.9
UV = $(1)/bin/uv pip install --quiet --python $(1)/bin/python --compile-bytecode
export CDK_DISABLE_CLI_TELEMETRY := true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
# The pinned CLI from package-lock.json, running the app with the venv's python.
CDK := PATH="$(CURDIR)/$(VENV)/bin:$$PATH" npx --no-install cdk
# `make floors`: where the library's oldest allowed dependencies are installed.
FLOORS_VENV := .venv-floors

# A .venv that an older Python made (or whose Python is gone) is removed here, before any rule
# runs, so that the rules below rebuild it with $(PYTHON).
ifneq ($(wildcard $(VENV)),)
ifneq ($(shell $(PY) -c '$(PY_OK)' >/dev/null 2>&1 && echo ok),ok)
$(info .venv was made by "$(shell $(PY) --version 2>&1)", but emr-studio-role needs Python $(MIN_PY)+: removing .venv; it is rebuilt with "$(PYTHON)".)
$(shell rm -rf $(VENV))
endif
endif

.PHONY: setup setup-synth synth test deploy-local lint docs bench floors dist clean distclean check-python

## setup: everything `make test` needs (idempotent). Its four independent installs (.venv with the
##   test tools, checkov's .venv-checkov, node_modules with the evaluator, the suite's pinned Node
##   in tests/tools/node) run in parallel, and node_modules is installed once, whole (not
##   --omit=dev first).
SUITE_NODE := tests/tools/node/node_modules/.installed
SETUP_PARTS := $(VENV)/.dev-installed .venv-checkov/.installed node_modules/.dev-installed $(SUITE_NODE)
setup:
	@$(MAKE) --no-print-directory -j 4 $(SETUP_PARTS)

## setup-synth: only what `make synth` needs
setup-synth: $(VENV)/.installed node_modules/.installed

# The first line of each rule that makes a venv with $(PYTHON): a clear message when there is no
# Python 3.10+ (a recipe line, not a phony prerequisite, which would run, and look for Python,
# on every make even when nothing is to be made).
CHECK_PYTHON = @if [ -z "$(PYTHON)" ] || ! $(PYTHON) -c '$(PY_OK)' 2>/dev/null; then \
	  echo "emr-studio-role needs Python $(MIN_PY) or later (aws-cdk-lib, jsii and cdk-nag require it);"; \
	  echo "found: '$(PYTHON)' $$($(PYTHON) --version 2>&1). Install one and run: make PYTHON=/path/to/python3.12 synth"; \
	  exit 1; fi

check-python:
	$(CHECK_PYTHON)

$(VENV)/.installed: requirements.txt pyproject.toml
	$(CHECK_PYTHON)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) uv==$(UV_VERSION)
	$(call UV,$(VENV)) -r requirements.txt
	$(call UV,$(VENV)) --no-deps -e .
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	test -x $(VENV)/bin/uv || $(PIP) uv==$(UV_VERSION)
	$(call UV,$(VENV)) -r requirements-dev.txt
	touch $@

.venv-checkov/.installed: requirements-checkov.txt
	$(CHECK_PYTHON)
	test -x .venv-checkov/bin/python || $(PYTHON) -m venv .venv-checkov
	.venv-checkov/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(call UV,.venv-checkov) -r requirements-checkov.txt
	touch $@

# The CLI only (package.json "dependencies"); a full install from `make test` serves as well.
node_modules/.installed: package.json package-lock.json
	if [ node_modules/.dev-installed -nt package-lock.json ] && [ node_modules/.dev-installed -nt package.json ]; \
	then :; else npm ci --omit=dev --no-audit --no-fund --loglevel=error; fi
	touch $@

# Adds the test-only devDependencies (the IAM evaluator, tests/tools/simulate.mjs).
node_modules/.dev-installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@ node_modules/.installed

# The Node LTS that the test suite's own Node processes run on (test-only: the jsii runtimes and
# the IAM evaluator; tests/tools/node-single-threaded says why). A folder of its own, so that
# its `node` is not linked into node_modules/.bin, where npx would put it first on PATH for the
# CLI: the README's commands, `make synth` and users run the Node on PATH. On a platform that
# the pin has no package for, npm installs nothing here and the suite uses the Node on PATH.
$(SUITE_NODE): tests/tools/node/package.json tests/tools/node/package-lock.json
	npm ci --prefix tests/tools/node --no-audit --no-fund --loglevel=error
	touch $@

## synth: the app's CloudFormation template in cdk.out, checked by cdk-nag
synth: setup-synth
	$(CDK) synth --no-notices --quiet
	@ls cdk.out/*.template.json

## test: the whole test suite, on two worker processes (pytest-xdist; tests/conftest.py says how
##   fixtures are shared between them; -n 2 was faster than -n 3 on 2 cores);
##   `make test PYTEST_XDIST=` runs it in one process; PYTEST_ARGS adds pytest options
PYTEST_XDIST ?= -n 2 --dist loadfile --no-loadscope-reorder
# Bytecode is written (and reused) even where the environment says PYTHONDONTWRITEBYTECODE:
# without it every worker recompiles every test module (pytest's assertion rewriting) and the
# package on every run, about 2.5 s of CPU a process.
test: setup
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -q $(PYTEST_XDIST) $(PYTEST_ARGS)

## fuzz: the property-based tests with many random examples (tests/unit/test_properties.py: 500
##   role plans and 150 Studio plans; tests/unit/test_checks_hostile.py: 1,000 templates each)
.PHONY: fuzz
fuzz: setup
	EMR_STUDIO_HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q -p no:cacheprovider \
	  tests/unit/test_properties.py tests/unit/test_checks_hostile.py

## deploy-local: deploy the app with the pinned CLI to a fresh local moto server (no AWS account),
##   read the role back and compare it with the template (docs/deploy-local.md);
##   context for the app: make deploy-local DEPLOY_LOCAL_ARGS="-c compute=EMR_SERVERLESS"
deploy-local: setup-synth $(VENV)/.dev-installed
	$(PY) scripts/deploy_local.py $(DEPLOY_LOCAL_ARGS)

## deploy-local-stackset: synthesize the app with -c stackSetOrganizationalUnits/-c stackSetRegions, create
##   the StackSet's member template in two accounts x its regions on a local moto server (no AWS
##   account), read each role back and print a verdict per stack instance (README: Roll out to an organization)
.PHONY: deploy-local-stackset
deploy-local-stackset: setup-synth $(VENV)/.dev-installed
	$(PY) scripts/deploy_local_stackset.py $(DEPLOY_LOCAL_STACKSET_ARGS)

## docs: regenerate docs/permissions.md (from the statement data) and docs/API.md (from the
##   docstrings, with pydoc-markdown); tests/unit/test_docs.py and test_api_docs.py check both
docs: setup-synth $(VENV)/.dev-installed
	$(PY) -m emr_studio_role.docs --write docs/permissions.md
	$(PY) scripts/api_docs.py --write docs/API.md

## bench: synth benchmark, construct against bare IAM roles, and policy sizes -> docs/benchmarks.md
##   (BENCH_ARGS="--sizes 1 50 --runs 3" for a shorter run)
bench: setup
	$(PY) benchmarks/synth_bench.py --write docs/benchmarks.md $(BENCH_ARGS)

## lint: ruff
lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .

## floors: install the library's oldest allowed dependencies (pyproject.toml's lower bounds, with
##   the [nag] extra) into a fresh .venv-floors and synthesize the app and the examples with them.
##   Not part of `make test`: it installs ~450 MB and takes 2 to 3 minutes.
floors: check-python
	rm -rf $(FLOORS_VENV)
	$(PYTHON) -m venv $(FLOORS_VENV)
	$(PYTHON) scripts/floors.py --constraints > $(FLOORS_VENV)/floors.txt
	cat $(FLOORS_VENV)/floors.txt
	$(FLOORS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  -c $(FLOORS_VENV)/floors.txt ".[nag]"
	$(FLOORS_VENV)/bin/python scripts/floors.py --smoke

## dist: build the wheel into dist/ and list its files (LICENSE must be among them)
dist: setup-synth
	rm -rf dist build
	$(PY) -m pip wheel --quiet --disable-pip-version-check --no-deps -w dist .
	unzip -l dist/*.whl

clean:
	rm -rf cdk.out .pytest_cache dist build

## distclean: clean, and remove every installed thing (.venv, .venv-checkov, .venv-floors, node_modules,
##   tests/tools/node/node_modules)
distclean: clean
	rm -rf $(VENV) .venv-checkov $(FLOORS_VENV) node_modules tests/tools/node/node_modules
