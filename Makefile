# `make check` runs lint, formatting, types and tests; PY=.venv/bin/python uses the venv.
PY ?= python3
.PHONY: check lint types test bench

check: lint types test

lint:
	$(PY) -m ruff check quizzer tests bench
	$(PY) -m ruff format --check quizzer tests bench

types:
	$(PY) -m mypy

test:
	$(PY) -m pytest -q

bench:
	$(PY) -m bench.run --quick
