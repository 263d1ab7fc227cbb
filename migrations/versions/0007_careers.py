"""careers site: job department, headcount, closing date, salary visibility; company logo

Revision ID: 0007_careers
Revises: 0003_company_stage_totals
Create Date: 2026-12-01 01:20:00

Existing jobs keep showing their salary (salary_visible defaults to true) and
count one opening; none has a closing date.

Plain ALTER TABLE statements, not a batch copy of the table: on SQLite a copy
drops and rebuilds `jobs`, which the foreign keys of existing applications
refuse. SQLite cannot add a CHECK constraint to an existing table, so there the
headcount range is the service's check alone.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007_careers"
down_revision = "0005_stored_files"
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    op.add_column("jobs", sa.Column("salary_visible", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column("jobs", sa.Column("department", sa.String(length=100), server_default="", nullable=False))
    op.add_column("jobs", sa.Column("headcount", sa.Integer(), server_default="1", nullable=False))
    op.add_column("jobs", sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_jobs_status_closes_at", "jobs", ["status", "closes_at"], unique=False)
    if not _sqlite():
        op.create_check_constraint(op.f("ck_jobs_headcount_range"), "jobs", "headcount BETWEEN 1 AND 10000")

    op.add_column("companies", sa.Column("logo_key", sa.String(length=64), nullable=True))
    op.add_column("companies", sa.Column("logo_content_type", sa.String(length=50), nullable=True))


def downgrade():
    op.drop_column("companies", "logo_content_type")
    op.drop_column("companies", "logo_key")

    if not _sqlite():
        op.drop_constraint(op.f("ck_jobs_headcount_range"), "jobs", type_="check")
    op.drop_index("ix_jobs_status_closes_at", table_name="jobs")
    op.drop_column("jobs", "closes_at")
    op.drop_column("jobs", "headcount")
    op.drop_column("jobs", "department")
    op.drop_column("jobs", "salary_visible")
