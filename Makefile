# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: help run test test-fast lint fmt demo bench bench-original bench-compare clean sample-config sample-policy openapi
.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 24

run: $(VENV)/.installed-run ## Serve on 127.0.0.1:9090 with embedded SQLite (ARGS="--config-file ..." to pass options)
	$(BIN)/freezer-api $(ARGS)

test: $(VENV)/.installed-test ## Run the whole suite (PYTEST_ARGS="-k ..." to narrow it)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(VENV)/.installed-test ## Unit and API tests on SQLite, without the slow ones: under 2 minutes
	$(BIN)/python -m pytest -q tests/unit tests/api -m "not slow and not engines" $(PYTEST_ARGS)

lint: $(VENV)/.installed-test ## ruff check, ruff format --check and mypy: the gate CI runs before the tests
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: $(VENV)/.installed-test ## Format the tree and apply ruff's safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# A Keystone and freezer-api of your own, and freezer 19.0.0, to back up and restore by hand (README).
demo: $(VENV)/.installed-test ## Keystone, freezer-api and freezer 19.0.0 of your own, to back up and restore by hand
	$(BIN)/python -m tests.support.demo_cloud demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

# Load benchmarks (bench/README.md): BENCH_ARGS="--size 100000 --duration 15" etc.
bench: $(VENV)/.installed-bench ## Load benchmarks of this server (bench/README.md)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-original: $(VENV)/.installed-bench ## The same benchmarks against the original freezer-api
	$(BIN)/python -m bench.run --original $(BENCH_ARGS)

bench-compare: $(VENV)/.installed-bench ## Both, one table of ratios
	$(BIN)/python -m bench.run --compare $(BENCH_ARGS)

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@ $(VENV)/.installed-run

sample-config: $(VENV)/.installed-run ## Regenerate etc/freezer-api.conf.sample
	$(BIN)/oslo-config-generator --config-file etc/config-generator.conf

# The published OpenAPI document; tests/api/test_openapi.py checks it is current.
openapi: $(VENV)/.installed-run ## Regenerate openapi.json (a test checks it is current)
	$(BIN)/python -m freezer_api.api.openapi > openapi.json

sample-policy: $(VENV)/.installed-run ## Regenerate etc/policy.yaml.sample
	$(BIN)/oslopolicy-sample-generator --namespace freezer-api --output-file etc/policy.yaml.sample

clean: ## Remove the venv and build leftovers
	rm -rf $(VENV) .pytest_cache build *.egg-info
