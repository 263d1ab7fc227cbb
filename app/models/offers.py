"""Offers on applications: their terms, approval, the letter sent, the candidate's answer."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow
from app.models.users import User

OFFER_STATUSES = ("draft", "awaiting_approval", "approved", "sent", "accepted", "declined", "withdrawn")
OPEN_STATUSES = ("draft", "awaiting_approval", "approved", "sent")
FINAL_STATUSES = ("accepted", "declined", "withdrawn")
_OPEN_SQL = text(f"status IN {OPEN_STATUSES}")


class Offer(db.Model):
    """One offer on an application; at most one open (not final) per application (a partial unique index)."""

    __tablename__ = "offers"
    # The terms and the letter name the person; status, amount and dates stay for the reports.
    __personal_data__ = ("terms", "letter_html")
    __table_args__ = (
        CheckConstraint(f"status IN {OFFER_STATUSES}", name="status_known"),
        CheckConstraint("salary_minor > 0", name="salary_positive"),
        Index("ix_offers_application_id_id", "application_id", "id"),
        Index("ix_offers_company_status_id", "company_id", "status", "id"),
        Index("uq_offers_open_per_application", "application_id", unique=True,
              postgresql_where=_OPEN_SQL, sqlite_where=_OPEN_SQL),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # The salary in the currency's minor units (cents; yen as they are): exact, no float.
    salary_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))  # ISO 4217
    start_date: Mapped[date] = mapped_column(Date)
    terms: Mapped[str] = mapped_column(db.Text, default="")
    # The letter as it was sent (rendered from the company's template then); None before sending.
    letter_html: Mapped[str | None] = mapped_column(db.Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    created_by: Mapped[User | None] = relationship(lazy="select", foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(lazy="select", foreign_keys=[approved_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return f"<Offer {self.id} {self.status}>"


class OfferEvent(db.Model):
    """One row per status change of an offer (and each clearing of its approval): who, when, from, to, note."""

    __tablename__ = "offer_events"
    __personal_data__ = ("note",)
    __table_args__ = (
        Index("ix_offer_events_offer_id_id", "offer_id", "id"),
        Index("ix_offer_events_application_id_id", "application_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    # None: the candidate (through their account or private link).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(db.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OfferApprover(db.Model):
    """A member of the company named to approve the job's offers (admins may always approve)."""

    __tablename__ = "offer_approvers"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OfferLetterTemplate(db.Model):
    """The company's own offer letter (Jinja source rendered in the sandbox); no row: the built-in default."""

    __tablename__ = "offer_letter_templates"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    body: Mapped[str] = mapped_column(db.Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _accepted_offer_column() -> None:
    """`Application.has_accepted_offer`: deferred, so only a stage move reads it, inside its own SELECT."""
    from sqlalchemy import exists
    from sqlalchemy.orm import column_property

    from app.models.applications import Application

    Application.has_accepted_offer = column_property(
        exists().where(Offer.application_id == Application.id, Offer.status == "accepted"), deferred=True
    )


_accepted_offer_column()
