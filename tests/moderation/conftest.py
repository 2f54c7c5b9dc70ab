"""A ``Moderation`` service over the shared ``store`` fixture (SQLite and PostgreSQL), with a movable clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.moderation import Moderation
from bot.store.models import utcnow

ADMIN = 1000
MODERATOR = 2000
USER = 3000


class Clock:
    """The service's notion of "now" (reports are stamped by the database; the window is read from here)."""

    def __init__(self) -> None:
        self.now: datetime | None = None

    def __call__(self) -> datetime:
        return self.now or utcnow()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def moderation(store, clock) -> Moderation:
    service = Moderation(store, admin_ids=[ADMIN], secret="test-secret", report_threshold=3,
                         reports_per_hour=4, clock=clock)
    service.add_moderator(ADMIN, MODERATOR)
    return service
