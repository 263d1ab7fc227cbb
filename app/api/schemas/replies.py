"""Replies received by email for an application."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from app.api.schemas.common import PageArgs, page_schema


class ReplyAttachmentOut(ma.Schema):
    key = fields.String(required=True, metadata={"description": "Download it at `.../replies/{id}/attachments/{key}`."})
    filename = fields.String(required=True)
    content_type = fields.String(required=True, metadata={"description": "As found from the file's bytes."})
    size = fields.Integer(required=True)


class DroppedAttachmentOut(ma.Schema):
    filename = fields.String(required=True)
    reason = fields.String(required=True)


class ReplyOut(ma.Schema):
    """A reply to the application's reply address, as received."""

    id = fields.Integer(required=True)
    application_id = fields.Integer(required=True)
    from_address = fields.String(required=True)
    from_name = fields.String(required=True)
    subject = fields.String(required=True)
    text_body = fields.String(required=True, metadata={"description": "The text part, quoted history trimmed."})
    message_id = fields.String(required=True)
    in_reply_to = fields.String(required=True, allow_none=True)
    attachments = fields.List(fields.Nested(ReplyAttachmentOut), required=True)
    dropped = fields.List(
        fields.Nested(DroppedAttachmentOut),
        required=True,
        metadata={"description": "Attachments not kept: not a PDF, DOCX or image by their bytes."},
    )
    received_at = fields.DateTime(required=True)


class ReplyListArgs(PageArgs):
    """`limit` and `cursor`: newest replies first."""


ReplyPage = page_schema(ReplyOut, "ReplyPage")
