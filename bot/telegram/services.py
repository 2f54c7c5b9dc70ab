"""The services the handlers use, created once in ``post_init`` and closed in ``post_shutdown``.

They live in ``application.bot_data["services"]``; handlers get them with :func:`services`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cachetools import TTLCache

from bot.store import keyed_hash
from bot.telegram.ratelimit import CheckRateLimiter

if TYPE_CHECKING:
    from telegram.ext import CallbackContext

    from bot.check import Checker
    from bot.config import Settings
    from bot.moderation import Moderation
    from bot.ocr.pool import OcrPool
    from bot.store import Store

SERVICES_KEY = "services"
LANGUAGE_CACHE_SIZE = 100_000
LANGUAGE_CACHE_SECONDS = 60.0
"""How long a /lang choice is trusted from memory. Behind a load balancer (webhook mode, several instances)
another instance may take the next choice; it reaches this one within this time."""


@dataclass
class Services:
    settings: Settings
    store: Store
    checker: Checker
    limiter: CheckRateLimiter
    moderation: Moderation | None = None  # built once with the others (None only in tests that need no moderation)
    ocr: OcrPool | None = None  # reads screenshots in worker processes; None: pictures off (FANZHA_OCR_WORKERS=0)
    background: list[asyncio.Task[Any]] = field(default_factory=list)
    # Stored /lang choices by user hash (None: no choice), so a check does not wait for a database read.
    # Least recently used entries go first when full; entries expire (LANGUAGE_CACHE_SECONDS).
    languages: TTLCache[str, str | None] = field(
        default_factory=lambda: TTLCache(LANGUAGE_CACHE_SIZE, LANGUAGE_CACHE_SECONDS))
    # Stored /region choices likewise (None: no choice, the region is guessed).
    regions: TTLCache[str, str | None] = field(
        default_factory=lambda: TTLCache(LANGUAGE_CACHE_SIZE, LANGUAGE_CACHE_SECONDS))

    def user_hash(self, user_id: int) -> str:
        """The keyed hash that stands for a Telegram user in the database (never the id itself)."""
        return keyed_hash(user_id, self.settings.secret)

    async def stored_language(self, user_id: int) -> str | None:
        """The user's /lang choice, from the cache or (at most once a minute per user) the database."""
        key = self.user_hash(user_id)
        try:
            return self.languages[key]
        except KeyError:
            language = self.languages[key] = await asyncio.to_thread(self.store.get_language, key)
            return language

    async def set_language(self, user_id: int, language: str) -> None:
        key = self.user_hash(user_id)
        await asyncio.to_thread(self.store.set_language, key, language)
        self.languages[key] = language

    async def stored_region(self, user_id: int) -> str | None:
        """The user's /region choice, cached like the language."""
        key = self.user_hash(user_id)
        try:
            return self.regions[key]
        except KeyError:
            region = self.regions[key] = await asyncio.to_thread(self.store.get_region, key)
            return region

    async def set_region(self, user_id: int, region: str | None) -> None:
        key = self.user_hash(user_id)
        await asyncio.to_thread(self.store.set_region, key, region)
        self.regions[key] = region

    def text_fingerprint(self, text: str) -> str:
        """Keyed hash of the normalised text: groups reports of one message without keeping it."""
        from nlp.textnorm import normalize_text

        return keyed_hash("text:" + " ".join(normalize_text(text).split()), self.settings.secret)


def services(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    return context.application.bot_data[SERVICES_KEY]
