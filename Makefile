.PHONY: all lint test format
all: lint test

lint:
	ruff format --check src tests benchmarks
	ruff check src tests benchmarks
	mypy

test:
	python3 -m pytest

format:
	ruff format src tests benchmarks
	ruff check --fix src tests benchmarks
