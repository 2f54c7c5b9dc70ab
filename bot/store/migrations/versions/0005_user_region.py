"""A user's region (``/region``): which anti-fraud hotlines their verdicts name.

``user_preferences.region`` is "mainland", "hk", "tw" or "mo", NULL when the user chose none (the bot then
decides from their language and the numbers in their message). ``language`` becomes nullable: a user may
choose a region without ever choosing a language. On SQLite the nullability change copies the table (batch
mode).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_preferences") as batch:
        batch.add_column(sa.Column("region", sa.String(length=16), nullable=True))
        batch.alter_column("language", existing_type=sa.String(length=16), nullable=True)


def downgrade() -> None:
    # Rows that hold only a region have nothing to keep once the column is gone.
    op.execute("DELETE FROM user_preferences WHERE language IS NULL")
    with op.batch_alter_table("user_preferences") as batch:
        batch.alter_column("language", existing_type=sa.String(length=16), nullable=False)
        batch.drop_column("region")
