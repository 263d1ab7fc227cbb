"""Candidate imports count their failed runs in a column of their own.

Revision ID: 0038_import_attempts
Revises: 0036_report_summaries
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0038_import_attempts"
down_revision = "0036_report_summaries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("candidate_imports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("candidate_imports", schema=None) as batch_op:
        batch_op.drop_column("failed_attempts")
