"""The bot's own per-user limit on checks (``limits``, moving window), on top of Telegram's flood limits.

A user over the limit gets one friendly notice per minute, not one per message, so a flood of messages
does not become a flood of replies. The counts live in memory by default; several instances behind a load
balancer share them through Redis (``FANZHA_RATE_LIMIT_STORAGE=redis://host:6379``), or each instance would
grant the full limit. Users are counted under a keyed hash, never their Telegram id, so Redis holds no ids.

A shared storage must never hold up the bot. Its calls are blocking network calls (redis-py), so
``allow`` and ``should_notify`` are coroutines that run them in this limiter's own small thread pool: a
Redis that accepts connections but never answers keeps those threads waiting, not the event loop (every
other user's update goes on) and not the default pool the store's calls use. Every call has a socket
timeout (``STORAGE_TIMEOUT_SECONDS``). If the storage fails or times out (Redis restarting, frozen, gone),
checks are let through and a warning is logged: the limit protects the bot, and a scam check must not fail
because the counter is away. After a failure the storage is left alone for ``RETRY_AFTER_SECONDS`` (checks
go through at once), so a frozen Redis costs one timeout per few seconds, not one per message.
The in-memory storage is called directly: it never blocks, and a thread hop would only cost time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from limits import RateLimitItemPerMinute
from limits.errors import ConfigurationError, StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 60.0
STORAGE_TIMEOUT_SECONDS = 1.0
"""Connect and read timeout of every call to a Redis storage. Redis answers in well under a millisecond on a
working network; a second is long enough for a busy server and short enough for a user waiting on a check."""
RETRY_AFTER_SECONDS = 5.0
"""How long the storage is skipped (checks let through) after it failed or timed out."""
STORAGE_THREADS = 4
"""Threads that wait on the storage. Beyond them, calls queue (at most a timeout each, then the pause above)."""


class StorageUnavailable(ConnectionError):
    """The rate limit storage named by the settings cannot be used (not reachable, or its URI not understood)."""


def open_storage(uri: str) -> Storage:
    """``limits``' storage for ``uri``, with socket timeouts on the Redis family (redis-py's options)."""
    options: dict[str, Any] = {}
    if uri.split("://", 1)[0].startswith(("redis", "valkey")):
        options = {"socket_timeout": STORAGE_TIMEOUT_SECONDS, "socket_connect_timeout": STORAGE_TIMEOUT_SECONDS}
    return storage_from_string(uri, wrap_exceptions=True, **options)


class CheckRateLimiter:
    """``await allow(user_id)`` counts a check; ``await should_notify(user_id)`` is True at most once a minute."""

    def __init__(self, checks_per_minute: int, *, storage: Storage | None = None,
                 key: Callable[[int], str] = str) -> None:
        self.checks_per_minute = checks_per_minute
        self.storage = storage if storage is not None else MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self.storage)
        self._checks = RateLimitItemPerMinute(max(1, checks_per_minute))
        self._notices = RateLimitItemPerMinute(1)
        self._key = key
        self._warned_at = float("-inf")
        self._down_until = float("-inf")
        self._executor: ThreadPoolExecutor | None = (
            None if isinstance(self.storage, MemoryStorage)
            else ThreadPoolExecutor(STORAGE_THREADS, thread_name_prefix="ratelimit"))

    @classmethod
    def from_uri(cls, checks_per_minute: int, uri: str, *, key: Callable[[int], str] = str) -> CheckRateLimiter:
        """Over ``limits``' storage at ``uri`` (``memory://``, ``redis://host:port/db``); an unreachable (or
        unanswering) Redis fails here, at start-up, not on the first message."""
        shown = uri.split("@")[-1]  # never the password
        try:
            storage = open_storage(uri)
        except ConfigurationError as exc:
            raise StorageUnavailable(f"rate limit storage {shown} is not a storage URI limits knows") from exc
        if not storage.check():
            raise StorageUnavailable(f"rate limit storage {shown} is not reachable")
        return cls(checks_per_minute, storage=storage, key=key)

    async def allow(self, user_id: int) -> bool:
        return await self._hit(self._checks, "check", user_id, when_down=True)

    async def should_notify(self, user_id: int) -> bool:
        return await self._hit(self._notices, "notice", user_id, when_down=False)

    def close(self) -> None:
        """Stop the storage threads (a call still waiting ends at its socket timeout)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    async def _hit(self, item: RateLimitItemPerMinute, scope: str, user_id: int, *, when_down: bool) -> bool:
        if self._executor is None:
            return self._hit_now(item, scope, user_id, when_down)
        if time.monotonic() < self._down_until:
            return when_down
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._hit_now, item, scope, user_id, when_down)

    def _hit_now(self, item: RateLimitItemPerMinute, scope: str, user_id: int, when_down: bool) -> bool:
        try:
            return self._limiter.hit(item, scope, self._key(user_id))
        except StorageError as exc:
            now = time.monotonic()
            self._down_until = now + RETRY_AFTER_SECONDS
            if now - self._warned_at >= WARN_EVERY_SECONDS:
                self._warned_at = now
                log.warning("rate limit storage unavailable (%s); letting checks through",
                            type(exc.storage_error).__name__)
            return when_down

    async def allow_group(self, chat_id: int, checks_per_minute: int) -> bool:
        """Count a check against a group's own budget (``checks_per_minute`` for the whole group), apart from
        every member's private quota: in a group the bot scans for everyone's sake, whoever posts."""
        return await self._hit(RateLimitItemPerMinute(max(1, checks_per_minute)), "group", chat_id, when_down=True)
