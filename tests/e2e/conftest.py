"""End-to-end fixtures: the fake Bot API server and the real bot process, once per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from e2e_harness import BotProcess
from fakes.telegram_api import FakeTelegram


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture(scope="module")
def polling_bot(fake: FakeTelegram, tmp_path_factory: pytest.TempPathFactory,
                request: pytest.FixtureRequest) -> Iterator[BotProcess]:
    """``fanzha run`` (long polling). A module may set ``BOT_ENV`` (extra environment) at module level."""
    extra = getattr(request.module, "BOT_ENV", {})
    bot = BotProcess(fake, tmp_path_factory.mktemp("bot"), **extra)
    try:
        bot.wait_ready()
        yield bot
    finally:
        bot.stop()
