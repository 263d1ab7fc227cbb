"""Notifications and the caller's own settings."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import PageArgs, StrictBool, page_schema

KINDS = ("mention", "reply")


class NotificationOut(ma.Schema):
    """Something the caller is told about, and where it points."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    application_id = fields.Integer(required=True)
    note_id = fields.Integer(required=True, allow_none=True, metadata={"description": "The note a mention is in."})
    actor_id = fields.Integer(required=True, allow_none=True, metadata={"description": "Who mentioned the caller."})
    actor_name = fields.String(required=True, allow_none=True)
    candidate_name = fields.String(required=True)
    job_title = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    read_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "null while unread."})


class NotificationListArgs(PageArgs):
    """`limit` and `cursor`: newest first; `unread=true` lists only unread ones."""

    unread = fields.Boolean(load_default=False, metadata={"description": "Only the unread notifications."})


NotificationPage = page_schema(NotificationOut, "NotificationPage")


class ReadAllOut(ma.Schema):
    updated = fields.Integer(required=True, metadata={"description": "How many were unread and are read now."})


class SettingsOut(ma.Schema):
    digest = fields.Boolean(
        required=True, metadata={"description": "The daily digest email (waiting applications, unread mentions)."}
    )


class SettingsPatch(ma.Schema):
    digest = StrictBool(metadata={"description": "true or false."})
