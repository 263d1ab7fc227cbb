"""The staff mail page: what the company's mail did, and retrying what failed.

Admins and recruiters see their own company's messages (metadata only: bodies
can carry invitation links and are never shown). Hiring managers are refused;
another company's message does not exist for the caller.
"""

from __future__ import annotations

from sqlalchemy import select

from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.mail.outbox import schedule
from app.models import MessageStatus, OutboxMessage, Role, User
from app.models.outbox import MESSAGE_STATUSES
from app.services.access import require_user
from app.services.pagination import Page, paginate_desc
from app.services.validation import Checker

MAIL_ROLES = (Role.ADMIN, Role.RECRUITER)


def can_see_mail(actor: User | None) -> bool:
    """Admins and recruiters of a company (the navigation asks this too)."""
    return bool(actor is not None and actor.is_authenticated and actor.is_staff and actor.role in MAIL_ROLES)


def _require_mail_staff(actor: User | None) -> User:
    actor = require_user(actor)
    if not can_see_mail(actor):
        raise Forbidden("Only a company's admins and recruiters can see its mail.")
    return actor


def list_messages(
    actor: User, *, status: str | None = None, limit: int | None = None, cursor: str | None = None
) -> Page[OutboxMessage]:
    """The actor's company's messages, newest first, optionally of one status."""
    actor = _require_mail_staff(actor)
    if status is not None:
        check = Checker()
        check.choice("status", status, MESSAGE_STATUSES)
        check.raise_if_any()
    stmt = select(OutboxMessage).where(OutboxMessage.company_id == actor.company_id)
    if status is not None:
        stmt = stmt.where(OutboxMessage.status == status)
    return paginate_desc(db.session, stmt, OutboxMessage.id, limit=limit, cursor=cursor)


def _own_message(actor: User, message_id: int) -> OutboxMessage:
    actor = require_user(actor)
    message = db.session.get(OutboxMessage, message_id)
    if message is None or not actor.is_staff or message.company_id != actor.company_id:
        raise NotFound("That message was not found.")
    _require_mail_staff(actor)
    return message


def _locked_waiting(actor: User, message_id: int) -> OutboxMessage:
    return lock_waiting(_own_message(actor, message_id))


def lock_waiting(message: OutboxMessage) -> OutboxMessage:
    """The message still waiting to go, its row locked against a delivery starting meanwhile (else 409)."""
    db.session.refresh(message, with_for_update=True)
    if message.status != MessageStatus.PENDING:
        raise Conflict(f"This message is {message.status}: only a message waiting to go can be changed.")
    return message


def cancel_message(actor: User, message_id: int) -> OutboxMessage:
    """A waiting message (a delayed rejection, or one not sent yet) will not be sent."""
    return cancel_locked(_locked_waiting(actor, message_id), actor)


def cancel_locked(message: OutboxMessage, actor: User) -> OutboxMessage:
    message.status = MessageStatus.CANCELLED.value
    message.last_error = f"Cancelled by {actor.full_name}."
    db.session.flush()
    return message


def send_now(actor: User, message_id: int) -> OutboxMessage:
    """A delayed message goes out now instead of at its due time."""
    return send_locked_now(_locked_waiting(actor, message_id))


def send_locked_now(message: OutboxMessage) -> OutboxMessage:
    message.due_at = None
    db.session.flush()
    schedule(db.session(), [message.id])
    return message


def retry_message(actor: User, message_id: int) -> OutboxMessage:
    """Send a failed (or stuck pending) message again, with a fresh round of attempts."""
    message = _own_message(actor, message_id)
    if message.status in (MessageStatus.SENT, MessageStatus.CANCELLED):
        raise Conflict(f"This message was {message.status}; it is not sent again.")
    if message.waiting:
        raise Conflict("This message waits for its time; send it now instead.")
    reset_for_retry(message)
    return message


def reset_for_retry(message: OutboxMessage) -> None:
    """Pending again with a fresh round of attempts; handed on when the transaction commits."""
    message.status = MessageStatus.PENDING.value
    message.attempts = 0
    db.session.flush()
    schedule(db.session(), [message.id])
