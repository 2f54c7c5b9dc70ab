"""Shared fixtures: a database URL on SQLite and on PostgreSQL, and a ``Store`` on it.

``db_url`` runs each test twice: on a fresh SQLite file and on a fresh PostgreSQL database created on the
local server (127.0.0.1:5432, user postgres) and dropped afterwards. A PostgreSQL server that cannot be
reached FAILS the test: CI must not pass by skipping the PostgreSQL half.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

PG_ADMIN_DSN = os.environ.get("FANZHA_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_base() -> str:
    return PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A brand-new, uniquely named PostgreSQL database (dropped at the end)."""
    import psycopg

    name = f"fanzha_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {PG_ADMIN_DSN} is not reachable (start it: scripts/ensure-services): {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{_pg_base()}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
