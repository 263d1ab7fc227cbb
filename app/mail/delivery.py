"""Delivering one outbox message, exactly once as far as the database can tell.

The row is claimed with a conditional UPDATE (`... WHERE status = 'pending'`)
that holds its lock until the outcome is committed: a second job for the same
message waits, then finds it sent and does nothing. If the process dies
mid-send the transaction rolls back and the row is still pending for the sweep.

`attempts` counts the mail server's answers. A server that cannot be reached
(refused, timed out, hung up) says nothing about the message, so the attempt is
not counted: an SMTP outage longer than the retry schedule never fails a
message; its retries run out, it stays pending and the sweep tries again.
A database that drops the connection after the server took the message would
leave the row pending and the message to be sent twice; so recording "sent" is
retried on a fresh connection (RECORD_SENT_TRIES) before giving up.

A message written as a template and a snapshot of its merge fields is rendered
here, after the claim (which returns the snapshot): every attempt renders the
same snapshot, and the UPDATE that marks it sent also stores the subject and
bodies that went out. A message that cannot be rendered (an unknown template, a
missing field) fails for good at once, with the error: retrying would not help.

Once sent, the kept copy of a message that carried a private status link has
the link replaced by a placeholder, in its bodies and in its snapshot: until
then a retry needs it, afterwards only the person's mailbox holds it.
"""

from __future__ import annotations

import logging
import smtplib
import time

from flask import current_app
from sqlalchemy import or_, update
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.mail import backends
from app.mail.compose import (
    STAFF_KINDS,
    Rendered,
    build_email,
    render_message,
    scrubbed_bodies,
    scrubbed_context,
)
from app.models import MessageStatus, OutboxMessage
from app.models.base import utcnow
from app.services import replies

log = logging.getLogger(__name__)

# What rendering and building the email need (and its kind, for what is kept afterwards), returned by the claim.
_MESSAGE_COLUMNS = (
    "kind",
    "company_id",
    "template",
    "context",
    "to_name",
    "to_address",
    "subject",
    "created_at",
    "message_id",
    "text_body",
    "html_body",
    "attempts",
    "application_id",
)


RECORD_SENT_TRIES = 8  # about a minute of pauses (0.5 s doubling, at most 15 s)


class DeliveryDeferred(Exception):
    """A temporary failure: the message stays pending and is tried again later."""


def deliver(message_id: int) -> str:
    """Send one message. Returns "sent", "failed" or "skipped" (not pending any more).

    Raises DeliveryDeferred after a temporary failure, once the attempt is recorded,
    so that RQ schedules the next try.

    Core statements on one connection: the claim counts the attempt and returns
    the row (with its snapshot) in one round trip, the outcome (with what was
    rendered) is one more, then the commit.
    """
    app = current_app._get_current_object()
    table = OutboxMessage.__table__
    this = table.c.id == message_id
    sent, kept = False, {}
    try:
        with db.engine.begin() as conn:
            row = conn.execute(
                update(table)
                .where(this, table.c.status == MessageStatus.PENDING.value, _due(table))
                .values(attempts=table.c.attempts + 1, updated_at=utcnow())
                .returning(*(table.c[name] for name in _MESSAGE_COLUMNS))
            ).first()
            if row is None:
                return "skipped"
            attempts = row.attempts
            reply_to = _reply_to(app, conn, row)
            try:
                content = _content(row, conn, replies_read=reply_to is not None)
            except Exception as error:  # a template or snapshot that cannot render: no retry will help
                outcome, error_text = "failed", f"Rendering failed: {describe(error)}"[:1000]
                values = {"status": MessageStatus.FAILED.value, "last_error": error_text}
            else:
                outcome, error_text, values = _send(app, row, content, message_id, reply_to)
                if outcome == "sent":
                    # What went out is kept, without any private status link (same UPDATE, no extra round trip).
                    # Sent from here on: if recording it fails, _record_sent records it on a fresh connection.
                    sent = True
                    kept = _kept(row, content)
                    values = {"status": MessageStatus.SENT.value, "sent_at": utcnow(), **kept}
            conn.execute(update(table).where(this).values(**values))
    except DBAPIError:
        if not sent:
            raise  # nothing went out: the job fails and is retried
        _record_sent(message_id, kept, row, reply_to)
    if outcome == "failed":
        log.warning("mail #%s failed after %d attempt(s): %s", message_id, attempts, error_text)
    elif outcome == "deferred":
        log.info("mail #%s attempt %d failed, will retry: %s", message_id, attempts, error_text)
        raise DeliveryDeferred(f"mail #{message_id} attempt {attempts}: {error_text}")
    return outcome


def _send(app, row, content: Rendered, message_id: int, reply_to: str | None) -> tuple[str, str | None, dict]:
    """Send the claimed message: ("sent", None, {}) or (outcome, error, the columns recording the failure)."""
    table = OutboxMessage.__table__
    try:
        email = build_email(row, app.config["MAIL_DEFAULT_SENDER"], content, reply_to=reply_to)
        backends.send(app, email, message_id)
    except Exception as error:
        error_text = describe(error)
        unreachable = is_unreachable(error)
        final = not unreachable and (is_permanent(error) or row.attempts >= app.config["MAIL_MAX_ATTEMPTS"])
        status = MessageStatus.FAILED.value if final else MessageStatus.PENDING.value
        counted = table.c.attempts - 1 if unreachable else table.c.attempts
        return (
            ("failed" if final else "deferred"),
            error_text,
            {"status": status, "last_error": error_text, "attempts": counted},
        )
    return "sent", None, {}


def _content(row, conn, *, replies_read: bool = False) -> Rendered:
    """The subject and bodies to send: rendered now from the snapshot, or as they were written.

    A company template is looked up on the claim's connection (one SELECT).
    """
    if row.template is None:
        return Rendered(subject=row.subject, text=row.text_body, html=row.html_body)
    return render_message(
        row.company_id, row.template, row.context or {}, row.subject, replies_read=replies_read, connection=conn
    )


def _reply_to(app, conn, row) -> str | None:
    """The application's reply address for a message to the person about it (made on first use), else None.

    Only with MAIL_REPLY_DOMAIN set; staff alerts (STAFF_KINDS) and account mail carry none.
    One SELECT on the claim's connection when the address exists, an INSERT and the SELECT the first time.
    """
    domain = app.config.get("MAIL_REPLY_DOMAIN")
    if not domain or row.application_id is None or row.company_id is None or row.kind in STAFF_KINDS:
        return None
    token = replies.live_token(conn, row.application_id, row.company_id)
    return replies.reply_address(token, domain) if token else None


def _kept(row, content: Rendered) -> dict:
    """The columns the sent UPDATE writes besides the status: what went out, without status links."""
    kept = {}
    if row.template is not None:
        kept = {"subject": content.subject, "text_body": content.text, "html_body": content.html}
        scrubbed = scrubbed_context(row.kind, row.context)
        if scrubbed != row.context:
            kept["context"] = scrubbed
    kept.update(scrubbed_bodies(row.kind, content.text, content.html, row.context))
    return kept


def _due(table):
    """Not waiting for a later time: a message handed on early is left for when it is due."""
    return or_(table.c.due_at.is_(None), table.c.due_at <= utcnow())


def _record_sent(message_id: int, kept: dict, row=None, reply_to: str | None = None) -> None:
    """The server took the message but the database dropped the outcome: record it on a fresh connection.

    `kept`: the bodies to keep from now on (status links removed), if they change.
    `reply_to`: the reply address that went out; made again if its first INSERT was lost with the claim.
    """
    table = OutboxMessage.__table__
    pause = 0.5
    for attempt in range(1, RECORD_SENT_TRIES + 1):
        try:
            with db.engine.begin() as conn:
                conn.execute(
                    update(table)
                    .where(table.c.id == message_id, table.c.status == MessageStatus.PENDING.value)
                    .values(status=MessageStatus.SENT.value, sent_at=utcnow(), attempts=table.c.attempts + 1, **kept)
                )
                if reply_to and row is not None:
                    token = reply_to.partition("@")[0].removeprefix(replies.LOCAL_PREFIX)
                    replies.live_token(conn, row.application_id, row.company_id, token)
            log.info("mail #%s: sent; recorded on try %d after losing the database", message_id, attempt)
            return
        except DBAPIError as error:
            if attempt == RECORD_SENT_TRIES:
                log.error("mail #%s was sent but cannot be recorded (%s); it may be sent again", message_id, error)
                raise
            time.sleep(pause)
            pause = min(pause * 2, 15.0)


def deliver_quietly(message_id: int) -> str:
    """In-process delivery (no Redis): never raises; a deferred message waits for the sweep."""
    try:
        return deliver(message_id)
    except DeliveryDeferred:
        return "deferred"
    except Exception:
        log.exception("mail #%s: delivery crashed; it stays pending for the sweep", message_id)
        return "error"


def describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def is_unreachable(error: Exception) -> bool:
    """The server could not be reached or hung up: nothing about this message was decided."""
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def is_permanent(error: Exception) -> bool:
    """5xx answers and messages that cannot be built will not get better by retrying."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return False  # a configuration problem: fix it, and the retries go through
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return isinstance(error, ValueError | UnicodeError)
