"""replies by email: per-application reply addresses and the replies received

Revision ID: 0017_inbound_replies
Revises: 0014_message_application
Create Date: 2026-12-01 08:30:00

`reply_addresses` holds each application's reply token (at most one live per
application, a partial unique index; revoked ones stay so a late reply is
refused as revoked). It is a table of its own, written by the mail worker, so
applying and moving write nothing more and the worker never locks the
application row while it talks to the mail server. `inbound_messages` keeps
the replies, once per (application, Message-ID).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_inbound_replies"
down_revision = "0022_idempotency"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reply_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_reply_addresses_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_reply_addresses_company_id_companies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_reply_addresses_revoked_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_addresses")),
        sa.UniqueConstraint("token", name=op.f("uq_reply_addresses_token")),
    )
    with op.batch_alter_table("reply_addresses", schema=None) as batch_op:
        batch_op.create_index("ix_reply_addresses_application_id_id", ["application_id", "id"], unique=False)
        batch_op.create_index(
            "uq_reply_addresses_live_application_id",
            ["application_id"],
            unique=True,
            postgresql_where=sa.text("revoked_at IS NULL"),
            sqlite_where=sa.text("revoked_at IS NULL"),
        )

    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("from_address", sa.String(length=254), nullable=False),
        sa.Column("from_name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("in_reply_to", sa.String(length=255), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("dropped", sa.JSON(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_inbound_messages_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_inbound_messages_company_id_companies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_inbound_messages_outbox_message_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint("application_id", "message_id", name="uq_inbound_messages_application_message"),
    )
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.create_index("ix_inbound_messages_application_id_id", ["application_id", "id"], unique=False)
        batch_op.create_index("ix_inbound_messages_company_id_id", ["company_id", "id"], unique=False)


def downgrade():
    op.drop_table("inbound_messages")
    op.drop_table("reply_addresses")
