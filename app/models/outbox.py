from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class MessageStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"  # withdrawn before it went out (an undone move's email)


MESSAGE_STATUSES = tuple(s.value for s in MessageStatus)


class OutboxMessage(db.Model):
    """An email to send, written in the transaction of the event that caused it."""

    __tablename__ = "outbox_messages"
    __personal_data__ = ("to_address", "to_name", "subject", "text_body", "html_body", "context", "last_error")
    __table_args__ = (
        CheckConstraint(f"status IN {MESSAGE_STATUSES}", name="status_known"),
        Index("ix_outbox_messages_status_id", "status", "id"),
        Index("ix_outbox_messages_company_id_id", "company_id", "id"),
        Index("ix_outbox_messages_stage_change_id", "stage_change_id"),
        Index("ix_outbox_messages_application_id_id", "application_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The company whose staff may see this message on the mail page (None: account mail).
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(50))
    # The stage change that caused it (candidate emails about a move), so undoing the move can withdraw it.
    stage_change_id: Mapped[int | None] = mapped_column()
    # The application the message is about (its activity lists it; replies find it); None: account mail.
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    # The staff member who wrote it (a message from the application page); None: sent by an event.
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    # Written with the message (formatted from the snapshot); the one sent replaces it when it goes out.
    subject: Mapped[str] = mapped_column(String(300))
    # Rendered by the worker at send time from `template` and `context` (None until then),
    # or written rendered with the message when it was queued that way (`template` None).
    text_body: Mapped[str | None] = mapped_column(db.Text)
    html_body: Mapped[str | None] = mapped_column(db.Text)
    # The template's name (app/mail/templates/mail/<template>.txt/.html, or the company's own).
    template: Mapped[str | None] = mapped_column(String(100))
    # The snapshot of the merge fields (names, titles, links as plain strings and numbers), taken
    # in the transaction of the event: a later edit of the job does not change a queued message.
    context: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=MessageStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(db.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Not before this time (a delayed rejection); None: as soon as the transaction commits.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def waiting(self) -> bool:
        """Pending and not due yet: it can still be cancelled or sent now."""
        from app.models.base import utcnow

        return self.status == MessageStatus.PENDING and self.due_at is not None and self.due_at > utcnow()
