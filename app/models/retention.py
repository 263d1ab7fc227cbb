"""Each run of a company's retention policy: when, by whom or by the schedule, and who was anonymised."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class RetentionRun(db.Model):
    __tablename__ = "retention_runs"
    __table_args__ = (Index("ix_retention_runs_company_id_id", "company_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    # None: the daily schedule; else the admin who ran it.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    trigger: Mapped[str] = mapped_column(String(20))  # schedule | admin | command
    # The policy the run applied: {"retention_days": N, "retention_hired_days": M}.
    policy: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"candidate_id": id, "rule": "ended" | "hired", "ended_at": iso}] — ids only, never names.
    anonymised: Mapped[list] = mapped_column(JSON, default=list)
    count: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
