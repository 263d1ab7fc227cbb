"""The outbox: rows written in the event's transaction, handed on after the commit.

A row holds what to send, not the email: the template's name and a snapshot of
its merge fields; the worker renders it when it sends (app/mail/delivery.py).

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
from app.mail.compose import Rendered, format_subject, new_message_id, one_line
from app.models import MessageStatus, OutboxMessage
from app.models.base import utcnow

log = logging.getLogger(__name__)

_PENDING = "mail_outbox_ids"


def add_message(
    *,
    kind: str,
    to_address: str,
    to_name: str,
    company_id: int | None,
    rendered: Rendered | None = None,
    template: str | None = None,
    context: dict | None = None,
    subject: str | None = None,
) -> int:
    """Queue one email in the current transaction; it leaves only if the transaction commits.

    Either `template` + `context` + `subject` (rendered by the worker) or `rendered`; see add_messages.
    """
    message = {"kind": kind, "to_address": to_address, "to_name": to_name, "company_id": company_id}
    if rendered is not None:
        message["rendered"] = rendered
    else:
        message.update(template=template, context=context, subject=subject)
    (message_id,) = add_messages([message])
    return message_id


def add_messages(messages: list[dict]) -> list[int]:
    """Queue several emails (add_message's arguments, one dict each) with one INSERT; their ids.

    Each message is either
    - a snapshot: `template` (a name under app/mail/templates/mail/), `context` (its merge
      fields as plain JSON: names, titles, links) and `subject` (a str.format over the
      context, formatted here so the mail page shows it); the worker renders the bodies
      when it sends, so the request pays for no template; or
    - `rendered` (a Rendered: subject, text and HTML already made), stored as it is.

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
            **_content(m),
            "message_id": new_message_id(sender),
            "status": MessageStatus.PENDING.value,
            "attempts": 0,
            "stage_change_id": m.get("stage_change_id"),
            "application_id": m.get("application_id"),
            "sent_by_id": m.get("sent_by_id"),
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


def _content(message: dict) -> dict:
    """The row's subject, bodies, template and snapshot for one add_messages dict."""
    rendered = message.get("rendered")
    if rendered is not None:
        return {
            "subject": rendered.subject,
            "text_body": rendered.text,
            "html_body": rendered.html,
            "template": None,
            "context": None,
        }
    context = message["context"]
    return {
        "subject": format_subject(message["subject"], context),
        "text_body": None,
        "html_body": None,
        "template": message["template"],
        "context": context,
    }


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
