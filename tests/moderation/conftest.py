"""A ``Moderation`` service over the shared ``store`` fixture (SQLite and PostgreSQL), with a movable clock.

``service`` is the same service over SQLite alone, each test on its own copy of one migrated and seeded
database: a fresh store in milliseconds instead of a migration and an allowlist seed (a second or two) per
test, for the service tests (``test_service_*.py``) that judge ``bot/moderation.py``'s mutants
(scripts/mutation.py runs them once per mutant). The SQL is the store's; its PostgreSQL half is tested
through ``store`` and ``moderation``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot import phones
from bot.moderation import Moderation
from bot.store import Store
from bot.store.models import utcnow


def _make_template() -> Path:
    """A migrated SQLite database seeded with the shipped allowlist, closed (its WAL folded into the file),
    removed when the process that made it exits (not by a forked child, which shares the file)."""
    folder = Path(tempfile.mkdtemp(prefix="fanzha-moderation-template-"))
    maker = os.getpid()
    atexit.register(lambda: os.getpid() == maker and shutil.rmtree(folder, ignore_errors=True))
    path = folder / "fanzha.db"
    Store.open(f"sqlite:///{path}").close()
    return path


# Made when the tests are collected, with phonenumbers' geocoder and carrier tables (which the service's
# appeal and allowlist checks load) rather than in the first test: mutmut forks one pytest per mutant from a
# process that has collected these tests already, so each of those runs starts with both ready.
TEMPLATE = _make_template()
phones.warm_up()

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


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """A store of its own for each test, as ``Store.open`` leaves a new database, copied from the template."""
    path = tmp_path / "fanzha.db"
    shutil.copyfile(TEMPLATE, path)
    with Store.open(f"sqlite:///{path}", allowlist_seed=None) as opened:
        yield opened


@pytest.fixture
def service(sqlite_store: Store, clock: Clock) -> Moderation:
    """The ``moderation`` fixture's service (same ids, secret, threshold 3, 4 reports an hour) on SQLite."""
    moderation = Moderation(sqlite_store, admin_ids=[ADMIN], secret="test-secret", report_threshold=3,
                            reports_per_hour=4, clock=clock)
    moderation.add_moderator(ADMIN, MODERATOR)
    return moderation
