"""Self-booking: a recruiter offers time slots for an interview; the candidate picks one through a private link."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow
from app.models.companies import Company


class BookingStatus(enum.StrEnum):
    OPEN = "open"
    BOOKED = "booked"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class SlotStatus(enum.StrEnum):
    OPEN = "open"
    BOOKED = "booked"
    RELEASED = "released"  # another slot was booked, or the request was withdrawn


BOOKING_STATUSES = tuple(s.value for s in BookingStatus)
SLOT_STATUSES = tuple(s.value for s in SlotStatus)


class BookingRequest(db.Model):
    """The times offered for one interview and what the interview will be once a time is picked.

    Only the sha256 of the candidate's link token is kept; the token itself goes out once, by email.
    `status` moves from open to booked by one conditional UPDATE, so one pick wins whatever the timing.
    `booked_slot_id` names a row of booking_slots (no foreign key: the two tables would point at each other).
    An open request past `expires_at` is expired whether or not the row says so yet.
    """

    __tablename__ = "booking_requests"
    __table_args__ = (
        CheckConstraint(f"status IN {BOOKING_STATUSES}", name="status_known"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        UniqueConstraint("token_hash", name="uq_booking_requests_token_hash"),
        Index("ix_booking_requests_application_id_id", "application_id", "id"),
        Index("ix_booking_requests_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    kind_id: Mapped[int | None] = mapped_column(ForeignKey("interview_kinds.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    interviewer_ids: Mapped[list] = mapped_column(JSON, default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    location: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    duration_minutes: Mapped[int] = mapped_column(default=60)
    token_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default=BookingStatus.OPEN.value)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    booked_slot_id: Mapped[int | None] = mapped_column()
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    interview_id: Mapped[int | None] = mapped_column(ForeignKey("interviews.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    company: Mapped[Company] = relationship(lazy="select")
    slots: Mapped[list[BookingSlot]] = relationship(
        cascade="all, delete-orphan", order_by="BookingSlot.starts_at", lazy="selectin", back_populates="request"
    )

    @property
    def effective_status(self) -> str:
        """The status as the candidate and staff see it: an open request past its time is expired."""
        if self.status == BookingStatus.OPEN and self.expires_at <= utcnow():
            return BookingStatus.EXPIRED.value
        return self.status

    @property
    def booked_slot(self) -> BookingSlot | None:
        return next((s for s in self.slots if s.id == self.booked_slot_id), None)


class BookingSlot(db.Model):
    """One time offered (UTC)."""

    __tablename__ = "booking_slots"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"status IN {SLOT_STATUSES}", name="status_known"),
        Index("ix_booking_slots_request_id_starts_at", "request_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("booking_requests.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=SlotStatus.OPEN.value)

    request: Mapped[BookingRequest] = relationship(back_populates="slots")
