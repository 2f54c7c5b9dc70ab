"""Pending flows in the database: an appeal between its steps and a CSV import awaiting confirmation.

They lived in the bot's memory, so a restart lost them and, with several instances behind one webhook
address, the next step could reach an instance that had never seen the first.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 13:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_flows",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("owner_hash", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_pending_flows_expires_at", "pending_flows", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_pending_flows_expires_at", table_name="pending_flows")
    op.drop_table("pending_flows")
