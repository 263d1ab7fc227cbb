"""A company's own version of an email template, per event (`key`) and language.

No row means the built-in default (app/mail/default_templates.py); resetting a
template deletes its row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

KEY_LENGTH = 60
LANGUAGE_LENGTH = 12
SUBJECT_LENGTH = 300


class EmailTemplate(db.Model):
    __tablename__ = "email_templates"
    # Also the index of every look-up: (company_id, key IN (...), language IN (...)).
    __table_args__ = (
        UniqueConstraint("company_id", "key", "language", name="uq_email_templates_company_key_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    # application_received, stage_<category>, stage_rejected.reason_<id>
    key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    language: Mapped[str] = mapped_column(String(LANGUAGE_LENGTH), default="en", server_default="en")
    subject: Mapped[str] = mapped_column(String(SUBJECT_LENGTH))
    text_body: Mapped[str] = mapped_column(db.Text)
    html_body: Mapped[str | None] = mapped_column(db.Text)  # None: the HTML part is made from the text
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<EmailTemplate {self.company_id} {self.key} {self.language}>"
