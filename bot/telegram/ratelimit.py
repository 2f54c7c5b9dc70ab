"""The bot's own per-user limit on checks (``limits``, moving window), on top of Telegram's flood limits.

A user over the limit gets one friendly notice per minute, not one per message, so a flood of messages
does not become a flood of replies.
"""

from __future__ import annotations

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class CheckRateLimiter:
    """``allow(user_id)`` counts a check; ``should_notify(user_id)`` is True at most once a minute."""

    def __init__(self, checks_per_minute: int) -> None:
        self.checks_per_minute = checks_per_minute
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._checks = RateLimitItemPerMinute(max(1, checks_per_minute))
        self._notices = RateLimitItemPerMinute(1)

    def allow(self, user_id: int) -> bool:
        return self._limiter.hit(self._checks, "check", str(user_id))

    def should_notify(self, user_id: int) -> bool:
        return self._limiter.hit(self._notices, "notice", str(user_id))
