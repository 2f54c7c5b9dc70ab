"""The in-process bot for handler tests: the real Application from the composition root, fed with
``process_update``, talking HTTP to the fake Bot API, over a real SQLite file (model off for speed)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fakes.telegram_api import Call, FakeTelegram, entity
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.telegram.app import build_application, start_services, stop_services
from bot.telegram.services import SERVICES_KEY, Services


class InProcessBot:
    """The Application plus helpers to feed updates and read the database."""

    def __init__(self, application: Application, fake: FakeTelegram, db_path: Path) -> None:
        self.app = application
        self.fake = fake
        self.db_path = db_path

    @property
    def services(self) -> Services:
        return self.app.bot_data[SERVICES_KEY]

    async def feed(self, update: dict[str, Any]) -> int:
        """Process one update to the end; returns the fake's call mark from before it."""
        mark = self.fake.mark()
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return mark

    async def send(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Feed ``{"message": …}``-style bodies; returns (mark, update)."""
        update = self.fake.make_update(body)
        return await self.feed(update), update

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db_path) as db:
            return db.execute(sql, params).fetchall()

    def database_bytes(self) -> bytes:
        """The database file and its WAL, as they lie on disk."""
        return b"".join(p.read_bytes() for p in self.db_path.parent.glob(self.db_path.name + "*"))


@asynccontextmanager
async def running_bot(fake: FakeTelegram, tmp_path: Path, **overrides: Any) -> AsyncIterator[InProcessBot]:
    db_path = tmp_path / "bot.db"
    values: dict[str, Any] = {
        "telegram_bot_token": fake.token, "telegram_api_url": fake.api_url,
        "database_url": f"sqlite:///{db_path}", "use_model": False,
        "secret": "in-process-test-secret-of-32-bytes-or-more",  # the bot refuses one under 32 bytes
        **overrides,
    }
    application = build_application(Settings(**values))
    await application.initialize()
    await start_services(application)
    try:
        yield InProcessBot(application, fake, db_path)
    finally:
        await stop_services(application)
        await application.shutdown()


def command_message(bot: InProcessBot, person: dict[str, Any], text: str, **fields: Any) -> dict[str, Any]:
    """A message from ``person`` whose first word is a bot command, with its entity as Telegram sends it."""
    return bot.fake.message(person, text, entities=[entity(text, text.split()[0], "bot_command")], **fields)


async def say(bot: InProcessBot, person: dict[str, Any], text: str | None, **fields: Any) -> Call:
    """Send ``text`` (a command when it starts with /) as ``person``; the bot's first reply in that chat."""
    message = command_message(bot, person, text, **fields) if text and text.startswith("/") else \
        bot.fake.message(person, text, **fields)
    mark, _ = await bot.send({"message": message})
    chat_id = fields["chat"]["id"] if "chat" in fields else person["id"]
    return bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=chat_id)
