"""Migration 0004 (reports and feedback remember their verdict) on SQLite and PostgreSQL: existing rows are
kept, the one-feedback-per-user-and-verdict rule is the database's, and it downgrades cleanly."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from bot.store import Store
from bot.store.engine import MIGRATIONS_DIR

_FEEDBACK = ("INSERT INTO feedback (user_hash, text, verdict, status, created_at{extra}) "
             "VALUES ('u1', NULL, '{{}}', 'pending', CURRENT_TIMESTAMP{values})")


def _alembic(store: Store, action, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        action(config, revision)


def _columns(store: Store, table: str) -> set[str]:
    with store.engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


def test_0004_keeps_old_rows_and_makes_feedback_unique_per_user_and_verdict(db_url):
    with Store.open(db_url, allowlist_seed=None) as store:
        _alembic(store, command.downgrade, "0003")
        assert "check_id" not in _columns(store, "feedback") | _columns(store, "reports")
        with store.engine.begin() as conn:
            conn.execute(text(_FEEDBACK.format(extra="", values="")))
            conn.execute(text(_FEEDBACK.format(extra="", values="")))  # before 0004 nothing stopped this
        store.migrate()
        assert {"check_id"} <= _columns(store, "feedback") & _columns(store, "reports")
        assert [f.check_id for f in store.feedback_items(status=None)] == [None, None]  # old rows kept
        with store.engine.begin() as conn:
            conn.execute(text(_FEEDBACK.format(extra=", check_id", values=", 'abc'")))
        with pytest.raises(IntegrityError, match=r"uq_feedback_user_check|UNIQUE"), store.engine.begin() as conn:
            conn.execute(text(_FEEDBACK.format(extra=", check_id", values=", 'abc'")))
        _alembic(store, command.downgrade, "0003")
        assert "check_id" not in _columns(store, "feedback") | _columns(store, "reports")
        with store.engine.connect() as conn:
            assert len(conn.execute(text("SELECT id FROM feedback")).all()) == 3
