"""Structured interview feedback: each interviewer's scorecard for an interview, and its earlier versions.

`ratings` maps "<group>/<attribute>" of the interview's scorecard to 1..4, or None for "no opinion".
`company_id`, `application_id` and `job_id` are copied from the interview's application, so the
application's summary and the job's comparison read this table alone by index.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class Recommendation(enum.StrEnum):
    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"


RECOMMENDATIONS = tuple(r.value for r in Recommendation)


class InterviewFeedback(db.Model):
    """One interviewer's feedback on one interview (at most one; amending raises `version`)."""

    __tablename__ = "interview_feedback"
    __personal_data__ = ("ratings", "recommendation", "notes")
    __table_args__ = (
        UniqueConstraint("interview_id", "interviewer_id", name="uq_interview_feedback_interview_id_interviewer_id"),
        CheckConstraint(f"recommendation IN {RECOMMENDATIONS}", name="recommendation_known"),
        Index("ix_interview_feedback_application_id_interviewer_id", "application_id", "interviewer_id"),
        Index("ix_interview_feedback_job_id_application_id", "job_id", "application_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    ratings: Mapped[dict] = mapped_column(JSON, default=dict)
    recommendation: Mapped[str] = mapped_column(String(12))
    notes: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)


class InterviewFeedbackRevision(db.Model):
    """A version of a feedback as it stood before an amendment: a full copy, who wrote it and when."""

    __tablename__ = "interview_feedback_revisions"
    __personal_data__ = ("ratings", "recommendation", "notes")
    __table_args__ = (
        UniqueConstraint("feedback_id", "version", name="uq_interview_feedback_revisions_feedback_id_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("interview_feedback.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    version: Mapped[int]
    ratings: Mapped[dict] = mapped_column(JSON, default=dict)
    recommendation: Mapped[str] = mapped_column(String(12))
    notes: Mapped[str] = mapped_column(Text, default="")
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when this version was written
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
