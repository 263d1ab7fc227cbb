"""A job's application questions, and the answers given to them.

An answer keeps a copy of its question's label and kind, so editing or
deleting a question later never rewrites what a candidate was asked. A
knockout rule that matched is kept on the answer too (`flag`): the answer and
its flag are one row, written by one INSERT with every other answer.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.applications import Application
from app.models.base import UTCDateTime, utcnow
from app.models.jobs import Job


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMBER = "number"
    DATE = "date"


QUESTION_KINDS = tuple(kind.value for kind in QuestionKind)
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE.value, QuestionKind.MULTIPLE_CHOICE.value)


class JobQuestion(db.Model):
    """One question of a job's application form, at `position` in the form's order."""

    __tablename__ = "job_questions"
    __table_args__ = (
        CheckConstraint(f"kind IN {QUESTION_KINDS}", name="kind_known"),
        Index("ix_job_questions_job_id_position", "job_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(300))
    help_text: Mapped[str] = mapped_column(db.Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    # Choice questions: the options, in order. Others: an empty list.
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    # {"op": ..., "value": ...} or None; see app/services/questions.py for the ops per kind.
    knockout: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # `job.questions` is filled by the questions service with the job itself (never lazily).
    job: Mapped[Job] = relationship(
        backref=backref("questions", lazy="raise", order_by="(JobQuestion.position, JobQuestion.id)", viewonly=True),
        lazy="raise",
        viewonly=True,
    )

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    def __repr__(self) -> str:
        return f"<JobQuestion {self.id} {self.kind}>"


class ApplicationAnswer(db.Model):
    """What a candidate answered, as the question stood when they answered it."""

    __tablename__ = "application_answers"
    __personal_data__ = ("value",)
    __table_args__ = (
        CheckConstraint(f"kind IN {QUESTION_KINDS}", name="kind_known"),
        Index("ix_application_answers_application_id_position", "application_id", "position"),
        # The flagged applications of a job, or of a company (the `flagged` filters).
        Index(
            "ix_application_answers_job_id_flagged",
            "job_id",
            "application_id",
            postgresql_where=text("flag IS NOT NULL"),
            sqlite_where=text("flag IS NOT NULL"),
        ),
        Index(
            "ix_application_answers_company_id_flagged",
            "company_id",
            "application_id",
            postgresql_where=text("flag IS NOT NULL"),
            sqlite_where=text("flag IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    # The question may be edited or deleted later; the copies below keep what was asked.
    question_id: Mapped[int | None] = mapped_column(ForeignKey("job_questions.id", ondelete="SET NULL"), index=True)
    # Copied from the application so the flag filters need no join.
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[Any] = mapped_column(JSON)
    # The knockout rule this answer matched, as text ("Answer is No"); None when none did.
    flag: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # `application.answers` is filled by the questions service (never lazily: no N+1 by accident).
    application: Mapped[Application] = relationship(
        backref=backref("answers", lazy="raise", order_by="ApplicationAnswer.position", viewonly=True),
        lazy="raise",
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<ApplicationAnswer {self.id} {self.kind}>"
