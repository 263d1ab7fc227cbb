from __future__ import annotations

import enum
import json
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow
from app.models.companies import Company
from app.workflow import standard_stages_json


class JobStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class EmploymentType(enum.StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    CONTRACT = "contract"
    INTERNSHIP = "internship"
    TEMPORARY = "temporary"


JOB_STATUSES = tuple(s.value for s in JobStatus)
EMPLOYMENT_TYPES = tuple(t.value for t in EmploymentType)
HEADCOUNT_MAX = 10_000
DEPARTMENT_MAX = 100


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(f"status IN {JOB_STATUSES}", name="status_known"),
        CheckConstraint(f"employment_type IN {EMPLOYMENT_TYPES}", name="employment_type_known"),
        CheckConstraint("salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max", name="salary_range"),
        CheckConstraint(f"headcount BETWEEN 1 AND {HEADCOUNT_MAX}", name="headcount_range"),
        # The public board: open jobs, newest first, keyset on id.
        Index("ix_jobs_status_id", "status", "id"),
        # A company's own jobs by status.
        Index("ix_jobs_company_status_id", "company_id", "status", "id"),
        # The closing tick: open jobs whose closing date has passed.
        Index("ix_jobs_status_closes_at", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(db.Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    remote: Mapped[bool] = mapped_column(default=False)
    employment_type: Mapped[str] = mapped_column(String(20), default=EmploymentType.FULL_TIME.value)
    salary_min: Mapped[int | None] = mapped_column()
    salary_max: Mapped[int | None] = mapped_column()
    salary_currency: Mapped[str | None] = mapped_column(String(3))
    # Shown on public pages, feeds and structured data only when true; staff always see it.
    salary_visible: Mapped[bool] = mapped_column(default=True, server_default=true())
    department: Mapped[str] = mapped_column(String(DEPARTMENT_MAX), default="", server_default="")
    headcount: Mapped[int] = mapped_column(default=1, server_default="1")
    # The job closes itself at this time (the closing tick, `close_due_jobs`).
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.DRAFT.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The job's own pipeline, copied from a stage template at creation and edited on the job
    # (see app/workflow.py); the version rises with every edit.
    pipeline_stages: Mapped[list[dict]] = mapped_column(
        JSON, default=standard_stages_json, server_default=json.dumps(standard_stages_json())
    )
    pipeline_allow_skip: Mapped[bool] = mapped_column(default=False, server_default=false())
    pipeline_template_id: Mapped[int | None] = mapped_column(ForeignKey("stage_templates.id", ondelete="SET NULL"))
    pipeline_version: Mapped[int] = mapped_column(default=1, server_default="1")

    company: Mapped[Company] = relationship(lazy="joined", innerjoin=True)

    @property
    def is_open(self) -> bool:
        return self.status == JobStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == JobStatus.CLOSED

    @property
    def public_salary(self) -> bool:
        """The salary may be shown to anyone: it is published and there is one."""
        return self.salary_visible and (self.salary_min is not None or self.salary_max is not None)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.status}>"
