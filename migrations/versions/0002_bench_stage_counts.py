"""pipeline list index and per-job stage counts

Revision ID: 0002_bench
Revises: 0001
Create Date: 2026-11-21 12:10:00

A job's applications newest first need (job_id, id): with only
(job_id, stage, id) PostgreSQL walks the whole primary key backwards to find
an old job's rows. job_stage_counts keeps the number of applications per job
and stage, so the dashboard does not count applications on every load; it is
filled here from the applications already stored.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0002_bench"
down_revision = "0001"
branch_labels = None
depends_on = None

STAGES = "('applied', 'screening', 'interview', 'offer', 'hired', 'rejected', 'withdrawn')"


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index("ix_applications_job_id_id", ["job_id", "id"], unique=False)

    op.create_table(
        "job_stage_counts",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"stage IN {STAGES}", name=op.f("ck_job_stage_counts_stage_known")),
        sa.CheckConstraint("count >= 0", name=op.f("ck_job_stage_counts_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_job_stage_counts_company_id_companies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_job_stage_counts_job_id_jobs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id", "stage", name=op.f("pk_job_stage_counts")),
    )
    with op.batch_alter_table("job_stage_counts", schema=None) as batch_op:
        batch_op.create_index("ix_job_stage_counts_company_id_job_id", ["company_id", "job_id"], unique=False)

    op.execute(
        "INSERT INTO job_stage_counts (job_id, stage, company_id, count) "
        "SELECT job_id, stage, company_id, count(*) FROM applications GROUP BY job_id, stage, company_id"
    )


def downgrade():
    with op.batch_alter_table("job_stage_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_job_stage_counts_company_id_job_id")
    op.drop_table("job_stage_counts")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_job_id_id")
