"""interviews: interview plans per job, interviews on applications, interviewers, calendar feeds

Revision ID: 0026_interviews
Revises: 0032_privacy
Create Date: 2026-12-02 07:30:00

`interview_kinds` is each job's interview plan (name, duration, place, default
interviewers, scorecard attributes). `interviews` are scheduled on applications
with UTC times and the IANA time zone they were planned in, a fixed iCalendar
UID and a SEQUENCE raised on every change; `reminder_due_at` and
`feedback_due_at` are the scheduled reminders, cleared when claimed.
`interview_interviewers` lists who interviews (read by user for calendar feeds);
`calendar_feeds` holds the hash of each staff member's private feed token.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026_interviews"
down_revision = "0032_privacy"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade():
    op.create_table(
        "interview_kinds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("stage", sa.String(length=50), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("video_url", sa.String(length=500), nullable=False),
        sa.Column("default_interviewer_ids", sa.JSON(), nullable=False),
        sa.Column("scorecard", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("duration_minutes > 0", name=op.f("ck_interview_kinds_duration_positive")),
        _fk("interview_kinds", "company_id", "companies", "CASCADE"),
        _fk("interview_kinds", "job_id", "jobs", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_kinds")),
    )
    op.create_index("ix_interview_kinds_job_id_position", "interview_kinds", ["job_id", "position"], unique=False)
    op.create_index(op.f("ix_interview_kinds_company_id"), "interview_kinds", ["company_id"], unique=False)
    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("video_url", sa.String(length=500), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("scorecard", sa.JSON(), nullable=False),
        sa.Column("uid", sa.String(length=255), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminder_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("feedback_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name=op.f("ck_interviews_status_known")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_interviews_ends_after_start")),
        _fk("interviews", "company_id", "companies", "CASCADE"),
        _fk("interviews", "application_id", "applications", "CASCADE"),
        _fk("interviews", "kind_id", "interview_kinds", "SET NULL"),
        _fk("interviews", "organizer_id", "users", "SET NULL"),
        _fk("interviews", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
        sa.UniqueConstraint("uid", name=op.f("uq_interviews_uid")),
    )
    op.create_index(
        "ix_interviews_application_id_starts_at", "interviews", ["application_id", "starts_at"], unique=False
    )
    op.create_index("ix_interviews_company_id_starts_at", "interviews", ["company_id", "starts_at"], unique=False)
    op.create_index("ix_interviews_reminder_due_at", "interviews", ["reminder_due_at"], unique=False)
    op.create_index("ix_interviews_feedback_due_at", "interviews", ["feedback_due_at"], unique=False)
    op.create_table(
        "interview_interviewers",
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _fk("interview_interviewers", "interview_id", "interviews", "CASCADE"),
        _fk("interview_interviewers", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("interview_id", "user_id", name=op.f("pk_interview_interviewers")),
    )
    op.create_index(
        "ix_interview_interviewers_user_id_interview_id",
        "interview_interviewers",
        ["user_id", "interview_id"],
        unique=False,
    )
    op.create_table(
        "calendar_feeds",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("calendar_feeds", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name="uq_calendar_feeds_token_hash"),
    )


def downgrade():
    op.drop_table("calendar_feeds")
    op.drop_index("ix_interview_interviewers_user_id_interview_id", table_name="interview_interviewers")
    op.drop_table("interview_interviewers")
    op.drop_index("ix_interviews_feedback_due_at", table_name="interviews")
    op.drop_index("ix_interviews_reminder_due_at", table_name="interviews")
    op.drop_index("ix_interviews_company_id_starts_at", table_name="interviews")
    op.drop_index("ix_interviews_application_id_starts_at", table_name="interviews")
    op.drop_table("interviews")
    op.drop_index(op.f("ix_interview_kinds_company_id"), table_name="interview_kinds")
    op.drop_index("ix_interview_kinds_job_id_position", table_name="interview_kinds")
    op.drop_table("interview_kinds")
