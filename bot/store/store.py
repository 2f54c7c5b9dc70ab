"""The ``Store``: every read and write of fanzha's data, on SQLite or PostgreSQL.

One façade over one engine (``bot.store.engine``), one module per aggregate: ``blocklist``, ``allowlist``,
``community`` (moderators, reports and trust, feedback, appeals) and ``sessions`` (statistics, stored checks,
pending flows, preferences, group settings). Call sites use ``Store`` and never see the split.

Sync SQLAlchemy 2.0; the bot calls it through ``asyncio.to_thread``. The ``Store`` owns one engine and
opens a short session per operation, so it is safe to share between threads. Reads return detached ORM
objects (no lazy loading after the call), except ``lookup`` — the checker's hot path — which returns a
plain ``BlocklistHit`` from one precompiled SELECT on a pooled connection.

Audit. Every change is written to the append-only ``audit_log`` in the same transaction as the change
(through ``_record``, or the import below): a change without its audit trail cannot be committed. The rule:

- A moderator's (or any single) change: one audit row — who, what, when, the entry before and after.
- A blocklist import that changes anything: ONE audit row for the file (action ``blocklist.import``,
  target ``blocklist:import``; ``after`` holds the file's SHA-256, the counts and ``added_keys``, every
  key it created), and each entry it creates stores that row's id in ``import_batch_id``. An entry the
  import CHANGES (an update, or a removed entry brought back) gets its own row with before and after,
  as any change does, with ``after["import_id"]``. Rows the import leaves as they are get nothing; an
  import that changes nothing writes nothing. Why: one row per added number doubled the work of a
  million-row import; the batch row plus ``import_batch_id`` still tells, for every number, who added it,
  when, from which file — ``history(number)`` shows it as the number's ``blocklist.add`` item.

On SQLite the store uses WAL with ``synchronous=NORMAL`` (readers never wait for a writer; a power loss
may lose the last commits but cannot corrupt the database), a busy timeout,
and ``BEGIN IMMEDIATE`` for write transactions so concurrent writers queue instead of failing with
"database is locked". Bulk imports need no other pragma: the cost was in Python and in CHECKs written
as ``IN (…)`` (see ``models.one_of``), not in syncing.
"""

from __future__ import annotations

from bot.store.allowlist import AllowlistRepo
from bot.store.blocklist import BlocklistRepo
from bot.store.community import CommunityRepo
from bot.store.engine import Change, ImportPreview, ImportResult, NotFound, keyed_hash
from bot.store.sessions import Flow, SessionsRepo

__all__ = ["Change", "Flow", "ImportPreview", "ImportResult", "NotFound", "Store", "keyed_hash"]


class Store(BlocklistRepo, AllowlistRepo, CommunityRepo, SessionsRepo):
    """fanzha's data. Build with ``Store.open(url)``; share one per process; ``close()`` at the end."""
