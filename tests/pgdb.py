"""A brand-new PostgreSQL database on the local server, dropped afterwards (for fixtures of any scope)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

PG_ADMIN_DSN = os.environ.get("FANZHA_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_base() -> str:
    return PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def new_pg_database() -> Iterator[str]:
    """A uniquely named database's SQLAlchemy URL. An unreachable server FAILS the test: CI must not pass by
    skipping the PostgreSQL half."""
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
