"""Reports and feedback remember the verdict (stored check) they were filed from.

One report and one "wrong verdict" per user and verdict, whichever way they come: with or without the
text, or after the original message was deleted (then there is no text or number to tell two reports
apart). The unique index makes a double tap that reaches two instances store one feedback row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reports", sa.Column("check_id", sa.String(length=16), nullable=True))
    op.add_column("feedback", sa.Column("check_id", sa.String(length=16), nullable=True))
    op.create_index("ix_reports_reporter_check", "reports", ["reporter_hash", "check_id"])
    op.create_index("ix_feedback_user_created", "feedback", ["user_hash", "created_at"])
    op.create_index("uq_feedback_user_check", "feedback", ["user_hash", "check_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_feedback_user_check", table_name="feedback")
    op.drop_index("ix_feedback_user_created", table_name="feedback")
    op.drop_index("ix_reports_reporter_check", table_name="reports")
    # Plain ALTER TABLE … DROP COLUMN (SQLite has it since 3.35): the columns carry no index any more.
    op.drop_column("feedback", "check_id")
    op.drop_column("reports", "check_id")
