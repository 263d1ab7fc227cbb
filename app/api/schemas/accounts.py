"""Sign-up, tokens and the caller."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import CompanyRef, Text
from app.models.users import ROLE_VALUES


class RegisterIn(ma.Schema):
    """A candidate account. `role` and `company_id` do not exist here: sending them is a 422."""

    email = Text(required=True, validate=validate.Length(max=254), metadata={"example": "ada@example.com"})
    password = Text(required=True, validate=validate.Length(max=256), metadata={"example": "a long passphrase"})
    full_name = Text(required=True, validate=validate.Length(max=200), metadata={"example": "Ada Lovelace"})


class TokenIn(ma.Schema):
    email = Text(required=True, validate=validate.Length(max=254))
    password = Text(required=True, validate=validate.Length(max=256))


class AccessTokenOut(ma.Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds until the access token expires."})


class TokenOut(AccessTokenOut):
    refresh_token = fields.String(required=True)


class UserOut(ma.Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLE_VALUES))
    company = fields.Nested(CompanyRef, required=True, allow_none=True)
    active = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
