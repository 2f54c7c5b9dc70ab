"""Alembic environment for the fanzha store.

``Store.open`` runs ``upgrade head`` on a connection it already holds (``config.attributes["connection"]``),
inside its own transaction; the ``alembic`` command line (``alembic -c bot/store/alembic.ini …``, for
writing new revisions) connects from ``sqlalchemy.url`` or ``FANZHA_DATABASE_URL`` instead.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from bot.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table copies for ALTER
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from bot.config import Settings

    url = config.get_main_option("sqlalchemy.url") or os.environ.get("FANZHA_DATABASE_URL")
    engine = create_engine(url or Settings().database_url, hide_parameters=True)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
