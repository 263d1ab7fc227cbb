from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class Company(db.Model):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(db.Text)
    # The logo's stored file (an unguessable key, new for every upload) and its checked type.
    logo_key: Mapped[str | None] = mapped_column(String(64))
    logo_content_type: Mapped[str | None] = mapped_column(String(50))
    # The language of candidate emails for people who named none (email_templates.effective's fallback).
    default_language: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    # Retention policy (days; None: off): candidates are anonymised this long after their last application
    # ended (rejected, withdrawn, or its job closed), and hired candidates' applicant data after the second.
    retention_days: Mapped[int | None] = mapped_column()
    retention_hired_days: Mapped[int | None] = mapped_column()
    # Offers (app/services/offers.py): a move to a hired stage needs an accepted offer;
    # whoever made an offer may approve it themselves.
    hire_requires_offer: Mapped[bool] = mapped_column(default=True, server_default=true())
    offer_self_approval: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Active recruiters and admins: who hears of new applications. Read-only; loaded
    # with the job when applying, so the alert mail needs no query of its own.
    recruiting_staff = relationship(
        "User",
        primaryjoin="and_(Company.id == foreign(User.company_id), User.active.is_(True),"
        " User.role.in_(('recruiter', 'admin')))",
        order_by="User.id",
        viewonly=True,
        lazy="select",
    )

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.slug}>"
