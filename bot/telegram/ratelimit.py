"""The bot's own per-user limit on checks (``limits``, moving window), on top of Telegram's flood limits.

A user over the limit gets one friendly notice per minute, not one per message, so a flood of messages
does not become a flood of replies. The counts live in memory by default; several instances behind a load
balancer share them through Redis (``FANZHA_RATE_LIMIT_STORAGE=redis://host:6379``), or each instance would
grant the full limit. Users are counted under a keyed hash, never their Telegram id, so Redis holds no ids.
"""

from __future__ import annotations

from collections.abc import Callable

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter


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

    @classmethod
    def from_uri(cls, checks_per_minute: int, uri: str, *, key: Callable[[int], str] = str) -> CheckRateLimiter:
        """Over ``limits``' storage at ``uri`` (``memory://``, ``redis://host:port/db``); an unreachable Redis
        fails here, at start-up, not on the first message."""
        storage = storage_from_string(uri)
        if not storage.check():
            raise ConnectionError(f"rate limit storage {uri.split('@')[-1]} is not reachable")
        return cls(checks_per_minute, storage=storage, key=key)

    def allow(self, user_id: int) -> bool:
        return self._limiter.hit(self._checks, "check", self._key(user_id))

    def should_notify(self, user_id: int) -> bool:
        return self._limiter.hit(self._notices, "notice", self._key(user_id))
