"""Shared fixtures: a database URL on SQLite and on PostgreSQL, and a ``Store`` on it.

``db_url`` runs each test twice: on a fresh SQLite file and on a fresh PostgreSQL database created on the
local server (127.0.0.1:5432, user postgres) and dropped afterwards. A PostgreSQL server that cannot be
reached FAILS the test: CI must not pass by skipping the PostgreSQL half.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pgdb import new_pg_database


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A brand-new, uniquely named PostgreSQL database (dropped at the end)."""
    with new_pg_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A SQLite file that does not exist yet, in a folder that does not exist yet."""
    return f"sqlite:///{tmp_path / 'new-folder' / 'fanzha.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request) -> str:
    """The same test on SQLite and on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def store(db_url):
    """An opened store (schema migrated, allowlist seeded) on ``db_url``."""
    from bot.store import Store

    opened = Store.open(db_url)
    try:
        yield opened
    finally:
        opened.close()
