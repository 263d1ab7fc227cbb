"""imports: candidate CSV imports and their line-by-line report

Revision ID: 0035_imports
Revises: 0034_eeo
Create Date: 2026-12-02 11:40:00

`candidate_imports` holds one upload (its files stay in storage until the run
ends), the confirmed column mapping and the progress; `candidate_import_rows`
the outcome of each data line, written with the batch it belongs to.
"""

import sqlalchemy as sa
from alembic import op

revision = "0035_imports"
down_revision = "0034_eeo"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "candidate_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("file_key", sa.String(length=64), nullable=True),
        sa.Column("resumes_key", sa.String(length=64), nullable=True),
        sa.Column("resumes_filename", sa.String(length=200), nullable=True),
        sa.Column("encoding", sa.String(length=20), nullable=False),
        sa.Column("delimiter", sa.String(length=1), nullable=False),
        sa.Column("header", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=True),
        sa.Column("processed_rows", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("skipped_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('uploaded', 'queued', 'running', 'done', 'failed')",
            name=op.f("ck_candidate_imports_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_candidate_imports_company_id_companies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_candidate_imports_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_imports")),
    )
    with op.batch_alter_table("candidate_imports", schema=None) as batch_op:
        batch_op.create_index("ix_candidate_imports_company_id_id", ["company_id", "id"], unique=False)
        batch_op.create_index("ix_candidate_imports_status", ["status"], unique=False)
    op.create_table(
        "candidate_import_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("outcome IN ('created', 'skipped')", name=op.f("ck_candidate_import_rows_outcome_known")),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_import_rows_candidate_id_candidates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["candidate_imports.id"],
            name=op.f("fk_candidate_import_rows_import_id_candidate_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_import_rows")),
        sa.UniqueConstraint("import_id", "line", name="uq_candidate_import_rows_import_line"),
    )
    with op.batch_alter_table("candidate_import_rows", schema=None) as batch_op:
        batch_op.create_index("ix_candidate_import_rows_candidate_id", ["candidate_id"], unique=False)


def downgrade():
    with op.batch_alter_table("candidate_import_rows", schema=None) as batch_op:
        batch_op.drop_index("ix_candidate_import_rows_candidate_id")
    op.drop_table("candidate_import_rows")
    with op.batch_alter_table("candidate_imports", schema=None) as batch_op:
        batch_op.drop_index("ix_candidate_imports_status")
        batch_op.drop_index("ix_candidate_imports_company_id_id")
    op.drop_table("candidate_imports")
