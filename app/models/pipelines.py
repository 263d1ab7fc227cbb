"""Stage templates and rejection reasons: each company's own vocabulary for its pipelines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow
from app.workflow import standard_stages_json


class StageTemplate(db.Model):
    """An ordered list of stages a job's pipeline is copied from (see app/workflow.py)."""

    __tablename__ = "stage_templates"
    __table_args__ = (UniqueConstraint("company_id", "name", name="uq_stage_templates_company_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    # [{key, name, category, internal}, ...] in order; rejected and withdrawn are implied.
    stages: Mapped[list[dict]] = mapped_column(JSON, default=standard_stages_json)
    allow_skip: Mapped[bool] = mapped_column(default=False, server_default=false())
    # New jobs are copied from the company's default template unless told otherwise.
    is_default: Mapped[bool] = mapped_column(default=False, server_default=false())
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class RejectionReason(db.Model):
    """Why a company turns people down; private to its staff."""

    __tablename__ = "rejection_reasons"
    __table_args__ = (Index("ix_rejection_reasons_company_id_position", "company_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    # The candidate email sent for it (a template name; None: the standard rejection email).
    email_template: Mapped[str | None] = mapped_column(String(100))
    # Archived reasons stay on the rejections that used them but are offered no more.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


DEFAULT_REJECTION_REASONS = (
    "Not enough experience",
    "Skills do not match the role",
    "Position filled",
    "Candidate withdrew interest",
)
