"""Services shared by the handlers: the /lang choice cache across instances."""

from __future__ import annotations

from cachetools import TTLCache

from bot.config import Settings
from bot.telegram.services import LANGUAGE_CACHE_SECONDS, LANGUAGE_CACHE_SIZE, Services


async def test_a_language_chosen_on_another_instance_arrives_within_the_cache_time(store) -> None:
    """Two bot instances on one database (webhook mode behind a load balancer): a /lang choice taken by one
    reaches the other once its cached answer expires, on SQLite and on PostgreSQL."""
    now = [0.0]
    settings = Settings(FANZHA_SECRET="instances-share-this")
    first, second = (Services(settings=settings, store=store, checker=None, limiter=None) for _ in range(2))
    second.languages = TTLCache(LANGUAGE_CACHE_SIZE, LANGUAGE_CACHE_SECONDS, timer=lambda: now[0])

    assert await second.stored_language(42) is None  # no choice yet, and that answer is cached
    await first.set_language(42, "en")
    assert await first.stored_language(42) == "en"
    now[0] += LANGUAGE_CACHE_SECONDS / 2
    assert await second.stored_language(42) is None  # still the cached answer
    now[0] += LANGUAGE_CACHE_SECONDS
    assert await second.stored_language(42) == "en"
