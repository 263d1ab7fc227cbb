"""messages about an application: the outbox row names its application and who wrote it

Revision ID: 0014_message_application
Revises: 0012_mail_snapshot
Create Date: 2026-12-01 08:10:00

`outbox_messages.application_id` (the application's activity lists its messages,
and a reply finds its application through it) and `sent_by_id` (the staff member
who wrote a message from the application page). Existing rows keep NULL: the
messages queued before knew only their stage change.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_message_application"
down_revision = "0012_mail_snapshot"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("application_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sent_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_outbox_messages_application_id_applications",
            "applications",
            ["application_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            "fk_outbox_messages_sent_by_id_users", "users", ["sent_by_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_outbox_messages_application_id_id", ["application_id", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_application_id_id")
        batch_op.drop_constraint("fk_outbox_messages_sent_by_id_users", type_="foreignkey")
        batch_op.drop_constraint("fk_outbox_messages_application_id_applications", type_="foreignkey")
        batch_op.drop_column("sent_by_id")
        batch_op.drop_column("application_id")
