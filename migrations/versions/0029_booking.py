"""booking: interview slots offered to a candidate, who books one through a private link

Revision ID: 0029_booking
Revises: 0028_scorecards
Create Date: 2026-12-02 08:00:00

`booking_requests` holds what the interview will be (title, interviewers,
place, length, the zone the times were planned in), the sha256 of the
candidate's link token, and its status (open, booked, cancelled, expired);
`booked_slot_id` names the slot that won and `interview_id` the interview it
made. `booking_slots` are the times offered, in UTC.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029_booking"
down_revision = "0028_scorecards"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade():
    op.create_table(
        "booking_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("interviewer_ids", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("video_url", sa.String(length=500), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("booked_slot_id", sa.Integer(), nullable=True),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("interview_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'booked', 'cancelled', 'expired')", name=op.f("ck_booking_requests_status_known")
        ),
        sa.CheckConstraint("duration_minutes > 0", name=op.f("ck_booking_requests_duration_positive")),
        _fk("booking_requests", "company_id", "companies", "CASCADE"),
        _fk("booking_requests", "application_id", "applications", "CASCADE"),
        _fk("booking_requests", "kind_id", "interview_kinds", "SET NULL"),
        _fk("booking_requests", "created_by_id", "users", "SET NULL"),
        _fk("booking_requests", "interview_id", "interviews", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_requests")),
        sa.UniqueConstraint("token_hash", name="uq_booking_requests_token_hash"),
    )
    op.create_index(op.f("ix_booking_requests_company_id"), "booking_requests", ["company_id"], unique=False)
    op.create_index("ix_booking_requests_application_id_id", "booking_requests", ["application_id", "id"], unique=False)
    op.create_index("ix_booking_requests_status_expires_at", "booking_requests", ["status", "expires_at"], unique=False)
    op.create_table(
        "booking_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_booking_slots_ends_after_start")),
        sa.CheckConstraint("status IN ('open', 'booked', 'released')", name=op.f("ck_booking_slots_status_known")),
        _fk("booking_slots", "request_id", "booking_requests", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_slots")),
    )
    op.create_index("ix_booking_slots_request_id_starts_at", "booking_slots", ["request_id", "starts_at"], unique=False)


def downgrade():
    op.drop_index("ix_booking_slots_request_id_starts_at", table_name="booking_slots")
    op.drop_table("booking_slots")
    op.drop_index("ix_booking_requests_status_expires_at", table_name="booking_requests")
    op.drop_index("ix_booking_requests_application_id_id", table_name="booking_requests")
    op.drop_index(op.f("ix_booking_requests_company_id"), table_name="booking_requests")
    op.drop_table("booking_requests")
