"""privacy: retention policies and runs, anonymised candidates, legal holds, withdrawn consent

Revision ID: 0032_privacy
Revises: 0031_duplicates
Create Date: 2026-12-02 07:40:00

`companies.retention_days` / `retention_hired_days` are the policy (NULL: off).
`candidates.anonymised_at` marks an erased record (its identity is a tombstone);
`legal_hold_*` keeps a record from erasure; `consent_withdrawn_at` stops further
use. `retention_runs` records every run (ids only).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0032_privacy"
down_revision = "0031_duplicates"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("retention_hired_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("legal_hold_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("legal_hold_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("legal_hold_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("consent_withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_candidates_legal_hold_by_id_users"), "users", ["legal_hold_by_id"], ["id"], ondelete="SET NULL"
        )
    op.create_table(
        "retention_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("anonymised", sa.JSON(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_retention_runs_company_id_companies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_retention_runs_actor_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
    )
    op.create_index("ix_retention_runs_company_id_id", "retention_runs", ["company_id", "id"], unique=False)


def downgrade():
    op.drop_index("ix_retention_runs_company_id_id", table_name="retention_runs")
    op.drop_table("retention_runs")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_candidates_legal_hold_by_id_users"), type_="foreignkey")
        batch_op.drop_column("consent_withdrawn_at")
        batch_op.drop_column("legal_hold_by_id")
        batch_op.drop_column("legal_hold_reason")
        batch_op.drop_column("legal_hold_at")
        batch_op.drop_column("anonymised_at")
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_column("retention_hired_days")
        batch_op.drop_column("retention_days")
