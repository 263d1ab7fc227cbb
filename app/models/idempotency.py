"""Idempotency keys of API writes: the first answer to a POST, kept so a retry gets it again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

# started: the request is running; committed: its transaction committed (the write happened)
# but its answer is not stored yet; done: the answer is stored and is what every retry gets.
IDEMPOTENCY_STATES = ("started", "committed", "done")
KEY_MAX = 255


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_keys"
    __personal_data__ = ("response_body",)
    __table_args__ = (
        CheckConstraint(f"state IN {IDEMPOTENCY_STATES}", name="state_known"),
        UniqueConstraint("scope", "key", name="uq_idempotency_keys_scope_key"),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose key it is ("user:<id>"): two callers may use the same key without meeting.
    scope: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    # sha256 of the method, path, query and body: the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10), default="started")
    response_status: Mapped[int | None] = mapped_column()
    response_body: Mapped[str | None] = mapped_column(db.Text)
    response_headers: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
