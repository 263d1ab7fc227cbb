"""stored files: uploaded files kept in the database

Revision ID: 0005_stored_files
Revises: 0003_company_stage_totals
Create Date: 2026-12-01 01:20:00

With STORAGE_BACKEND=database, resumes live here instead of in a directory of
one web host, so every host sharing the database serves them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005_stored_files"
down_revision = "0003_company_stage_totals"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_files",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size >= 0", name=op.f("ck_stored_files_size_not_negative")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stored_files")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Resumes (PDF, DOCX) are compressed already: keep them out of line, uncompressed.
        op.execute("ALTER TABLE stored_files ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade():
    op.drop_table("stored_files")
