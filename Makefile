# The README's two commands; both need nothing but Python 3.11+ (scripts/dev.py does the rest).
PYTHON ?= python3

.PHONY: run test lint bench

run:
	$(PYTHON) scripts/dev.py run

test:
	$(PYTHON) scripts/dev.py test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

bench:
	$(PYTHON) scripts/dev.py bench
