"""Privacy notices."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import Text


class PrivacyNoticeIn(ma.Schema):
    text = Text(required=True, validate=validate.Length(min=1, max=20000))


class PrivacyNoticeOut(ma.Schema):
    company_id = fields.Integer(required=True)
    version = fields.Integer(
        required=True, metadata={"description": "0 while the company has not written its own (the default text)."}
    )
    text = fields.String(required=True)
    created_at = fields.DateTime(required=True, allow_none=True)
