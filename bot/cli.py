"""The ``fanzha`` console command: a thin dispatcher over feature modules.

Each module listed in ``COMMAND_MODULES`` exposes ``register(subparsers)`` that adds its subcommand(s)
and sets ``func`` on the parser; the handler returns an exit code. Modules keep heavy imports (torch,
transformers, the Telegram stack) inside their handlers so ``fanzha number`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fanzha", description="反诈 — check messages and numbers for fraud")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
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
