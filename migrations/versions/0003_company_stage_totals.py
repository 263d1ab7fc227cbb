"""company totals per stage from an index

Revision ID: 0003_company_stage_totals
Revises: 0002_bench
Create Date: 2026-11-21 14:50:00

The dashboard home sums a company's kept stage counts: one row per job and
stage, 3,500 for a company of 500 jobs, read from the heap in 2.3 ms. With
(company_id, stage) and the count carried in the index (PostgreSQL INCLUDE),
the sum is an index-only scan in about 0.6 ms.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0003_company_stage_totals"
down_revision = "0002_bench"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job_stage_counts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_job_stage_counts_company_id_stage", ["company_id", "stage"], unique=False, postgresql_include=["count"]
        )


def downgrade():
    with op.batch_alter_table("job_stage_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_job_stage_counts_company_id_stage")
