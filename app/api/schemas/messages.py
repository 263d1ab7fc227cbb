"""Messages to an application's candidate, and the application's activity timeline."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import PageArgs, Text, UserRef, page_schema
from app.api.schemas.replies import DroppedAttachmentOut, ReplyAttachmentOut

STATUSES = ("waiting", "pending", "sent", "failed", "cancelled")
MERGE_NOTE = (
    "Merge fields as in email templates (`{{ candidate.first_name }}`, `{{ job.title }}`...: see "
    "`GET /api/v1/email-templates`); checked when written, problems named with their line."
)


class MessageIn(ma.Schema):
    subject = Text(required=True, validate=validate.Length(max=300), metadata={"description": MERGE_NOTE})
    body = Text(required=True, validate=validate.Length(max=20_000), metadata={"description": MERGE_NOTE})
    send_at = fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "Send at this time (within 90 days); left out or past: now. "
                  "A waiting message can be cancelled until then."},
    )  # fmt: skip


class MessageOut(ma.Schema):
    id = fields.Integer(required=True)
    application_id = fields.Integer(required=True)
    kind = fields.String(
        required=True,
        metadata={"description": "`staff_message` for one written by staff; else the event's (`stage_rejected`...)."},
    )
    subject = fields.String(required=True)
    to_address = fields.String(required=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(STATUSES),
        metadata={"description": "`waiting` until `due_at`, `pending` while it is being sent, then `sent`, "
                  "`failed` or `cancelled`."},
    )  # fmt: skip
    due_at = fields.DateTime(required=True, allow_none=True)
    sent_at = fields.DateTime(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    sent_by = fields.Nested(UserRef, required=True, allow_none=True)
    text_body = fields.String(
        required=True, allow_none=True, metadata={"description": "What went out; null until then."}
    )
    last_error = fields.String(required=True, allow_none=True)


class MessageListArgs(PageArgs):
    """`limit` and `cursor`: newest first."""


MessagePage = page_schema(MessageOut, "MessagePage")


class ActivityArgs(PageArgs):
    """`limit` and `cursor`: newest first."""


class ActivityEntryOut(ma.Schema):
    """One event: `kind` says which of the other fields it has."""

    kind = fields.String(required=True, validate=validate.OneOf(("move", "note", "email", "reply", "feedback")))
    id = fields.Integer(required=True, metadata={"description": "The stage change's, note's, email's or reply's id."})
    at = fields.DateTime(required=True)
    by = fields.String(allow_none=True, metadata={"description": "Who moved, wrote the note or the email."})
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String()
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    undo_of_id = fields.Integer(allow_none=True)
    body = fields.String()
    email_kind = fields.String()
    subject = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    due_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    to_address = fields.String()
    text_body = fields.String(allow_none=True)
    last_error = fields.String(allow_none=True)
    from_address = fields.String()
    from_name = fields.String()
    text = fields.String()
    attachments = fields.List(fields.Nested(ReplyAttachmentOut))
    dropped = fields.List(fields.Nested(DroppedAttachmentOut))
    interview_title = fields.String(metadata={"description": "Feedback: the interview it was given on."})


ActivityPage = page_schema(ActivityEntryOut, "ActivityPage")
