"""delayed sends: an outbox message may wait until its due time

Revision ID: 0011_due_mail
Revises: 0009_apply_row
Create Date: 2026-12-01 05:50:00

`outbox_messages.due_at`: the message is handed on only from then (a delayed
rejection email); the periodic sweep picks due messages up, so the schedule
lives in the database and survives losing Redis.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_due_mail"
down_revision = "0009_apply_row"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("due_at")
