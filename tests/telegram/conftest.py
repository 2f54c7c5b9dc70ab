"""Fixtures for the in-process bot tests (see ``tg_harness``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fakes.telegram_api import FakeTelegram
from tg_harness import InProcessBot, running_bot


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[InProcessBot]:
    async with running_bot(fake, tmp_path) as running:
        yield running
