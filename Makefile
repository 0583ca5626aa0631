# `make check` runs lint, formatting, types and tests. It uses the project's .venv when there is
# one (the README's install command makes it), else PY=... or python3.
PY ?= $(if $(wildcard .venv/bin/python),.venv/bin/python,python3)
.PHONY: check lint types test bench media media-check

check: lint types test

lint:
	$(PY) -m ruff check quizzer tests bench scripts
	$(PY) -m ruff format --check quizzer tests bench scripts

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
