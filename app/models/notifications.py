"""In-app notifications: what a staff member is told about (mentions in notes, candidates' replies)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class NotificationKind:
    MENTION = "mention"
    REPLY = "reply"
    OFFER_ACCEPTED = "offer_accepted"
    OFFER_DECLINED = "offer_declined"


class Notification(db.Model):
    """One thing one member is told about; `read_at` NULL while unread.

    Written in the transaction of the event (the note, the stored reply), so a
    change that rolls back leaves none behind.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        # A member's list, newest first (keyset on id).
        Index("ix_notifications_user_id_id", "user_id", "id"),
        # Their unread ones: the navigation's count and the `unread` filter read this alone.
        Index(
            "ix_notifications_user_id_unread",
            "user_id",
            "id",
            postgresql_where=text("read_at IS NULL"),
            sqlite_where=text("read_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # NotificationKind
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} for user {self.user_id}>"
