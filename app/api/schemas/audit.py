"""The audit log, as admins read it."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import Id, PageArgs, Text, page_schema
from app.services.audit import ACTIONS


class AuditEventOut(ma.Schema):
    id = fields.Integer(required=True)
    action = fields.String(required=True, metadata={"description": f"One of: {', '.join(ACTIONS)}."})
    actor_id = fields.Integer(required=True, allow_none=True)
    actor_label = fields.String(required=True, metadata={"description": "The actor's email as it was then."})
    api_key_id = fields.Integer(required=True, allow_none=True, metadata={"description": "Done with this API key."})
    object_type = fields.String(required=True, allow_none=True)
    object_id = fields.String(required=True, allow_none=True)
    ip = fields.String(required=True, allow_none=True)
    user_agent = fields.String(required=True, allow_none=True)
    details = fields.Dict(required=True)
    created_at = fields.DateTime(required=True)
    seq = fields.Integer(
        required=True, allow_none=True, metadata={"description": "Its place in the company's chain, once sealed."}
    )
    hash = fields.String(required=True, allow_none=True)


class AuditListArgs(PageArgs):
    action = fields.String(validate=validate.OneOf(ACTIONS))
    actor_id = Id()
    object_type = Text(validate=validate.Length(max=40))
    object_id = Text(validate=validate.Length(max=64))
    from_ = fields.AwareDateTime(data_key="from", metadata={"description": "From this time (ISO 8601)."})
    to = fields.AwareDateTime(metadata={"description": "Before this time (ISO 8601)."})


AuditPage = page_schema(AuditEventOut, "AuditPage")
