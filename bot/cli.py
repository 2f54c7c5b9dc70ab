"""The ``fanzha`` console command: a thin dispatcher over feature modules.

Each module listed in ``COMMAND_MODULES`` exposes ``register(subparsers)`` that adds its subcommand(s)
and sets ``func`` on the parser; the handler returns an exit code. Modules keep heavy imports (torch,
transformers, the Telegram stack) inside their handlers so ``fanzha number`` starts fast.

A command line that names a command registers only the module that owns it (``COMMANDS``): importing every
command module (the model's command line, the bot's runner…) costs more than parsing, and ``fanzha check``
should not pay for ``fanzha run``. ``fanzha --help``, a bare ``fanzha`` and an unknown command register them
all, so the help and the "invalid choice" error still list every command.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMAND_MODULES = (
    "bot.commands.run",        # fanzha run
    "bot.commands.number",     # fanzha number
    "bot.commands.check",      # fanzha check
    "bot.commands.lists",      # fanzha blocklist … / fanzha allowlist …
    "bot.commands.domains",    # fanzha domains … (known scam sites)
    "bot.commands.feedback",   # fanzha feedback export
    "bot.commands.evalset",    # fanzha evaluate-set
    "nlp.cli",                 # fanzha model prepare / train / evaluate / classify
)

# Command name → the module in COMMAND_MODULES that registers it (tests/test_startup_imports.py keeps the two
# in step: a command missing here is still found, through the full registration, only slower).
COMMANDS = {
    "run": "bot.commands.run",
    "number": "bot.commands.number",
    "check": "bot.commands.check",
    "blocklist": "bot.commands.lists",
    "allowlist": "bot.commands.lists",
    "domains": "bot.commands.domains",
    "feedback": "bot.commands.feedback",
    "evaluate-set": "bot.commands.evalset",
    "model": "nlp.cli",
    "train": "nlp.cli",
    "classify": "nlp.cli",
    "evaluate": "nlp.cli",
    "train-peer": "nlp.cli",
}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv``: only the named command's module when ``argv`` starts with a known command,
    every module otherwise (and when ``argv`` is None)."""
    parser = argparse.ArgumentParser(prog="fanzha", description="反诈 — check messages and numbers for fraud")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    named = COMMANDS.get(argv[0]) if argv else None
    for name in (named,) if named else COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
