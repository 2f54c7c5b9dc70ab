"""Migration 0005 (a user's region for /region) on SQLite and PostgreSQL: old language choices are kept, a
region can be kept without a language, the two choices leave each other alone, and it downgrades cleanly."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from bot.store import Store
from bot.store.engine import MIGRATIONS_DIR


def _alembic(store: Store, action, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        action(config, revision)


def _columns(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns("user_preferences")}


def test_0005_keeps_languages_and_stores_regions_apart_from_them(db_url):
    with Store.open(db_url, allowlist_seed=None) as store:
        _alembic(store, command.downgrade, "0004")
        assert "region" not in _columns(store)
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO user_preferences (user_hash, language, updated_at) "
                              "VALUES ('old', 'zh-Hant', CURRENT_TIMESTAMP)"))
        store.migrate()
        assert (store.get_language("old"), store.get_region("old")) == ("zh-Hant", None)

        store.set_region("old", "hk")
        store.set_region("new", "tw")  # a region chosen before any language
        store.set_language("new", "en")
        assert (store.get_language("old"), store.get_region("old")) == ("zh-Hant", "hk")
        assert (store.get_language("new"), store.get_region("new")) == ("en", "tw")
        store.set_region("old", None)  # /region auto
        assert (store.get_language("old"), store.get_region("old")) == ("zh-Hant", None)

        store.set_region("only-region", "mo")
        assert (store.get_language("only-region"), store.get_region("only-region")) == (None, "mo")
        _alembic(store, command.downgrade, "0004")
        assert "region" not in _columns(store)
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT user_hash, language FROM user_preferences ORDER BY user_hash")).all()
        assert [tuple(r) for r in rows] == [("new", "en"), ("old", "zh-Hant")]
