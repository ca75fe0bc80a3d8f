.PHONY: all lint test format readme-images
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

# The README's images (docs/images/*.png), drawn by jdcli from the bundled data.
readme-images:
	python3 scripts/readme_images.py
