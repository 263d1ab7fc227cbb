"""analytics: the undo rows found from a small partial index

Revision ID: 0021_analytics
Revises: 0018_notifications
Create Date: 2026-12-02 01:20:00

The reports leave out undone moves: every history row is checked against the
rows that undo it (`undo_of_id`). Only undo rows carry it, so a partial index
over them stays tiny and turns that check into a small hash instead of a
second pass over the company's whole history.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_analytics"
down_revision = "0018_notifications"
branch_labels = None
depends_on = None

WHERE = sa.text("undo_of_id IS NOT NULL")


def upgrade():
    op.create_index(
        "ix_stage_changes_undo_of_id", "stage_changes", ["undo_of_id"], postgresql_where=WHERE, sqlite_where=WHERE
    )


def downgrade():
    op.drop_index("ix_stage_changes_undo_of_id", table_name="stage_changes")
