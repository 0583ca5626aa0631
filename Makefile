# `make check` runs lint, formatting, types and tests; PY=.venv/bin/python uses the venv.
PY ?= python3
.PHONY: check lint types test bench media media-check

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

# Figures and clips of the bundled decks (needs the `media` extra: pip install -e ".[media]").
media:
	$(PY) scripts/make_media.py

media-check:
	$(PY) scripts/make_media.py --check
