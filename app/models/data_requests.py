"""A person's own request about their data: an export (a ZIP they download) or an erasure (confirmed by email)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

KINDS = ("export", "erase")
STATUSES = ("pending", "ready", "done", "failed", "expired")


class DataRequest(db.Model):
    """Made from a signed-in candidate's account (`user_id`) or a guest's status link (`candidate_id`).

    Only the sha256 of the link's token is kept. An export is `pending` until the worker has built
    its ZIP (`file_key`), then `ready` until `expires_at`; an erasure is `pending` until confirmed
    (`done`) or past `expires_at`.
    """

    __tablename__ = "data_requests"
    __table_args__ = (
        CheckConstraint(f"kind IN {KINDS}", name="kind_known"),
        CheckConstraint(f"status IN {STATUSES}", name="status_known"),
        Index("ix_data_requests_user_id", "user_id"),
        Index("ix_data_requests_candidate_id", "candidate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    file_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<DataRequest {self.id} {self.kind} {self.status}>"
