.PHONY: check lint types test bench
check: lint types test

lint:
	ruff check quizzer tests bench
	ruff format --check quizzer tests bench

types:
	mypy

test:
	python3 -m pytest -q

bench:
	python3 -m bench.run
