"""Voluntary equal-opportunity answers, kept apart from the applications they came with.

Nothing that shows applications joins this table: only the aggregate report reads it, and a row
holds no name or email, only the application's id (for "once per application") and the answers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class EeoQuestionSet(db.Model):
    """A company's survey questions; no row: the defaults (app/services/eeo.py)."""

    __tablename__ = "eeo_question_sets"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    # [{"key": "gender", "label": "Gender", "options": ["Woman", ..., "Prefer not to say"]}]
    questions: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EeoResponse(db.Model):
    __tablename__ = "eeo_responses"
    __personal_data__ = ("answers",)
    __table_args__ = (UniqueConstraint("application_id", name="uq_eeo_responses_application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    # {question key: chosen option}; {} when the person skipped the survey.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
