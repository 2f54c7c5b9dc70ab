"""The bot's own per-user limit on checks (``limits``, moving window), on top of Telegram's flood limits.

A user over the limit gets one friendly notice per minute, not one per message, so a flood of messages
does not become a flood of replies. The counts live in memory by default; several instances behind a load
balancer share them through Redis (``FANZHA_RATE_LIMIT_STORAGE=redis://host:6379``), or each instance would
grant the full limit. Users are counted under a keyed hash, never their Telegram id, so Redis holds no ids.
If the storage fails mid-run (Redis restarting), checks are let through and a warning is logged: the limit
protects the bot, and a scam check must not fail because the counter is away.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 60.0


class CheckRateLimiter:
    """``allow(user_id)`` counts a check; ``should_notify(user_id)`` is True at most once a minute."""

    def __init__(self, checks_per_minute: int, *, storage: Storage | None = None,
                 key: Callable[[int], str] = str) -> None:
        self.checks_per_minute = checks_per_minute
        self.storage = storage if storage is not None else MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self.storage)
        self._checks = RateLimitItemPerMinute(max(1, checks_per_minute))
        self._notices = RateLimitItemPerMinute(1)
        self._key = key
        self._warned_at = float("-inf")

    @classmethod
    def from_uri(cls, checks_per_minute: int, uri: str, *, key: Callable[[int], str] = str) -> CheckRateLimiter:
        """Over ``limits``' storage at ``uri`` (``memory://``, ``redis://host:port/db``); an unreachable Redis
        fails here, at start-up, not on the first message."""
        storage = storage_from_string(uri, wrap_exceptions=True)
        if not storage.check():
            raise ConnectionError(f"rate limit storage {uri.split('@')[-1]} is not reachable")
        return cls(checks_per_minute, storage=storage, key=key)

    def allow(self, user_id: int) -> bool:
        return self._hit(self._checks, "check", user_id, when_down=True)

    def should_notify(self, user_id: int) -> bool:
        return self._hit(self._notices, "notice", user_id, when_down=False)

    def _hit(self, item: RateLimitItemPerMinute, scope: str, user_id: int, *, when_down: bool) -> bool:
        try:
            return self._limiter.hit(item, scope, self._key(user_id))
        except StorageError as exc:
            now = time.monotonic()
            if now - self._warned_at >= WARN_EVERY_SECONDS:
                self._warned_at = now
                log.warning("rate limit storage unavailable (%s); letting checks through",
                            type(exc.storage_error).__name__)
            return when_down
