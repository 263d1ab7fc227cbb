"""In-app notifications: written by the events they tell of, read and marked read by their member.

Mentions in notes (`signals.note_added`) and candidates' replies
(`signals.reply_received`) add rows in the transaction of the event. Every read
and write here is scoped to the caller: a member sees and marks only their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ScalarSelect, Select, func, insert, select, update
from sqlalchemy.orm import aliased

from app import signals
from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import Application, Candidate, InboundMessage, Job, Note, Notification, NotificationKind, User
from app.models.base import utcnow
from app.services.access import require_user
from app.services.pagination import Page, clamp_limit, decode_cursor, encode_cursor

UNREAD_SHOWN_MAX = 99  # the navigation counts this far ("99+" beyond), so the count stays an index range scan


@dataclass(frozen=True)
class NotificationItem:
    id: int
    kind: str
    application_id: int
    note_id: int | None
    actor_id: int | None
    actor_name: str | None
    candidate_name: str
    job_title: str
    created_at: datetime
    read_at: datetime | None

    @property
    def anchor(self) -> str:
        """Where on the application's page it points: the note, or the replies."""
        if self.note_id is not None:
            return f"note-{self.note_id}"
        if self.kind in (NotificationKind.OFFER_ACCEPTED, NotificationKind.OFFER_DECLINED):
            return "offer"
        return "replies" if self.kind == NotificationKind.REPLY else "notes"


def _require_staff(actor: User | None) -> User:
    actor = require_user(actor)
    if not actor.is_staff:
        raise Forbidden("Notifications are for company staff.")
    return actor


def _add(rows: list[dict]) -> None:
    """All rows of one event in one INSERT."""
    if rows:
        db.session.execute(insert(Notification), rows)


# --- writers: signal receivers, inside the event's transaction ----------------------------------


@signals.note_added.connect
def on_note_added(note: Note, *, application: Application, mentioned: list[User], **_extra) -> None:
    now = utcnow()
    _add(
        [
            {
                "user_id": member.id,
                "company_id": application.company_id,
                "kind": NotificationKind.MENTION,
                "application_id": application.id,
                "note_id": note.id,
                "actor_id": note.author_id,
                "created_at": now,
            }
            for member in mentioned
        ]
    )


@signals.reply_received.connect
def on_reply_received(reply: InboundMessage, *, notify: bool = True, **_extra) -> None:
    """The members the reply's email goes to are told in the app as well."""
    if not notify:
        return
    from app.services.replies import who_is_told

    application, recipients = who_is_told(reply)
    if application is None:
        return
    now = utcnow()
    _add(
        [
            {
                "user_id": member.id,
                "company_id": application.company_id,
                "kind": NotificationKind.REPLY,
                "application_id": application.id,
                "note_id": None,
                "actor_id": None,
                "created_at": now,
            }
            for member in recipients
        ]
    )


# --- readers ------------------------------------------------------------------------------------


def unread_count_column(user_id_column) -> ScalarSelect:
    """A scalar subquery: how many unread notifications the user has, counted up to UNREAD_SHOWN_MAX + 1.

    The web door selects it with the signed-in user (app/web/login.py), so the
    navigation's count costs no statement of its own.
    """
    capped = (
        select(Notification.id)
        .where(Notification.user_id == user_id_column, Notification.read_at.is_(None))
        .limit(UNREAD_SHOWN_MAX + 1)
        .subquery()
    )
    return select(func.count()).select_from(capped).scalar_subquery()


def with_context(*columns) -> Select:
    """SELECT `columns` of notifications with what they point at: `actor_name`, `candidate_name`, `job_title`."""
    author = aliased(User)
    return (
        select(
            *columns,
            author.full_name.label("actor_name"),
            Candidate.full_name.label("candidate_name"),
            Job.title.label("job_title"),
        )
        .join(Application, Application.id == Notification.application_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Job, Job.id == Application.job_id)
        .outerjoin(author, author.id == Notification.actor_id)
    )


def page(actor: User, *, unread: bool = False, limit: int | None = None, cursor: str | None = None) -> Page:
    """The caller's notifications, newest first (keyset on id), with what they point at: one SELECT."""
    actor = _require_staff(actor)
    size = clamp_limit(limit)
    after = decode_cursor(cursor)
    stmt = with_context(
        Notification.id,
        Notification.kind,
        Notification.application_id,
        Notification.note_id,
        Notification.actor_id,
        Notification.created_at,
        Notification.read_at,
    ).where(Notification.user_id == actor.id, Notification.company_id == actor.company_id)
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    if after is not None:
        stmt = stmt.where(Notification.id < after)
    rows = db.session.execute(stmt.order_by(Notification.id.desc()).limit(size + 1)).all()
    items = [NotificationItem(**row._mapping) for row in rows[:size]]
    next_cursor = encode_cursor(rows[size - 1].id) if len(rows) > size else None
    return Page(items=items, next_cursor=next_cursor, limit=size)


# --- marking read -------------------------------------------------------------------------------


def mark_read(actor: User, notification_id: int) -> None:
    """Mark one of the caller's notifications read (again: no change); another's is not found. One UPDATE."""
    actor = _require_staff(actor)
    result = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.user_id == actor.id)
        .values(read_at=func.coalesce(Notification.read_at, utcnow()))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:
        raise NotFound("That notification was not found.")


def mark_all_read(actor: User) -> int:
    """Mark every unread notification of the caller read; how many were. One UPDATE."""
    actor = _require_staff(actor)
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


# --- the member's own settings ------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    digest: bool  # the daily digest email


def get_settings(actor: User) -> Settings:
    actor = _require_staff(actor)
    return Settings(digest=not actor.digest_opt_out)


def update_settings(actor: User, *, digest: bool | None = None) -> Settings:
    """Change the caller's own settings (only theirs: nothing here names another user)."""
    actor = _require_staff(actor)
    if digest is not None and not isinstance(digest, bool):
        raise ValidationFailed("The settings are not valid.", errors={"digest": ["Must be true or false."]})
    if digest is not None:
        actor.digest_opt_out = not digest
        db.session.flush()
    return Settings(digest=not actor.digest_opt_out)
