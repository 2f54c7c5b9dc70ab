"""The schema comes from Alembic on first use, matches the models, and downgrades cleanly."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from bot import PROJECT_ROOT
from bot.store import Store
from bot.store.engine import MIGRATIONS_DIR
from bot.store.models import Base


def test_new_database_is_migrated_to_head_and_matches_the_models(db_url):
    with Store.open(db_url, allowlist_seed=None) as store, store.engine.connect() as conn:
        context = MigrationContext.configure(conn)
        assert context.get_current_revision() == "0006"
        assert compare_metadata(context, Base.metadata) == []
        assert set(inspect(conn).get_table_names()) >= set(Base.metadata.tables)


def test_reopening_and_downgrade_upgrade_cycle(db_url):
    with Store.open(db_url) as store:
        store.add_blocklist("+8613800138000", "other", actor=1)
    with Store.open(db_url) as store:  # second open: no migration, data kept
        assert store.lookup("+8613800138000") is not None
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with store.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        with store.engine.connect() as conn:
            assert "blocklist_entries" not in inspect(conn).get_table_names()
        store.migrate()
        assert store.lookup("+8613800138000") is None


def test_open_works_from_another_working_directory(tmp_path):
    url = f"sqlite:///{tmp_path / 'a' / 'b' / 'fanzha.db'}"
    code = f"from bot.store import Store; s = Store.open({url!r}); print(len(s.all_allowlist()))"
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    result = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, check=True)
    assert int(result.stdout) >= 50


def _alembic(store: Store, action, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        action(config, revision)


_ROW = ("INSERT INTO blocklist_entries (number_key, match, category, evidence, source, added_by, created_at, "
        "updated_at, reporter_count, active) VALUES (:key, :match, 'other', 'old row', 'moderator', '1', "
        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0, true)")


def test_0002_keeps_existing_entries_and_the_checks_still_refuse_bad_values(db_url):
    with Store.open(db_url, allowlist_seed=None) as store:
        _alembic(store, command.downgrade, "0001")
        with store.engine.begin() as conn:
            conn.execute(text(_ROW), {"key": "+8613800138000", "match": "exact"})
        store.migrate()  # 0001 -> 0002: on SQLite a table copy
        entry = store.lookup("+8613800138000")
        assert (entry.evidence, entry.import_batch_id) == ("old row", None)
        with pytest.raises(IntegrityError, match="ck_blocklist_match"), store.engine.begin() as conn:
            conn.execute(text(_ROW), {"key": "+8613900139000", "match": "range"})
        with pytest.raises(IntegrityError, match="ck_blocklist_source"), store.engine.begin() as conn:
            conn.execute(text(_ROW.replace("'moderator'", "'somebody'")), {"key": "+8613900139000", "match": "exact"})
        _alembic(store, command.downgrade, "0001")  # and back: the row survives again
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT evidence FROM blocklist_entries")).scalar_one() == "old row"
            assert "import_batch_id" not in {c["name"] for c in inspect(conn).get_columns("blocklist_entries")}


def test_the_newest_revision_read_from_the_files_is_alembics_head() -> None:
    """Start-up skips Alembic for a database at ``_newest_revision()``: it must be the head Alembic would reach."""
    from alembic.script import ScriptDirectory

    from bot.store.engine import _newest_revision

    assert [_newest_revision()] == ScriptDirectory(str(MIGRATIONS_DIR)).get_heads()


def test_an_up_to_date_database_opens_without_alembic_and_an_old_one_is_still_upgraded(db_url) -> None:
    """Every command opens the store: at head it must not pay for importing Alembic; one revision behind (after
    an upgrade of the bot) it must still be migrated, not taken as current."""
    Store.open(db_url, allowlist_seed=None).close()
    probe = ("import sys; from bot.store import Store; Store.open(sys.argv[1], allowlist_seed=None).close(); "
             "print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe, db_url], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    with Store.open(db_url, allowlist_seed=None) as store:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0005")
    with Store.open(db_url, allowlist_seed=None) as store, store.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == "0006"
