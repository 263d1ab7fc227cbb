"""Messages to an application's candidate, and the application's activity timeline."""

from __future__ import annotations

from flask import current_app
from marshmallow import RAISE

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import LINK_HEADER, page_response
from app.api.schemas.messages import ActivityArgs, ActivityPage, MessageIn, MessageListArgs, MessageOut, MessagePage
from app.services import activity, messages

blp = Blueprint(
    "api_messages",
    __name__,
    url_prefix="/api/v1",
    tag="Messages",
    description="Writing to an application's candidate, and the application's activity",
)

APPLICATION = f"/applications/<{ID}:application_id>"
MESSAGE = f"{APPLICATION}/messages/<{ID}:message_id>"


def _iso(value):
    return value.isoformat() if value is not None else None


def message_out(view: messages.MessageView) -> dict:
    """MessageOut."""
    return {
        "id": view.id,
        "application_id": view.application_id,
        "kind": view.kind,
        "subject": view.subject,
        "to_address": view.to_address,
        "status": view.status,
        "due_at": _iso(view.due_at),
        "sent_at": _iso(view.sent_at),
        "created_at": _iso(view.created_at),
        "sent_by": {"id": view.sent_by_id, "full_name": view.sent_by_name or ""} if view.sent_by_id else None,
        "text_body": view.text_body,
        "last_error": view.last_error,
    }


def entry_out(entry: activity.Entry) -> dict:
    """ActivityEntryOut: the kind's own fields, times as ISO 8601."""
    data = {key: _iso(value) if key.endswith("_at") else value for key, value in entry.data.items()}
    return {"kind": entry.kind, "id": entry.id, "at": entry.at.isoformat(), **data}


@blp.post(f"{APPLICATION}/messages")
@jwt_required()
@blp.arguments(MessageIn, unknown=RAISE)
@blp.response(201, MessageOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The candidate has no email address.")
@blp.doc(security=BEARER)
def send_message(data, application_id: int):
    """Write to the application's candidate (staff of its company, hiring managers included).

    Queued through the outbox and rendered by the mail worker with the merge-field
    values of this moment; it carries the application's reply address, so answers
    come back to the application. Template problems are a 422 naming their line.
    """
    view = messages.send(caller(), application_id, **data)
    response = current_app.json.response(message_out(view))
    response.status_code = 201
    return response


@blp.get(f"{APPLICATION}/messages")
@jwt_required()
@blp.arguments(MessageListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, MessagePage, headers=LINK_HEADER)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_messages(application_id: int, **args):
    """Emails to the application's candidate, newest first, with their delivery status."""
    return page_response(messages.list_messages(caller(), application_id, **args), message_out)


@blp.post(f"{MESSAGE}/cancel")
@jwt_required()
@blp.response(200, MessageOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The message is not waiting any more.")
@blp.doc(security=BEARER)
def cancel_message(application_id: int, message_id: int):
    """Cancel an email to the candidate that has not gone yet."""
    return current_app.json.response(message_out(messages.cancel(caller(), application_id, message_id)))


@blp.post(f"{MESSAGE}/send-now")
@jwt_required()
@blp.response(200, MessageOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The message is not waiting any more.")
@blp.doc(security=BEARER)
def send_message_now(application_id: int, message_id: int):
    """Send a waiting email now rather than at its time."""
    return current_app.json.response(message_out(messages.send_now(caller(), application_id, message_id)))


@blp.get(f"{APPLICATION}/activity")
@jwt_required()
@blp.arguments(ActivityArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, ActivityPage, headers=LINK_HEADER)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def application_activity(application_id: int, **args):
    """The application's timeline, newest first: stage changes, notes, emails to the candidate, replies.

    One statement per source whatever the size; paged on (time, kind, id).
    """
    return page_response(activity.timeline(caller(), application_id, **args), entry_out)
