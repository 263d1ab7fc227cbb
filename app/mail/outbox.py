"""The outbox: rows written in the event's transaction, handed on after the commit.

`add_message` / `add_messages` insert rows in the caller's session and remember
their ids on that session. When the session's outermost transaction commits, the ids are passed
to `dispatch` (the RQ queue, or in-process delivery without Redis); when it
rolls back or is closed they are forgotten, and the rows are gone with it.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.after_commit import run_after_commit
from app.extensions import db
from app.mail.compose import Rendered, new_message_id, one_line
from app.models import MessageStatus, OutboxMessage
from app.models.base import utcnow

log = logging.getLogger(__name__)

_PENDING = "mail_outbox_ids"


def add_message(*, kind: str, to_address: str, to_name: str, rendered: Rendered, company_id: int | None) -> int:
    """Queue one email in the current transaction; it leaves only if the transaction commits."""
    (message_id,) = add_messages(
        [{"kind": kind, "to_address": to_address, "to_name": to_name, "rendered": rendered, "company_id": company_id}]
    )
    return message_id


def add_messages(messages: list[dict]) -> list[int]:
    """Queue several emails (add_message's arguments, one dict each) with one INSERT; their ids.

    An event with many recipients costs one statement, not one per recipient.
    """
    if not messages:
        return []
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    rows = [
        {
            "company_id": m["company_id"],
            "kind": m["kind"],
            "to_address": m["to_address"],
            "to_name": one_line(m["to_name"], 200),
            "subject": m["rendered"].subject,
            "text_body": m["rendered"].text,
            "html_body": m["rendered"].html,
            "message_id": new_message_id(sender),
            "status": MessageStatus.PENDING.value,
            "attempts": 0,
            "stage_change_id": m.get("stage_change_id"),
            "due_at": m.get("due_at"),
        }
        for m in messages
    ]
    session = db.session()
    table = OutboxMessage.__table__
    ids = list(session.execute(insert(table).returning(table.c.id), rows).scalars())
    now = utcnow()
    # Delayed messages are left to the sweep, which hands them on once they are due.
    schedule(session, [i for i, row in zip(ids, rows, strict=True) if row["due_at"] is None or row["due_at"] <= now])
    return ids


def schedule(session: Session, ids: list[int]) -> None:
    """Dispatch these messages once `session` commits."""
    session.info.setdefault(_PENDING, []).extend(ids)


def _dispatch_committed(app: Flask, ids: list[int]) -> None:
    try:
        dispatch(app, ids)
    except Exception:  # the data is committed; a mail problem must not fail the request
        log.exception("mail: dispatching %d message(s) failed; the sweep will pick them up", len(ids))


run_after_commit(_PENDING, _dispatch_committed)


def dispatch(app: Flask, ids: list[int]) -> int:
    """Enqueue on Redis, or without REDIS_URL deliver here and now; returns how many were handed on."""
    from app.mail import delivery, queue

    if app.config.get("REDIS_URL"):
        return queue.enqueue(app, ids)
    for message_id in ids:
        delivery.deliver_quietly(message_id)
    return len(ids)
