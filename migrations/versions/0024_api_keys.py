"""api keys: company credentials with scopes; history rows and notes name the key they were made with

Revision ID: 0024_api_keys
Revises: 0017_inbound_replies
Create Date: 2026-12-02 00:40:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024_api_keys"
down_revision = "0017_inbound_replies"
branch_labels = None
depends_on = None

MADE_WITH_KEY = ("stage_changes", "notes")


def upgrade():
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_api_keys_company_id_companies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_api_keys_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
    )
    op.create_index("ix_api_keys_prefix", "api_keys", ["prefix"], unique=True)
    op.create_index("ix_api_keys_company_id_id", "api_keys", ["company_id", "id"], unique=False)
    for table in MADE_WITH_KEY:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("api_key_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                f"fk_{table}_api_key_id_api_keys", "api_keys", ["api_key_id"], ["id"], ondelete="SET NULL"
            )


def downgrade():
    for table in MADE_WITH_KEY:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_api_key_id_api_keys", type_="foreignkey")
            batch_op.drop_column("api_key_id")
    op.drop_index("ix_api_keys_company_id_id", table_name="api_keys")
    op.drop_index("ix_api_keys_prefix", table_name="api_keys")
    op.drop_table("api_keys")
