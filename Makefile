# emr-studio-role: every install step lives here, so a fresh clone needs only `make synth` / `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := synth

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export CDK_DISABLE_CLI_TELEMETRY := true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
# The pinned CLI from package-lock.json, running the app with the venv's python.
CDK := PATH="$(CURDIR)/$(VENV)/bin:$$PATH" npx --no-install cdk

.PHONY: setup synth test deploy-local lint docs bench clean

## setup: .venv with the pinned Python packages, and node_modules from the lock file (idempotent)
setup: $(VENV)/.installed .venv-checkov/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

.venv-checkov/.installed: requirements-checkov.txt
	test -x .venv-checkov/bin/python || $(PYTHON) -m venv .venv-checkov
	.venv-checkov/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## synth: the app's CloudFormation template in cdk.out, checked by cdk-nag
synth: setup
	$(CDK) synth --no-notices --quiet
	@ls cdk.out/*.template.json

## test: the whole test suite
test: setup
	$(PY) -m pytest -q

## fuzz: the property-based test (tests/unit/test_properties.py) with 500 random examples
.PHONY: fuzz
fuzz: setup
	EMR_STUDIO_HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q -p no:cacheprovider tests/unit/test_properties.py

## deploy-local: deploy the app with the pinned CLI to a fresh local moto server (no AWS account),
##   read the role back and compare it with the template (docs/deploy-local.md);
##   context for the app: make deploy-local DEPLOY_LOCAL_ARGS="-c compute=EMR_SERVERLESS"
deploy-local: setup
	$(PY) scripts/deploy_local.py $(DEPLOY_LOCAL_ARGS)

## deploy-local-stackset: synthesize the app with -c stackSetOrganizationalUnits/-c stackSetRegions, create
##   the StackSet's member template in two accounts x its regions on a local moto server (no AWS
##   account), read each role back and print a verdict per stack instance (README: Roll out to an organization)
.PHONY: deploy-local-stackset
deploy-local-stackset: setup
	$(PY) scripts/deploy_local_stackset.py $(DEPLOY_LOCAL_STACKSET_ARGS)

## docs: regenerate docs/permissions.md from the code's statement data (tests/unit/test_docs.py checks it)
docs: setup
	$(PY) -m emr_studio_role.docs --write docs/permissions.md

## bench: synth benchmark, construct against bare IAM roles, and policy sizes -> docs/benchmarks.md
##   (BENCH_ARGS="--sizes 1 50 --runs 3" for a shorter run)
bench: setup
	$(PY) benchmarks/synth_bench.py --write docs/benchmarks.md $(BENCH_ARGS)

## lint: ruff
lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf cdk.out .pytest_cache
