"""The ``Store``: every read and write of fanzha's data, on SQLite or PostgreSQL.

One façade over one engine (``bot.store.engine``), one module per aggregate: ``blocklist``, ``domains``
(known scam sites), ``allowlist``, ``community`` (moderators, reports and trust, feedback, appeals) and
``sessions`` (statistics, stored checks, pending flows, preferences, group settings). Call sites use
``Store`` and never see the split.

The design (sessions, audit rule, SQLite settings) is described in ``bot.store.engine``.
"""

from __future__ import annotations

from bot.store.allowlist import AllowlistRepo
from bot.store.blocklist import BlocklistRepo
from bot.store.community import CommunityRepo
from bot.store.domains import DomainsRepo
from bot.store.engine import Change, ImportPreview, ImportResult, NotFound, keyed_hash
from bot.store.sessions import Flow, SessionsRepo

__all__ = ["Change", "Flow", "ImportPreview", "ImportResult", "NotFound", "Store", "keyed_hash"]


class Store(BlocklistRepo, DomainsRepo, AllowlistRepo, CommunityRepo, SessionsRepo):
    """fanzha's data. Build with ``Store.open(url)``; share one per process; ``close()`` at the end."""
