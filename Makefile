# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test demo bench bench-original bench-compare clean sample-config sample-policy openapi

run: $(VENV)/.installed-run
	$(BIN)/freezer-api $(ARGS)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# A Keystone and freezer-api of your own, and freezer 19.0.0, to back up and restore by hand (README).
demo: $(VENV)/.installed-test
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
bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-original: $(VENV)/.installed-bench
	$(BIN)/python -m bench.run --original $(BENCH_ARGS)

bench-compare: $(VENV)/.installed-bench
	$(BIN)/python -m bench.run --compare $(BENCH_ARGS)

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@ $(VENV)/.installed-run

sample-config: $(VENV)/.installed-run
	$(BIN)/oslo-config-generator --config-file etc/config-generator.conf

# The published OpenAPI document; tests/api/test_openapi.py checks it is current.
openapi: $(VENV)/.installed-run
	$(BIN)/python -m freezer_api.api.openapi > openapi.json

sample-policy: $(VENV)/.installed-run
	$(BIN)/oslopolicy-sample-generator --namespace freezer-api --output-file etc/policy.yaml.sample

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
