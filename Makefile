# The two commands of the README. Both install what is missing first (scripts/bootstrap.sh).
.PHONY: run test lint bench

run:
	@scripts/bootstrap.sh
	.venv/bin/dyadwatch up

test:
	@scripts/bootstrap.sh
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .
	.venv/bin/pytest

lint:
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .

bench:
	@scripts/bootstrap.sh
	.venv/bin/python -m bench.run
