"""A company, an application and slots in the future, for the booking tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage
from app.services import booking

ZONE = "Europe/Paris"


def future(days: int = 30, hour: int = 13) -> datetime:
    """A UTC time `days` from now at `hour`:00 UTC."""
    day = datetime.now(UTC) + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def offer(setup, slots=None, actor=None, **fields):
    """Offer times (default: three, a day apart, 13:00 UTC); returns (request, token)."""
    acme = setup["acme"]
    values = {
        "slots": slots or [{"starts_at": iso(future(30 + n))} for n in range(3)],
        "timezone": ZONE,
        "title": "Technical",
        "interviewer_ids": [acme["hiring_manager"].id],
        "duration_minutes": 45,
    } | fields
    offered = booking.offer(actor or acme["recruiter"], setup["application"].id, **values)
    db.session.commit()
    return offered.request, offered.token


def offer_mail(request_id=None) -> OutboxMessage:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "booking_offer").order_by(OutboxMessage.id.desc())
    ).first()
