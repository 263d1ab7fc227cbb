"""Interviews: each job's interview plan, the interviews scheduled on applications, their interviewers,
and each staff member's private calendar feed."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class InterviewStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


INTERVIEW_STATUSES = tuple(s.value for s in InterviewStatus)


class InterviewKind(db.Model):
    """One step of a job's interview plan ("Phone screen, 30 min"): the defaults an interview starts from.

    `scorecard` is a list of groups, each `{"name": str, "attributes": [str, ...]}`; the interviewers of an
    interview of this kind rate each attribute. `default_interviewer_ids` are staff of the job's company.
    """

    __tablename__ = "interview_kinds"
    __table_args__ = (
        Index("ix_interview_kinds_job_id_position", "job_id", "position"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(100))
    # The pipeline stage (key) this step belongs to, normally an interview-category stage; None: any.
    stage: Mapped[str | None] = mapped_column(String(50))
    duration_minutes: Mapped[int] = mapped_column(default=60)
    location: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    default_interviewer_ids: Mapped[list] = mapped_column(JSON, default=list)
    scorecard: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Interview(db.Model):
    """An interview on an application. Times are UTC; `timezone` (IANA) is the one it was planned in.

    `uid` is the iCalendar UID, fixed for the interview's life; `sequence` is raised on every change that
    goes out as an invite (RFC 5546), so calendars replace the earlier copy. `notes` are for interviewers
    only, never shown to the candidate. `scorecard` is copied from the kind when scheduled.
    """

    __tablename__ = "interviews"
    # The interviewers' private notes are about the person; title, time and place are the company's.
    __personal_data__ = ("notes",)
    __table_args__ = (
        CheckConstraint(f"status IN {INTERVIEW_STATUSES}", name="status_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_interviews_application_id_starts_at", "application_id", "starts_at"),
        Index("ix_interviews_company_id_starts_at", "company_id", "starts_at"),
        Index("ix_interviews_reminder_due_at", "reminder_due_at"),
        Index("ix_interviews_feedback_due_at", "feedback_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    kind_id: Mapped[int | None] = mapped_column(ForeignKey("interview_kinds.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=InterviewStatus.SCHEDULED.value)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    location: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    scorecard: Mapped[list] = mapped_column(JSON, default=list)
    uid: Mapped[str] = mapped_column(String(255), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Scheduled work (claimed by a conditional UPDATE that clears it): remind interviewers before the
    # interview; after it, remind those who have not submitted feedback.
    reminder_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feedback_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    interviewers: Mapped[list[InterviewInterviewer]] = relationship(
        cascade="all, delete-orphan", order_by="InterviewInterviewer.user_id", lazy="selectin"
    )

    @property
    def interviewer_ids(self) -> list[int]:
        return [i.user_id for i in self.interviewers]

    @property
    def active(self) -> bool:
        return self.status == InterviewStatus.SCHEDULED


class InterviewInterviewer(db.Model):
    """A staff member interviewing; their calendar feed reads this table by user."""

    __tablename__ = "interview_interviewers"
    __table_args__ = (Index("ix_interview_interviewers_user_id_interview_id", "user_id", "interview_id"),)

    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class CalendarFeed(db.Model):
    """A staff member's private calendar subscription: the token's hash (the token is shown once)."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_calendar_feeds_token_hash"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
