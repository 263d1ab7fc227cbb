"""One timeline per application: stage changes, notes, emails to the candidate, their replies, interview feedback.

Each source is one small function returning at most `limit + 1` entries older
than the cursor, newest first, as `Entry` tuples; `timeline` runs every source
(one statement each, whatever the number of entries) and merges them in Python
on the key (time, kind, id), which is also the cursor. A new source
(notifications, interviews) is one more function in SOURCES.

Only the company's staff read it (hiring managers included): notes and staff
reasons are in it. Interview feedback shows only who gave it on which interview,
never what it says: who may read that is decided in app/services/feedback.py.
"""

from __future__ import annotations

import base64
import binascii
import heapq
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Application, InboundMessage, Note, OutboxMessage, StageChange, User
from app.models.base import utcnow
from app.services.messages import delivery_status, staff_application, to_candidate
from app.services.pagination import Page, clamp_limit


@dataclass(frozen=True)
class Entry:
    """One event of the timeline. `data` holds what its kind shows (plain values)."""

    kind: str  # move | note | email | reply
    id: int
    at: datetime
    data: dict[str, Any]

    @property
    def key(self) -> tuple[datetime, str, int]:
        return (self.at, self.kind, self.id)


Cursor = tuple[datetime, str, int] | None


# --- The cursor ---------------------------------------------------------------------------------


def encode_cursor(key: tuple[datetime, str, int]) -> str:
    at, kind, entry_id = key
    raw = json.dumps([at.astimezone(UTC).isoformat(), kind, entry_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Cursor:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, kind, entry_id = json.loads(raw)
        at = datetime.fromisoformat(at)
        if at.tzinfo is None or kind not in SOURCES or not isinstance(entry_id, int) or not 0 < entry_id < 2**31:
            raise ValueError
        return at.astimezone(UTC), kind, entry_id
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error):
        raise ValidationFailed("The cursor is not valid.", errors={"cursor": ["Not a valid cursor."]}) from None


def older_than(kind: str, time_column, id_column, cursor: Cursor):
    """The condition (time, kind, id) < cursor for a source whose entries are all of `kind`."""
    if cursor is None:
        return None
    at, cursor_kind, cursor_id = cursor
    if kind < cursor_kind:
        return time_column <= at
    if kind > cursor_kind:
        return time_column < at
    return or_(time_column < at, and_(time_column == at, id_column < cursor_id))


def _page(stmt, kind: str, time_column, id_column, cursor: Cursor, limit: int):
    """The source's statement limited to entries older than the cursor, newest first."""
    condition = older_than(kind, time_column, id_column, cursor)
    if condition is not None:
        stmt = stmt.where(condition)
    return db.session.execute(stmt.order_by(time_column.desc(), id_column.desc()).limit(limit)).all()


# --- The sources: one statement each ------------------------------------------------------------


def moves(application: Application, cursor: Cursor, limit: int) -> list[Entry]:
    table = StageChange.__table__
    actor = aliased(User)
    stmt = (
        select(table.c.id, table.c.created_at, table.c.from_stage, table.c.to_stage, table.c.note, table.c.reason,
               table.c.undo_of_id, actor.full_name.label("actor_name"))
        .outerjoin(actor, actor.id == table.c.actor_id)
        .where(table.c.application_id == application.id, table.c.company_id == application.company_id)
    )  # fmt: skip
    return [
        Entry(
            "move",
            row.id,
            row.created_at,
            {
                "from_stage": row.from_stage,
                "to_stage": row.to_stage,
                "by": row.actor_name,
                "note": row.note,
                "reason": row.reason,
                "undo_of_id": row.undo_of_id,
            },
        )
        for row in _page(stmt, "move", table.c.created_at, table.c.id, cursor, limit)
    ]


def notes(application: Application, cursor: Cursor, limit: int) -> list[Entry]:
    table = Note.__table__
    author = aliased(User)
    stmt = (
        select(table.c.id, table.c.created_at, table.c.body, author.full_name.label("author_name"))
        .outerjoin(author, author.id == table.c.author_id)
        .where(table.c.application_id == application.id)
    )
    return [
        Entry("note", row.id, row.created_at, {"body": row.body, "by": row.author_name})
        for row in _page(stmt, "note", table.c.created_at, table.c.id, cursor, limit)
    ]


def emails(application: Application, cursor: Cursor, limit: int) -> list[Entry]:
    """Emails to the candidate (written by staff or sent by an event), with their delivery status."""
    table = OutboxMessage.__table__
    sender = aliased(User)
    stmt = (
        select(table.c.id, table.c.created_at, table.c.kind, table.c.subject, table.c.status, table.c.due_at,
               table.c.sent_at, table.c.text_body, table.c.last_error, table.c.to_address,
               sender.full_name.label("sender_name"))
        .outerjoin(sender, sender.id == table.c.sent_by_id)
        .where(table.c.application_id == application.id, table.c.company_id == application.company_id,
               to_candidate(table))
    )  # fmt: skip
    now = utcnow()
    return [
        Entry(
            "email",
            row.id,
            row.created_at,
            {
                "email_kind": row.kind,
                "subject": row.subject,
                "status": delivery_status(row.status, row.due_at, now),
                "due_at": row.due_at,
                "sent_at": row.sent_at,
                "text_body": row.text_body,
                "last_error": row.last_error,
                "to_address": row.to_address,
                "by": row.sender_name,
            },
        )
        for row in _page(stmt, "email", table.c.created_at, table.c.id, cursor, limit)
    ]


def replies(application: Application, cursor: Cursor, limit: int) -> list[Entry]:
    """Replies received at the application's reply address (app/services/replies.py stores them)."""
    table = InboundMessage.__table__
    stmt = select(
        table.c.id, table.c.received_at, table.c.from_address, table.c.from_name, table.c.subject, table.c.text_body,
        table.c.attachments, table.c.dropped,
    ).where(table.c.application_id == application.id, table.c.company_id == application.company_id)  # fmt: skip
    return [
        Entry(
            "reply",
            row.id,
            row.received_at,
            {
                "from_address": row.from_address,
                "from_name": row.from_name,
                "subject": row.subject,
                "text": row.text_body,
                "attachments": row.attachments or [],
                "dropped": row.dropped or [],
            },
        )
        for row in _page(stmt, "reply", table.c.received_at, table.c.id, cursor, limit)
    ]


def feedback_given(application: Application, cursor: Cursor, limit: int) -> list[Entry]:
    """Feedback given on the application's interviews: who, on which interview, when (never what it says).

    Read with the application's interviews in the statement its feedback panel uses (once per request),
    then paged here: an application has a handful of feedback, not thousands.
    """
    from app.services import feedback

    entries = [
        Entry("feedback", feedback_id, at, {"by": name, "interview_title": title})
        for feedback_id, at, name, title in feedback.given(application.id)
    ]
    if cursor is not None:
        entries = [entry for entry in entries if _older(entry, cursor)]
    return sorted(entries, key=lambda entry: entry.key, reverse=True)[:limit]


def _older(entry: Entry, cursor: tuple[datetime, str, int]) -> bool:
    return entry.key < cursor


Source = Callable[[Application, Cursor, int], list[Entry]]
SOURCES: dict[str, Source] = {
    "move": moves,
    "note": notes,
    "email": emails,
    "reply": replies,
    "feedback": feedback_given,
}


# --- The timeline -------------------------------------------------------------------------------


def timeline_of(application: Application, *, limit: int | None = None, cursor: str | None = None) -> Page[Entry]:
    """The application's entries, newest first (the caller has checked access): one statement per source."""
    size = clamp_limit(limit)
    after = decode_cursor(cursor)
    streams = [source(application, after, size + 1) for source in SOURCES.values()]
    merged = list(heapq.merge(*streams, key=lambda entry: entry.key, reverse=True))[: size + 1]
    next_cursor = encode_cursor(merged[size - 1].key) if len(merged) > size else None
    return Page(items=merged[:size], next_cursor=next_cursor, limit=size)


def timeline(actor: User, application_id: int, *, limit: int | None = None, cursor: str | None = None) -> Page[Entry]:
    """The application's activity for the company's staff (hiring managers included); others: not found."""
    application = staff_application(actor, application_id)
    return timeline_of(application, limit=limit, cursor=cursor)
