"""Privacy notices (versioned per company) and the consents given against them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class PrivacyNotice(db.Model):
    """One saved version of a company's privacy notice; each save adds a version."""

    __tablename__ = "privacy_notices"
    __table_args__ = (UniqueConstraint("company_id", "version", name="uq_privacy_notices_company_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(db.Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Consent(db.Model):
    """A person agreed to a company's privacy notice when applying.

    `privacy_notice_id` is None (version 0) when the company had not written
    its own notice and the built-in default text was shown.
    """

    __tablename__ = "consents"
    __table_args__ = (
        Index("ix_consents_candidate_id_id", "candidate_id", "id"),
        Index("ix_consents_application_id", "application_id"),
    )
    __personal_data__ = ("ip",)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"))
    privacy_notice_id: Mapped[int | None] = mapped_column(ForeignKey("privacy_notices.id", ondelete="RESTRICT"))
    notice_version: Mapped[int] = mapped_column(default=0)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(45))
