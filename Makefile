# Every target bootstraps .venv from the repo's own files.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n 2

.PHONY: test lint format demo demo-down pulumi-cli bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[local,dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict provider/pulumi_posthog/client provider/pulumi_posthog/resources provider/pulumi_posthog/schema
	$(BIN)/python scripts/check_rooms.py
	$(BIN)/python scripts/gen_docstrings.py --check

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The quickstart stack against posthog-local (scripts/demo.sh): it checks for the Pulumi CLI before anything else,
# then bootstraps .venv itself (through $(STAMP)).
# The demo's own virtualenv, the one the root Pulumi.yaml names: the package and posthog-local, nothing else (the
# dev extra's pulumi-aws would make the Pulumi CLI download the AWS provider plugin).
DEMO_VENV := .venv-demo

$(DEMO_VENV)/bin/python:
	$(PY) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet --upgrade pip

$(DEMO_VENV)/.installed: $(DEMO_VENV)/bin/python pyproject.toml
	$(DEMO_VENV)/bin/python -m pip install --quiet -e '.[local]'
	touch $(DEMO_VENV)/.installed

demo:
	@PY="$(PY)" MAKE="$(MAKE)" bash scripts/demo.sh up

demo-down:
	@PY="$(PY)" MAKE="$(MAKE)" bash scripts/demo.sh down

# A pinned Pulumi CLI release in .pulumi-cli/ (SHA-256 checked), for machines without one; `make demo` finds it.
pulumi-cli:
	$(PY) scripts/get_pulumi.py

# Every benchmark in bench/ (tables, SUMMARY lines, secret scan; ~6 min on 2 CPUs); BENCH_ARGS=--quick: a smoke run.
bench: $(STAMP)
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DEMO_VENV) .pytest_cache .ruff_cache .mypy_cache
