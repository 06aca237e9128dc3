# Netzwerkatlas. The README's two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
# uv from PATH, else a private copy installed with pip into .tools/
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

LAUNCHER := tests/neo4j_launcher
LAUNCHER_CP := $(LAUNCHER)/target/classpath.txt
# Gephi's toolkit, which the tests import the GraphML and GEXF exports with
GEPHI_CHECK := tests/gephi_check
GEPHI_CP := $(GEPHI_CHECK)/target/classpath.txt

# Two install stamps: `make run` needs the runtime dependencies only; the tests, lint and
# bench need the development tools too (pyproject.toml's `dev` group). A runtime install
# after a full one keeps the tools (--inexact), a full one after a runtime one adds them.
RUNTIME_STAMP := $(VENV)/.runtime
DEV_STAMP := $(VENV)/.dev

.PHONY: help install install-runtime run test test-fast test-future lint bench reliability neo4j-launcher gephi-check clean

help:
	@echo "make run    - install, initialise ./data, load the demo region once, serve on http://127.0.0.1:8000"
	@echo "make test   - install and run every test (LadybugDB and a real Neo4j 5)"
	@echo "make bench  - time load, API, import/export, analysis and web views beside their references (300 and 3,000 organisations; bench_load --tiers adds 30,000)"
	@echo "make reliability - kill -9, 8 writers and restore under reads on LadybugDB and Neo4j (docs/RELIABILITY.md)"
	@echo "make lint   - ruff (rules, complexity at most 15, format) and mypy; CI runs it first"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(RUNTIME_STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --no-dev --inexact
	@touch $@

$(DEV_STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@ $(RUNTIME_STAMP)

# the app and its runtime dependencies
install-runtime: $(RUNTIME_STAMP)

# the app, its runtime dependencies and the development tools
install: $(DEV_STAMP)

run: install-runtime
	$(BIN)/netzwerkatlas serve

$(LAUNCHER_CP): $(LAUNCHER)/pom.xml $(wildcard $(LAUNCHER)/src/main/java/netzwerkatlas/*.java)
	mvn -q -B -f $(LAUNCHER)/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	@touch $@

neo4j-launcher: $(LAUNCHER_CP)

$(GEPHI_CP): $(GEPHI_CHECK)/pom.xml $(wildcard $(GEPHI_CHECK)/src/main/java/netzwerkatlas/*.java)
	mvn -q -B -f $(GEPHI_CHECK)/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	@touch $@

gephi-check: $(GEPHI_CP)

test: install neo4j-launcher gephi-check
	NETZWERKATLAS_REQUIRE_NEO4J=1 $(BIN)/pytest

# For a quick look while editing (under 3 minutes on 2 cores): everything but Neo4j, the
# browser, Gephi and the slow suites (schemathesis), on every core; `make test` runs them all.
test-fast: install
	$(BIN)/pytest -n auto -m "not neo4j and not browser and not gephi and not slow"

# The whole suite with the clock a year ahead (Debian's faketime): no answer may depend on
# the calendar (the tests fix the app's "today" with NETZWERKATLAS_TODAY; this proves that
# nothing reads the real date behind its back).
test-future: install neo4j-launcher gephi-check
	faketime -f '+365d' env NETZWERKATLAS_REQUIRE_NEO4J=1 $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install
	$(BIN)/python -m benchmarks.bench_load
	$(BIN)/python -m benchmarks.bench_api
	$(BIN)/python -m benchmarks.bench_transfer
	$(BIN)/python -m benchmarks.bench_analysis
	$(BIN)/python -m benchmarks.bench_web

# Crash, concurrency and restore checks against the real server on both backends, about
# 3 minutes on 2 cores; writes the figures into docs/RELIABILITY.md.
reliability: install neo4j-launcher
	$(BIN)/python -m benchmarks.reliability

clean:
	rm -rf $(VENV) .tools $(LAUNCHER)/target $(GEPHI_CHECK)/target .pytest_cache test-artifacts
