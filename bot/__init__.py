"""fanzha (反诈): checks messages and phone numbers for telecom fraud.

The core (numbers, store, rules, verdict) is Telegram-free so the CLI and the tests use it directly;
only ``bot.telegram`` knows about Telegram.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The repository root (the package is installed editable): ``data/`` and ``var/`` live here."""
