"""Replies by email: the per-application reply address and the replies received through it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

REPLY_TOKEN_LENGTH = 64


class ReplyAddress(db.Model):
    """`reply+<token>@MAIL_REPLY_DOMAIN` for one application.

    Made by the mail worker the first time it sends a message about the
    application (never by a request); revoking sets `revoked_at`, and the next
    message gets a new one. Revoked rows stay, so a reply to an old address is
    refused as revoked rather than unknown.
    """

    __tablename__ = "reply_addresses"
    __table_args__ = (
        # At most one live address per application (the worker's INSERT ... ON CONFLICT DO NOTHING relies on it).
        Index(
            "uq_reply_addresses_live_application_id",
            "application_id",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
            sqlite_where=text("revoked_at IS NULL"),
        ),
        Index("ix_reply_addresses_application_id_id", "application_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    # 160 random bits in lower-case base32 (32 characters): some mail systems change the case of
    # a local part, so the token has none to lose; the receiver lower-cases before it looks.
    token: Mapped[str] = mapped_column(String(REPLY_TOKEN_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class InboundMessage(db.Model):
    """A reply received by the receiver (`python worker.py inbound`) and accepted for an application."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        # A message delivered twice (a retrying server, a second copy) is stored once per application.
        UniqueConstraint("application_id", "message_id", name="uq_inbound_messages_application_message"),
        # An application's replies, newest first (keyset on id).
        Index("ix_inbound_messages_application_id_id", "application_id", "id"),
        Index("ix_inbound_messages_company_id_id", "company_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    # The message it answers, when In-Reply-To names one of ours (its writer is told).
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    from_address: Mapped[str] = mapped_column(String(254))
    from_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    # The text part, with the quoted history below the reply trimmed.
    text_body: Mapped[str] = mapped_column(db.Text)
    # The sender's Message-ID (or one made from the message's digest when it had none).
    message_id: Mapped[str] = mapped_column(String(255))
    in_reply_to: Mapped[str | None] = mapped_column(String(255))
    # [{"key", "filename", "content_type", "size"}]: files kept in the storage backend.
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    # [{"filename", "reason"}]: files not kept (not a PDF, DOCX or image by their bytes; too many).
    dropped: Mapped[list] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __personal_data__ = ("from_address", "from_name", "subject", "text_body", "attachments")

    def __repr__(self) -> str:
        return f"<InboundMessage {self.id} for application {self.application_id}>"
