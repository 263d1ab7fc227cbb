"""Candidates' own data requests: exports to download and erasures to confirm.

Revision ID: 0033_data_requests
Revises: 0027_offers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033_data_requests"
down_revision = "0027_offers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
        sa.Column("candidate_id", sa.Integer(), sa.ForeignKey("candidates.id", ondelete="CASCADE"), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("file_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('export', 'erase')", name=op.f("ck_data_requests_kind_known")),
        sa.CheckConstraint("status IN ('pending', 'ready', 'done', 'failed', 'expired')", name=op.f("ck_data_requests_status_known")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_data_requests_token_hash")),
    )
    op.create_index("ix_data_requests_user_id", "data_requests", ["user_id"])
    op.create_index("ix_data_requests_candidate_id", "data_requests", ["candidate_id"])


def downgrade() -> None:
    op.drop_index("ix_data_requests_candidate_id", table_name="data_requests")
    op.drop_index("ix_data_requests_user_id", table_name="data_requests")
    op.drop_table("data_requests")
