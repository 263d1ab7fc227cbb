"""API keys: made by admins, shown once, sent as `Authorization: Bearer <key>`."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import PageArgs, Text, page_schema
from app.services.api_keys import MAX_EXPIRY_DAYS, NAME_MAX, SCOPES


class ApiKeyIn(ma.Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=NAME_MAX))
    scopes = fields.List(
        fields.String(validate=validate.OneOf(SCOPES)),
        required=True,
        validate=validate.Length(min=1, max=len(SCOPES)),
        metadata={"description": f"What the key may do: any of {', '.join(SCOPES)}."},
    )
    expires_in_days = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(1, MAX_EXPIRY_DAYS),
        metadata={"description": "The key stops working after this many days (none: it does not expire)."},
    )


class ApiKeyOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True, metadata={"description": "The key's public start, to tell keys apart."})
    scopes = fields.List(fields.String(), required=True)
    state = fields.String(required=True, metadata={"description": "active, expired or revoked"})
    created_by_id = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True, allow_none=True)
    last_used_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "To the minute."})
    revoked_at = fields.DateTime(required=True, allow_none=True)


class NewApiKeyOut(ApiKeyOut):
    key = fields.String(
        required=True, metadata={"description": "The whole key, shown this once: only its hash is kept."}
    )


class ApiKeyListArgs(PageArgs):
    """`limit` and `cursor`: newest keys first."""


ApiKeyPage = page_schema(ApiKeyOut, "ApiKeyPage")
