"""candidate profiles: a version on candidates, tags, talent pools

Revision ID: 0020_tags_pools
Revises: 0023_webhooks
Create Date: 2026-12-02 00:40:00

`candidates.version` guards staff edits (optimistic; existing rows start at 1).
`tags` is each company's vocabulary, unique per company whatever the case
(`key` holds the name lower-cased); `candidate_tags` puts them on candidates.
`talent_pools` are named lists of a company's candidates, `pool_members` their
members (who added them, when), keyset-paged by id.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_tags_pools"
down_revision = "0023_webhooks"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade():
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))

    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("tags", "company_id", "companies", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("company_id", "key", name="uq_tags_company_key"),
    )
    op.create_table(
        "candidate_tags",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        _fk("candidate_tags", "candidate_id", "candidates", "CASCADE"),
        _fk("candidate_tags", "tag_id", "tags", "CASCADE"),
        _fk("candidate_tags", "added_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("candidate_id", "tag_id", name=op.f("pk_candidate_tags")),
    )
    op.create_index("ix_candidate_tags_tag_id", "candidate_tags", ["tag_id"], unique=False)
    op.create_table(
        "talent_pools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("talent_pools", "company_id", "companies", "CASCADE"),
        _fk("talent_pools", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_pools")),
        sa.UniqueConstraint("company_id", "key", name="uq_talent_pools_company_key"),
    )
    op.create_index("ix_talent_pools_company_id_id", "talent_pools", ["company_id", "id"], unique=False)
    op.create_table(
        "pool_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        _fk("pool_members", "pool_id", "talent_pools", "CASCADE"),
        _fk("pool_members", "candidate_id", "candidates", "CASCADE"),
        _fk("pool_members", "added_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_members")),
        sa.UniqueConstraint("pool_id", "candidate_id", name="uq_pool_members_pool_candidate"),
    )
    op.create_index("ix_pool_members_pool_id_id", "pool_members", ["pool_id", "id"], unique=False)
    op.create_index("ix_pool_members_candidate_id", "pool_members", ["candidate_id"], unique=False)


def downgrade():
    op.drop_index("ix_pool_members_candidate_id", table_name="pool_members")
    op.drop_index("ix_pool_members_pool_id_id", table_name="pool_members")
    op.drop_table("pool_members")
    op.drop_index("ix_talent_pools_company_id_id", table_name="talent_pools")
    op.drop_table("talent_pools")
    op.drop_index("ix_candidate_tags_tag_id", table_name="candidate_tags")
    op.drop_table("candidate_tags")
    op.drop_table("tags")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_column("version")
