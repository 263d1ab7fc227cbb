"""Companies and their members."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.accounts import UserOut
from app.api.schemas.common import PageArgs, StrictBool, Text, page_schema
from app.services.companies import STAFF_ROLE_VALUES


class AdminIn(ma.Schema):
    email = Text(required=True, validate=validate.Length(max=254))
    password = Text(required=True, validate=validate.Length(max=256))
    full_name = Text(required=True, validate=validate.Length(max=200))


class CompanyIn(ma.Schema):
    name = Text(required=True, validate=validate.Length(max=200), metadata={"example": "Acme"})
    admin = fields.Nested(AdminIn, required=True)


class CompanyOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    website = fields.String(required=True, allow_none=True)
    description = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class CompanyCreatedOut(ma.Schema):
    company = fields.Nested(CompanyOut, required=True)
    admin = fields.Nested(UserOut, required=True)


class MemberIn(ma.Schema):
    """The company comes from the path, never from the body."""

    email = Text(required=True, validate=validate.Length(max=254))
    full_name = Text(required=True, validate=validate.Length(max=200))
    role = fields.String(required=True, validate=validate.OneOf(STAFF_ROLE_VALUES))


class MemberPatch(ma.Schema):
    role = fields.String(validate=validate.OneOf(STAFF_ROLE_VALUES))
    active = StrictBool()


class MemberOut(UserOut):
    last_login_at = fields.DateTime(required=True, allow_none=True)
    invitation_pending = fields.Method("get_pending", required=True, metadata={"type": "boolean"})

    def get_pending(self, user) -> bool:
        return user.password_hash is None


MemberPage = page_schema(MemberOut, "MemberPage")


class MemberListArgs(PageArgs):
    """`limit` and `cursor`: newest members first."""
