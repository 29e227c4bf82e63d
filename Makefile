# Two commands set up everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
STAGE ?= dev

.PHONY: run test lint fuzz bench soak package deploy browser clean

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "pip<26.3"  # chalice 1.34 packages with pip < 26.3
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

# Debian's Chromium for the browser tests (never a downloaded browser build).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "installing Debian's chromium"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@test -x $(CHROMIUM) || { echo "chromium is missing at $(CHROMIUM)"; exit 1; }

run: $(STAMP)
	$(PY) -m infra.local

# Two pytest workers by default (the test machines have two cores); each test file
# runs whole on one worker (`--dist loadfile`: module fixtures, one browser stack per
# worker). TEST_WORKERS=0 runs everything in this one process.
TEST_WORKERS ?= 2
test: $(STAMP) browser lint
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

# Static checks (ruff.toml; bandit at medium severity and above). Exceptions are inline, with a reason.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit -q -r app.py chalicelib infra --severity-level medium

# More fuzzing than CI's ~2,000 cases: FUZZ_EXAMPLES cases per operation, fresh random seeds.
FUZZ_EXAMPLES ?= 500
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_RANDOM=1 $(PY) -m pytest -q tests/api/test_fuzz.py

bench: $(STAMP)
	$(PY) -m infra.bench

# The bounded soak: its own local stack, SOAK_CLIENTS clients for SOAK_SECONDS of mixed flows,
# then the reconciliation; the JSON summary also goes to build/soak.json (docs/architecture.md).
SOAK_CLIENTS ?= 50
SOAK_SECONDS ?= 60
soak: $(STAMP)
	$(PY) -m infra.soak --clients $(SOAK_CLIENTS) --seconds $(SOAK_SECONDS) --out build/soak.json

clean:
	rm -rf $(VENV) build .local .pytest_cache

# ---------------------------------------------------------------- deployment (docs/deploying.md)
# `make package STAGE=dev|staging|prod`: build/<stage>/{merge.json,sam.json,deployment.zip}, cfn-lint'ed.
# `make deploy STAGE=... DEPLOY_BUCKET=...`: package, then aws cloudformation package + deploy
# (needs the AWS CLI and credentials for the target account; CI never runs it).
DEPLOY_STAGES := dev staging prod
BUILD_DIR = build/$(STAGE)
STACK_NAME ?= clinic-portal-$(STAGE)
DEPLOY_BUCKET ?=

package: $(STAMP)
	@case " $(DEPLOY_STAGES) " in *" $(STAGE) "*) ;; *) echo "STAGE must be one of: $(DEPLOY_STAGES)"; exit 1;; esac
	$(PY) -m infra.policy --check $(STAGE)
	rm -rf $(BUILD_DIR) && mkdir -p $(BUILD_DIR)
	$(PY) -m infra.template --stage $(STAGE) --out $(BUILD_DIR)/merge.json
	AWS_DEFAULT_REGION=$${AWS_REGION:-$${AWS_DEFAULT_REGION:-us-east-1}} \
	  $(VENV)/bin/chalice package --stage $(STAGE) --merge-template $(BUILD_DIR)/merge.json $(BUILD_DIR)
	$(VENV)/bin/cfn-lint --non-zero-exit-code error -- $(BUILD_DIR)/sam.json
	@ls -1t .chalice/deployments/*.zip 2>/dev/null | tail -n +4 | xargs -r rm -f  # Chalice's bundle cache
	@echo "packaged $(STAGE): $(BUILD_DIR)/sam.json + $(BUILD_DIR)/deployment.zip"

deploy: $(STAMP)
	@command -v aws >/dev/null || { echo "deploy needs the AWS CLI (aws) on PATH"; exit 1; }
	@test -n "$(DEPLOY_BUCKET)" || { echo "set DEPLOY_BUCKET=<S3 bucket in the target region for the Lambda bundle>"; exit 1; }
	$(PY) -m infra.template --stage $(STAGE) --check-deployable
	$(MAKE) package STAGE=$(STAGE)
	aws cloudformation package --use-json --template-file $(BUILD_DIR)/sam.json \
	  --s3-bucket $(DEPLOY_BUCKET) --s3-prefix clinic-portal/$(STAGE) \
	  --output-template-file $(BUILD_DIR)/packaged.json
	aws cloudformation deploy --template-file $(BUILD_DIR)/packaged.json --stack-name $(STACK_NAME) \
	  --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --no-fail-on-empty-changeset \
	  --tags app=clinic-portal stage=$(STAGE)
	aws cloudformation describe-stacks --stack-name $(STACK_NAME) --query 'Stacks[0].Outputs' --output table
