"""scorecards: interviewers' structured feedback on interviews, and its earlier versions

Revision ID: 0028_scorecards
Revises: 0026_interviews
Create Date: 2026-12-02 08:00:00

`interview_feedback` holds one row per interviewer and interview (ratings per
scorecard attribute, a recommendation, private notes, a version raised on each
amendment); the application, job and company are copied in so per-application
and per-job reads use an index of this table alone.
`interview_feedback_revisions` keeps each earlier version in full, with who
wrote it and when.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028_scorecards"
down_revision = "0026_interviews"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade():
    op.create_table(
        "interview_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("recommendation", sa.String(length=12), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "recommendation IN ('strong_no', 'no', 'yes', 'strong_yes')",
            name=op.f("ck_interview_feedback_recommendation_known"),
        ),
        _fk("interview_feedback", "company_id", "companies", "CASCADE"),
        _fk("interview_feedback", "interview_id", "interviews", "CASCADE"),
        _fk("interview_feedback", "interviewer_id", "users", "CASCADE"),
        _fk("interview_feedback", "application_id", "applications", "CASCADE"),
        _fk("interview_feedback", "job_id", "jobs", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_feedback")),
        sa.UniqueConstraint(
            "interview_id", "interviewer_id", name="uq_interview_feedback_interview_id_interviewer_id"
        ),
    )
    op.create_index(
        "ix_interview_feedback_application_id_interviewer_id",
        "interview_feedback",
        ["application_id", "interviewer_id"],
        unique=False,
    )
    op.create_index(
        "ix_interview_feedback_job_id_application_id", "interview_feedback", ["job_id", "application_id"], unique=False
    )
    op.create_table(
        "interview_feedback_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("recommendation", sa.String(length=12), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=True),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        _fk("interview_feedback_revisions", "feedback_id", "interview_feedback", "CASCADE"),
        _fk("interview_feedback_revisions", "company_id", "companies", "CASCADE"),
        _fk("interview_feedback_revisions", "written_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_feedback_revisions")),
        sa.UniqueConstraint(
            "feedback_id", "version", name="uq_interview_feedback_revisions_feedback_id_version"
        ),
    )


def downgrade():
    op.drop_table("interview_feedback_revisions")
    op.drop_index("ix_interview_feedback_job_id_application_id", table_name="interview_feedback")
    op.drop_index("ix_interview_feedback_application_id_interviewer_id", table_name="interview_feedback")
    op.drop_table("interview_feedback")
