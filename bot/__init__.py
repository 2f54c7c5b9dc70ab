"""fanzha (反诈): checks messages and phone numbers for telecom fraud.

The core (numbers, store, rules, verdict) is Telegram-free so the CLI and the tests use it directly;
only ``bot.telegram`` knows about Telegram.
"""

from nlp.paths import REPO_ROOT as PROJECT_ROOT

__all__ = ["PROJECT_ROOT"]
