"""Whatever arrives from Telegram, the real bot answers once, within Telegram's limits, and never errs.

The real Application from the composition root, over HTTP to the fake Bot API (strict like Telegram: it
refuses a message over 4,096 characters or a malformed reply), on a real SQLite file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.telegram_api import FakeTelegram, user
from fuzz_profile import examples
from fuzz_strategies import message_text, phone_like
from hypothesis import given, settings
from hypothesis import strategies as st
from tg_harness import InProcessBot, running_bot

ALICE = user(4242, "阿丽")


class _Bot:
    """One bot for the whole module on one event loop (hypothesis drives a synchronous test)."""

    def __init__(self, fake: FakeTelegram, tmp: Path) -> None:
        self.runner = asyncio.Runner()
        self.fake = fake
        self.errors: list[BaseException] = []
        self._context = running_bot(fake, tmp, checks_per_minute=1_000_000)
        self.bot: InProcessBot = self.runner.run(self._context.__aenter__())

        async def record(update: object, context: Any) -> None:
            self.errors.append(context.error)

        self.bot.app.add_error_handler(record)

    def feed(self, body: dict[str, Any]) -> int:
        return self.runner.run(self.bot.send(body))[0]

    def close(self) -> None:
        self.runner.run(self._context.__aexit__(None, None, None))
        self.runner.close()


@pytest.fixture(scope="module")
def tg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Bot]:
    with FakeTelegram() as fake:
        bot = _Bot(fake, tmp_path_factory.mktemp("fuzztg"))
        try:
            yield bot
        finally:
            bot.close()


def _replies(tg: _Bot, since: int) -> list[Any]:
    return [c for c in tg.fake.calls_of("sendMessage", since=since) if c.params.get("chat_id") == ALICE["id"]]


@settings(max_examples=examples(700))
@given(message_text())
def test_any_private_text_gets_exactly_one_reply(tg: _Bot, text: str) -> None:
    mark = tg.feed({"message": tg.fake.message(ALICE, text)})
    replies = _replies(tg, mark)
    assert not tg.errors, repr(tg.errors[-1])
    assert len(replies) == 1, f"{len(replies)} replies"
    assert replies[0].fault is None and replies[0].status == 200, replies[0].fault


COMMANDS = ("/start", "/help", "/check", "/number", "/lang", "/report", "/appeal", "/cancel", "/lookup",
            "/block", "/allow", "/export", "/queue", "/mod", "/quiet", "/privacy")


@settings(max_examples=examples(400))
@given(st.sampled_from(COMMANDS), st.one_of(message_text(), phone_like()))
def test_any_command_with_any_arguments_is_answered_without_error(tg: _Bot, command: str, args: str) -> None:
    mark = tg.feed({"message": tg.fake.message(ALICE, f"{command} {args}")})
    assert not tg.errors, repr(tg.errors[-1])
    for call in tg.fake.calls_of("sendMessage", since=mark):
        assert call.fault is None and call.status == 200, call.fault


@settings(max_examples=examples(300))
@given(phone_like(), st.text(max_size=64))
def test_contacts_and_button_data_never_break_the_bot(tg: _Bot, phone: str, data: str) -> None:
    tg.feed({"message": tg.fake.message(ALICE, contact={"phone_number": phone or "0", "first_name": "客服"})})
    verdict = tg.fake.message({"id": 1, "is_bot": True, "first_name": "bot"}, "🟢", chat={"id": ALICE["id"],
                              "type": "private", "first_name": ALICE["first_name"]})
    tg.feed({"callback_query": {"id": "cb", "from": ALICE, "message": verdict, "chat_instance": "ci",
                                "data": data or "x"}})
    assert not tg.errors, repr(tg.errors[-1])

