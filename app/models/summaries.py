"""Per-application figures the reports read instead of walking the stage history every time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime


class ApplicationSummary(db.Model):
    """What an application's standing moves (undone ones and undo rows left out) add up to.

    Written only by the database: a trigger on `stage_changes` (migration 0030_integrations)
    recomputes the application's row from its history in the statement that inserts a move or
    an undo, so it costs a move no statement and is never out of step with the history.
    """

    __tablename__ = "application_summaries"
    __table_args__ = (Index("ix_application_summaries_company_id_application_id", "company_id", "application_id"),)

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    # The furthest category reached: 0 applied .. 4 hired (-1: only rejected/withdrawn); NULL: no standing move.
    furthest_rank: Mapped[int | None] = mapped_column()
    hired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the first standing move into hired
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the first standing staff move
