"""Messages staff write to the candidate of an application, and their delivery.

The company's staff (recruiters, admins and hiring managers) write a subject and
a text body; both may use the merge fields of email templates
(`templating.MERGE_FIELDS`) and are checked by the same sandbox walker when
they are written, so sending never meets a broken one. The request queues an
outbox row (`custom_message.TEMPLATE`) holding the typed sources and a snapshot
of the merge-field values taken now; the worker renders and sends it, with the
application's reply address. `send_at` delays it (the outbox's `due_at`); a
waiting message can be cancelled or sent now until it goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.errors import Conflict, NotFound
from app.extensions import db
from app.mail import custom_message, templating
from app.mail import service as mail_service
from app.mail.compose import one_line
from app.mail.events import links
from app.mail.outbox import add_messages
from app.models import Application, MessageStatus, OutboxMessage, Role, User
from app.models.base import utcnow
from app.services import email_templates
from app.services.access import is_member, require_role, require_user
from app.services.pagination import Page, paginate_desc
from app.services.validation import Checker

WRITERS = (Role.ADMIN, Role.RECRUITER, Role.HIRING_MANAGER)
SEND_AT_MAX = timedelta(days=90)
KIND = custom_message.KIND


@dataclass(frozen=True)
class Draft:
    """A checked message: its sources as typed and when it goes (None: now)."""

    subject: str
    body: str
    due_at: datetime | None


@dataclass(frozen=True)
class MessageView:
    """A message to the candidate as the application's pages and the API show it."""

    id: int
    application_id: int
    kind: str
    subject: str
    to_address: str
    status: str  # waiting | pending | sent | failed | cancelled
    due_at: datetime | None
    sent_at: datetime | None
    created_at: datetime
    sent_by_id: int | None
    sent_by_name: str | None
    text_body: str | None  # what went out (None until then)
    last_error: str | None


def delivery_status(status: str, due_at: datetime | None, now: datetime | None = None) -> str:
    """`waiting` for a pending message whose time has not come, else the outbox status."""
    if status == MessageStatus.PENDING and due_at is not None and due_at > (now or utcnow()):
        return "waiting"
    return status


# --- Who may write ------------------------------------------------------------------------------


def _writable(actor: User | None, application_id: int) -> Application:
    """The company's application, for staff who may write to its candidate; anyone else: not found."""
    application = staff_application(actor, application_id)
    require_role(actor, *WRITERS, action="write to candidates")
    return application


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


# --- Checking -----------------------------------------------------------------------------------


def check_draft(subject: Any, body: Any, send_at: Any = None) -> Draft:
    """The subject, body and send time checked: lengths, merge fields and refused constructs with their line.

    Raises ValidationFailed (422) with the problems beside `subject`, `body` and `send_at`.
    """
    check = Checker()
    subject = check.line("subject", subject, required=True, max_len=templating.SUBJECT_MAX)
    body = email_templates.text_body(check, "body", body, required=True, max_len=templating.TEXT_MAX)
    for field, source in (("subject", subject), ("body", body)):
        if source and field not in check.errors:
            for problem in templating.check(source):
                check.add(field, problem)
    due_at = _due_at(check, send_at)
    check.raise_if_any("The message cannot be sent as it stands.")
    return Draft(subject, body, due_at)


def _due_at(check: Checker, send_at: Any) -> datetime | None:
    """A time in the next SEND_AT_MAX, as an aware datetime; None (or a time already past): now."""
    if send_at is None or send_at == "":
        return None
    if not isinstance(send_at, datetime) or send_at.tzinfo is None:
        check.add("send_at", "Must be a date and time with its time zone.")
        return None
    now = utcnow()
    if send_at > now + SEND_AT_MAX:
        check.add("send_at", f"Must be within {SEND_AT_MAX.days} days.")
        return None
    return send_at if send_at > now else None


# --- Writing ------------------------------------------------------------------------------------


def outbox_message(application: Application, actor: User, draft: Draft) -> dict:
    """The outbox row (an add_messages dict) for `draft` to the application's candidate.

    The snapshot holds the typed sources and the merge-field values as they are now
    (no staff note, no rejection reason: merge_fields has none). Reads nothing the
    application has not loaded. The subject shown before sending is rendered here,
    braces doubled since the outbox formats it again.
    """
    candidate = application.candidate
    link = links(application.id)["candidate"] if candidate.user_id is not None else None
    fields = email_templates.merge_fields(application, sender_name=actor.full_name, status_link=link)
    subject = one_line(templating.render(draft.subject, fields))
    return {
        "kind": KIND,
        "to_address": candidate.email,
        "to_name": candidate.full_name,
        "company_id": application.company_id,
        "application_id": application.id,
        "sent_by_id": actor.id,
        "due_at": draft.due_at,
        "template": custom_message.TEMPLATE,
        "subject": subject.replace("{", "{{").replace("}", "}}"),
        "context": custom_message.snapshot(draft.subject, draft.body, fields),
    }


def send(actor: User, application_id: int, *, subject: Any, body: Any, send_at: Any = None) -> MessageView:
    """Queue a message to the application's candidate (now, or at `send_at`): one INSERT.

    404 for another company's application or a candidate; 403 for a role that may
    not write; 422 with the problems; 409 when the candidate has no email address.
    """
    application = _writable(actor, application_id)
    draft = check_draft(subject, body, send_at)
    if not application.candidate.email:
        raise Conflict("This candidate has no email address to write to.")
    message = outbox_message(application, actor, draft)
    (message_id,) = add_messages([message])
    now = utcnow()
    return MessageView(
        id=message_id,
        application_id=application.id,
        kind=KIND,
        subject=message["subject"].replace("{{", "{").replace("}}", "}"),
        to_address=message["to_address"],
        status=delivery_status(MessageStatus.PENDING, draft.due_at, now),
        due_at=draft.due_at,
        sent_at=None,
        created_at=now,
        sent_by_id=actor.id,
        sent_by_name=actor.full_name,
        text_body=None,
        last_error=None,
    )


# --- Reading ------------------------------------------------------------------------------------


def _columns(table, sender):
    return (
        table.c.id, table.c.application_id, table.c.kind, table.c.subject, table.c.to_address, table.c.status,
        table.c.due_at, table.c.sent_at, table.c.created_at, table.c.sent_by_id, sender.full_name.label("sender"),
        table.c.text_body, table.c.last_error,
    )  # fmt: skip


def view_of(row, now: datetime | None = None) -> MessageView:
    return MessageView(
        id=row.id,
        application_id=row.application_id,
        kind=row.kind,
        subject=row.subject,
        to_address=row.to_address,
        status=delivery_status(row.status, row.due_at, now),
        due_at=row.due_at,
        sent_at=row.sent_at,
        created_at=row.created_at,
        sent_by_id=row.sent_by_id,
        sent_by_name=row.sender,
        text_body=row.text_body,
        last_error=row.last_error,
    )


def to_candidate(table):
    """Outbox rows about an application that go to its candidate (not the staff alerts)."""
    from app.mail.compose import STAFF_KINDS

    return table.c.kind.not_in(sorted(STAFF_KINDS))


def list_messages(
    actor: User, application_id: int, *, limit: int | None = None, cursor: str | None = None
) -> Page[MessageView]:
    """The emails to the application's candidate, newest first, with their delivery status (the company's staff).

    Staff-written messages and the automatic ones (confirmation, stage emails) alike; one SELECT.
    """
    application = staff_application(actor, application_id)
    table = OutboxMessage.__table__
    sender = aliased(User)
    stmt = (
        select(*_columns(table, sender))
        .outerjoin(sender, sender.id == table.c.sent_by_id)
        .where(table.c.application_id == application.id, table.c.company_id == application.company_id,
               to_candidate(table))
    )  # fmt: skip
    page = paginate_desc(db.session, stmt, table.c.id, limit=limit, cursor=cursor, rows=True)
    now = utcnow()
    return Page(items=[view_of(row, now) for row in page.items], next_cursor=page.next_cursor, limit=page.limit)


def staff_application(actor: User | None, application_id: int) -> Application:
    actor = require_user(actor)
    application = db.session.get(Application, application_id) if _is_id(application_id) else None
    if application is None or not is_member(actor, application.company_id):
        raise NotFound("That application was not found.")
    return application


# --- Changing a waiting message -----------------------------------------------------------------


def _own_waiting(actor: User, application_id: int, message_id: int) -> OutboxMessage:
    """A message to this application's candidate, locked, still waiting to go (else 409)."""
    application = _writable(actor, application_id)
    message = db.session.get(OutboxMessage, message_id) if _is_id(message_id) else None
    if message is None or message.application_id != application.id or message.company_id != application.company_id:
        raise NotFound("That message was not found.")
    return mail_service.lock_waiting(message)


def cancel(actor: User, application_id: int, message_id: int) -> MessageView:
    """A message that has not gone yet will not be sent (the company's writers)."""
    return _view(mail_service.cancel_locked(_own_waiting(actor, application_id, message_id), actor))


def send_now(actor: User, application_id: int, message_id: int) -> MessageView:
    """A delayed message goes out now instead of at its time."""
    return _view(mail_service.send_locked_now(_own_waiting(actor, application_id, message_id)))


def _view(message: OutboxMessage) -> MessageView:
    """The model as a view; its writer from the identity map when it is the caller."""
    sender = db.session.get(User, message.sent_by_id) if message.sent_by_id is not None else None
    return MessageView(
        id=message.id,
        application_id=message.application_id,
        kind=message.kind,
        subject=message.subject,
        to_address=message.to_address,
        status=delivery_status(message.status, message.due_at),
        due_at=message.due_at,
        sent_at=message.sent_at,
        created_at=message.created_at,
        sent_by_id=message.sent_by_id,
        sent_by_name=sender.full_name if sender is not None else None,
        text_body=message.text_body,
        last_error=message.last_error,
    )


# --- What the candidate sees --------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """A message the person was sent, as it went out."""

    id: int
    subject: str
    body: str
    sent_at: datetime


def received(application: Application, limit: int = 50) -> list[Received]:
    """The emails that went out to the application's candidate, newest first: one SELECT.

    Only what was sent (never waiting or cancelled ones, never the staff's alerts or
    notes), each body as the person read it. The caller has opened the application as
    the person: their account (`applications.get_application`) or its private link.
    """
    table = OutboxMessage.__table__
    rows = db.session.execute(
        select(table.c.id, table.c.subject, table.c.text_body, table.c.sent_at)
        .where(table.c.application_id == application.id, table.c.company_id == application.company_id,
               table.c.status == MessageStatus.SENT.value, to_candidate(table))
        .order_by(table.c.id.desc())
        .limit(limit)
    ).all()  # fmt: skip
    return [Received(row.id, row.subject, custom_message.body_as_sent(row.text_body), row.sent_at) for row in rows]


# --- Starting from a template -------------------------------------------------------------------


def template_choices() -> list[tuple[str, str]]:
    """(key, label) of the company templates a message may start from (no query: the keys are fixed)."""
    return [(key, email_templates.DEFAULTS[key].label) for key in email_templates.KEYS]


def starting_from(actor: User, application_id: int, key: Any) -> tuple[str, str]:
    """The subject and text of the company's template `key` in effect, to pre-fill a message: one SELECT.

    The application must be one the actor may write about; an unknown key is not found.
    """
    application = _writable(actor, application_id)
    if key not in email_templates.KEYS:
        raise NotFound("There is no email template by that name.")
    template = email_templates.effective(application.company_id, key)
    return template.subject, template.text
