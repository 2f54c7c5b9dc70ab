"""fanzha's store: tables (``models``), CSV files (``csvfiles``) and the ``Store`` that reads and writes them.

Open once per process with ``Store.open(Settings().database_url)``: the schema is created or migrated on
first use. See ``bot.store.engine`` for the design (audit, SQLite settings), one module per aggregate
(``blocklist``, ``allowlist``, ``community``, ``sessions``), and ``bot.store.csvfiles`` for the CSV formats.
"""

from bot.store.csvfiles import CsvError, LineError, format_expiry, parse_expiry
from bot.store.store import Change, Flow, ImportPreview, ImportResult, NotFound, Store, keyed_hash

__all__ = [
    "Change",
    "CsvError",
    "Flow",
    "ImportPreview",
    "ImportResult",
    "LineError",
    "NotFound",
    "Store",
    "format_expiry",
    "keyed_hash",
    "parse_expiry",
]
