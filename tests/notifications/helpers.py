"""Small builders shared by the notification tests."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Notification, OutboxMessage, User
from app.services import applications


def mention(user: User) -> str:
    return f"@[{user.full_name}](user:{user.id})"


def note(author: User, application_id: int, body: str):
    made = applications.add_note(author, application_id, body)
    db.session.commit()
    return made


def notifications_of(user: User) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    )


def outbox(kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))
