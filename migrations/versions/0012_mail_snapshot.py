"""mail rendered at send time: an outbox message keeps its template and a snapshot of its merge fields

Revision ID: 0012_mail_snapshot
Revises: 0013_email_templates
Create Date: 2026-12-02 06:00:00

`outbox_messages.template` and `outbox_messages.context` (JSON): the request
writes them, the worker renders the bodies from them when it sends, so
`text_body` is empty until then. Going back, a message still waiting to be
rendered cannot be sent by the older code: it is marked failed (with the
reason) and its body left empty.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_mail_snapshot"
down_revision = "0013_email_templates"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("context", sa.JSON(), nullable=True))
        batch_op.alter_column("text_body", existing_type=sa.Text(), nullable=True)


def downgrade():
    op.execute(
        "UPDATE outbox_messages SET status = 'failed',"
        " last_error = 'Not rendered: the mail schema was downgraded before it was sent.'"
        " WHERE text_body IS NULL AND status = 'pending'"
    )
    op.execute("UPDATE outbox_messages SET text_body = '' WHERE text_body IS NULL")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.alter_column("text_body", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("context")
        batch_op.drop_column("template")
