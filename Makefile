# The two commands a person needs: `make run` and `make test`.
# Everything else here is what those two rely on.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SIGAP := $(VENV)/bin/sigap
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: install run test test-slow test-e2e lint format kb index clean

install: $(STAMP)

# torch first, pinned to the CPU build already on the machine, so that
# sentence-transformers does not pull several GB of CUDA wheels.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dev]'
	touch $(STAMP)

kb: install
	$(SIGAP) kb validate
	$(SIGAP) kb import --quiet

index: kb
	$(SIGAP) index build --if-missing

run: index
	$(SIGAP) run --port $(PORT)

test: install
	$(PY) -m pytest -q

test-slow: install
	$(PY) -m pytest -q -m slow

test-e2e: install
	$(PY) -m pytest -q -m e2e

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var/index var/cache var/sigap.db
