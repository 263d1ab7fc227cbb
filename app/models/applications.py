from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow
from app.models.candidates import SOURCES, Candidate
from app.models.jobs import Job
from app.models.users import User
from app.workflow import ALL_CATEGORIES

CATEGORY_CHECK = f"IN {tuple(ALL_CATEGORIES)}"
STAGE_KEY_LENGTH = 40


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("job_id", "candidate_id", name="uq_applications_job_candidate"),
        CheckConstraint(f"source IN {SOURCES}", name="source_known"),
        CheckConstraint(f"stage_category {CATEGORY_CHECK}", name="stage_category_known"),
        # Pipeline columns: a job's applications in one stage, keyset on id.
        Index("ix_applications_job_stage_id", "job_id", "stage", "id"),
        # A job's applications in every stage, newest first (the pipeline list).
        Index("ix_applications_job_id_id", "job_id", "id"),
        # Staff lists and per-stage counts across a company.
        Index("ix_applications_company_category_id", "company_id", "stage_category", "id"),
        Index("ix_applications_company_id_id", "company_id", "id"),
        # A candidate's own applications.
        Index("ix_applications_candidate_id_id", "candidate_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="RESTRICT"))
    # Copied from the job so tenant-scoped lists and counts need no join.
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="RESTRICT"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="RESTRICT"))
    # The key of a stage of the job's pipeline (app/workflow.py checks it on every move).
    stage: Mapped[str] = mapped_column(String(STAGE_KEY_LENGTH), default="applied")
    # The stage's category, kept with it: company-wide lists and counts by category need no pipeline.
    stage_category: Mapped[str] = mapped_column(String(20), default="applied")
    # When it entered its stage: the board's "days in stage" without reading the history.
    stage_entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cover_letter: Mapped[str] = mapped_column(db.Text, default="")
    resume_key: Mapped[str | None] = mapped_column(String(64))
    resume_filename: Mapped[str | None] = mapped_column(String(255))
    resume_content_type: Mapped[str | None] = mapped_column(String(100))
    resume_size: Mapped[int | None] = mapped_column()
    # Where it came from: the source, the campaign the person arrived with, the site that sent them.
    source: Mapped[str] = mapped_column(String(20), default="careers_page")
    utm_source: Mapped[str | None] = mapped_column(String(100))
    utm_medium: Mapped[str | None] = mapped_column(String(100))
    utm_campaign: Mapped[str | None] = mapped_column(String(100))
    referrer_host: Mapped[str | None] = mapped_column(String(255))
    # The colleague who referred the person (staff adds), as typed.
    referrer_name: Mapped[str | None] = mapped_column(String(200))
    # Staff who added the person themselves (None: the person applied).
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The private status link: only the sha256 of its token is kept. Issuing a new
    # link replaces it (the old one stops working); revoking sets the time.
    status_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    status_token_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Consent to the company's privacy notice, given when the person applied (None: staff added them).
    # The notice and its version as they stood then; version 0 with no notice: the built-in default text.
    consent_notice_id: Mapped[int | None] = mapped_column(ForeignKey("privacy_notices.id", ondelete="RESTRICT"))
    consent_notice_version: Mapped[int | None] = mapped_column()
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_ip: Mapped[str | None] = mapped_column(String(45))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    job: Mapped[Job] = relationship(lazy="joined", innerjoin=True)
    candidate: Mapped[Candidate] = relationship(lazy="joined", innerjoin=True)
    # Never loaded on access: set by apply() for the application it creates, whose
    # one change it knows, so the answer to an apply needs no history query.
    stage_changes: Mapped[list[StageChange]] = relationship(lazy="raise", order_by="StageChange.id", viewonly=True)

    # Optimistic concurrency: every UPDATE says WHERE version = <read version>,
    # so of two moves from the same stage only the first can match.
    __mapper_args__ = {"version_id_col": version}
    __personal_data__ = ("cover_letter", "resume_key", "resume_filename", "consent_ip", "referrer_name")

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.stage}>"


class StageChange(db.Model):
    """One row per stage change, written in the transaction of the change."""

    __tablename__ = "stage_changes"
    # Free text about the person; the stage, times and reason id stay for the analytics.
    __personal_data__ = ("note", "reason")
    __table_args__ = (
        CheckConstraint(f"to_category {CATEGORY_CHECK}", name="to_category_known"),
        Index("ix_stage_changes_application_id_id", "application_id", "id"),
        # The moves of one bulk action, undone together.
        Index("ix_stage_changes_batch_id", "batch_id"),
        # Recent activity across a company, newest first.
        Index("ix_stage_changes_company_id_id", "company_id", "id"),
        # The undo rows only: reports leave out the moves they undo (migration 0021).
        Index(
            "ix_stage_changes_undo_of_id",
            "undo_of_id",
            postgresql_where=text("undo_of_id IS NOT NULL"),
            sqlite_where=text("undo_of_id IS NOT NULL"),
        ),
        # Moves (not the applying, not undo rows) by time: the reports' velocity (migration 0036).
        Index(
            "ix_stage_changes_company_id_created_at",
            "company_id",
            "created_at",
            "application_id",
            postgresql_where=text("from_stage IS NOT NULL AND undo_of_id IS NULL"),
            sqlite_where=text("from_stage IS NOT NULL AND undo_of_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="RESTRICT"))
    from_stage: Mapped[str | None] = mapped_column(String(STAGE_KEY_LENGTH))
    to_stage: Mapped[str] = mapped_column(String(STAGE_KEY_LENGTH))
    # The destination's category when the move was made: reports stay right if the pipeline changes later.
    to_category: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    note: Mapped[str | None] = mapped_column(db.Text)
    reason: Mapped[str | None] = mapped_column(db.Text)
    reason_id: Mapped[int | None] = mapped_column(ForeignKey("rejection_reasons.id", ondelete="SET NULL"))
    # Set on the row that undoes another move: that move's id (the undone row itself is never changed).
    undo_of_id: Mapped[int | None] = mapped_column(ForeignKey("stage_changes.id", ondelete="SET NULL"))
    # The moves made by one bulk action share it.
    batch_id: Mapped[str | None] = mapped_column(String(32))
    # Made through the API with this key (actor_id is the member it acted as).
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[actor_id])


class Note(db.Model):
    """A staff-only note on an application; never shown to candidates."""

    __tablename__ = "notes"
    __personal_data__ = ("body",)
    __table_args__ = (Index("ix_notes_application_id_id", "application_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(db.Text)
    # Written through the API with this key (author_id is the member it acted as).
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def mentioned_ids(self) -> list[int]:
        """The members `@[Name](user:12)` mentions in the text name (app/services/mentions.py)."""
        from app.services.mentions import ids_in

        return ids_in(self.body)


class JobStageCount(db.Model):
    """How many of a job's applications stand in each stage.

    Kept by the services in the transaction of every apply and move, so the
    dashboard reads a few rows per job instead of counting applications: its
    cost does not grow with the number of applications.
    """

    __tablename__ = "job_stage_counts"
    __table_args__ = (
        CheckConstraint(f"category {CATEGORY_CHECK}", name="category_known"),
        CheckConstraint("count >= 0", name="count_not_negative"),
        Index("ix_job_stage_counts_company_id_job_id", "company_id", "job_id"),
        # The company's totals per category read from the index alone on PostgreSQL.
        Index("ix_job_stage_counts_company_id_category", "company_id", "category", postgresql_include=["count"]),
    )

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(STAGE_KEY_LENGTH), primary_key=True)
    # The stage's category, so the company's totals add up per category across pipelines.
    category: Mapped[str] = mapped_column(String(20))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(default=0)
