"""Blocklist imports: entries remember the import that created them; cheaper CHECKs for bulk inserts.

- ``blocklist_entries.import_batch_id``: the audit row of the import that created the entry (an import
  writes one audit row per file, not one per added number).
- The ``match`` and ``source`` CHECKs are rewritten from ``IN (…)`` to ``… OR …`` (same rule): SQLite
  builds a temporary table per inserted row for an ``IN`` list, ~2 s of a 1,000,000-row import.
  SQLite cannot alter a CHECK, so there the table is copied once (batch mode).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 08:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_MATCH = ("exact", "prefix")
_SOURCES = ("moderator", "import", "reports")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return " OR ".join(f"{column} = {v!r}" for v in values)


def _checks(rule) -> dict[str, str]:
    return {"ck_blocklist_match": rule("match", _MATCH), "ck_blocklist_source": rule("source", _SOURCES)}


def _blocklist_table(checks: dict[str, str], *, with_import_batch: bool) -> sa.Table:
    """The table as this revision (or the one before) defines it, for SQLite's table copy."""
    columns = [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number_key", sa.String(length=32), nullable=False),
        sa.Column("match", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reporter_count", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.String(length=64), nullable=True),
        sa.Column("removed_reason", sa.Text(), nullable=True),
    ]
    if with_import_batch:
        columns.append(sa.Column("import_batch_id", sa.Integer(), nullable=True))
    return sa.Table(
        "blocklist_entries", sa.MetaData(), *columns,
        *(sa.CheckConstraint(rule, name=name) for name, rule in checks.items()),
        sa.CheckConstraint("reporter_count >= 0", name="ck_blocklist_reporter_count"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number_key", "match", name="uq_blocklist_number_match"),
    )


def _replace_checks_postgresql(checks: dict[str, str]) -> None:
    for name, rule in checks.items():
        op.drop_constraint(name, "blocklist_entries", type_="check")
        op.create_check_constraint(name, "blocklist_entries", rule)


def upgrade() -> None:
    # A nullable column without a default: an instant ALTER on both databases.
    op.add_column("blocklist_entries", sa.Column("import_batch_id", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        new = _blocklist_table(_checks(_one_of), with_import_batch=True)
        with op.batch_alter_table("blocklist_entries", copy_from=new, recreate="always"):
            pass
    else:
        _replace_checks_postgresql(_checks(_one_of))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Copying from the old definition drops import_batch_id and restores the IN checks.
        old = _blocklist_table(_checks(_in), with_import_batch=False)
        with op.batch_alter_table("blocklist_entries", copy_from=old, recreate="always"):
            pass
    else:
        _replace_checks_postgresql(_checks(_in))
        op.drop_column("blocklist_entries", "import_batch_id")
