"""Per-application figures the reports read instead of walking the stage history every time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime


class ApplicationSummary(db.Model):
    """What an application's standing moves (undone ones and undo rows left out) add up to.

    Written only by the database (migrations 0030_integrations and 0036_report_summaries): a
    trigger on `stage_changes` recomputes the application's row from its history in the statement
    that inserts a move or an undo, and a trigger on `applications` copies the filter columns when
    one changes, so it costs a move no statement and is never out of step with the history.
    """

    __tablename__ = "application_summaries"
    __table_args__ = (
        Index("ix_application_summaries_company_id_application_id", "company_id", "application_id"),
        # The report filters: a job (or a department's jobs), a source, a cohort of creation days.
        Index("ix_application_summaries_company_id_job_id", "company_id", "job_id", "applied_at"),
        Index("ix_application_summaries_company_id_source", "company_id", "source", "applied_at"),
        Index("ix_application_summaries_company_id_applied_at", "company_id", "applied_at"),
    )

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    # Copied from the application (the report filters and the current outcome).
    job_id: Mapped[int | None] = mapped_column()
    source: Mapped[str | None] = mapped_column(String(20))
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # applications.created_at
    stage_category: Mapped[str | None] = mapped_column(String(20))
    # The furthest category reached: 0 applied .. 4 hired (-1: only rejected/withdrawn); NULL: no standing move.
    furthest_rank: Mapped[int | None] = mapped_column()
    hired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the first standing move into hired
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the first standing staff move
    # Seconds spent in each category over its finished stays (entering -> the next standing move),
    # summed over visits; NULL when the application has no finished stay there.
    seconds_applied: Mapped[float | None] = mapped_column()
    seconds_screening: Mapped[float | None] = mapped_column()
    seconds_interview: Mapped[float | None] = mapped_column()
    seconds_offer: Mapped[float | None] = mapped_column()
