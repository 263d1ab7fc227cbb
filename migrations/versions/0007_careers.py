"""careers site: job department, headcount, closing date, salary visibility; company logo

Revision ID: 0007_careers
Revises: 0003_company_stage_totals
Create Date: 2026-12-01 01:20:00

Existing jobs keep showing their salary (salary_visible defaults to true) and
count one opening; none has a closing date.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007_careers"
down_revision = "0003_company_stage_totals"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("salary_visible", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("department", sa.String(length=100), server_default="", nullable=False))
        batch_op.add_column(sa.Column("headcount", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f("ck_jobs_headcount_range"), "headcount BETWEEN 1 AND 10000")
        batch_op.create_index("ix_jobs_status_closes_at", ["status", "closes_at"], unique=False)

    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("logo_content_type", sa.String(length=50), nullable=True))


def downgrade():
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_column("logo_content_type")
        batch_op.drop_column("logo_key")

    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_status_closes_at")
        batch_op.drop_constraint(op.f("ck_jobs_headcount_range"), type_="check")
        batch_op.drop_column("closes_at")
        batch_op.drop_column("headcount")
        batch_op.drop_column("department")
        batch_op.drop_column("salary_visible")
