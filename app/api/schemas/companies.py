"""Companies and their members."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from app.api.schemas.accounts import UserOut
from app.api.schemas.common import PageArgs, StrictBool, Text, page_schema
from app.services import careers, logos
from app.services.companies import DESCRIPTION_MAX, STAFF_ROLE_VALUES, WEBSITE_MAX


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
    default_language = fields.String(
        required=True, metadata={"description": "The language of candidate emails for people who named none."}
    )
    hire_requires_offer = fields.Boolean(
        required=True, metadata={"description": "A move to a hired stage needs an accepted offer."}
    )
    offer_self_approval = fields.Boolean(
        required=True, metadata={"description": "Whoever made an offer may approve it themselves."}
    )
    logo_url = fields.Method(
        "get_logo_url",
        required=True,
        allow_none=True,
        metadata={"type": "string", "nullable": True, "description": "The logo's public URL (PNG or JPEG)."},
    )
    created_at = fields.DateTime(required=True)

    def get_logo_url(self, company) -> str | None:
        return careers.logo_url(company)


class CompanyPatch(ma.Schema):
    """The public profile (admins only); every field optional, only those sent change."""

    name = Text(validate=validate.Length(max=200))
    description = Text(allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))
    website = Text(
        allow_none=True, validate=validate.Length(max=WEBSITE_MAX), metadata={"example": "https://acme.example"}
    )
    default_language = Text(
        validate=validate.Length(max=16),
        metadata={
            "example": "de",
            "description": "A language tag (en, de, pt-br): candidate emails use the company's templates in it "
            "when the candidate named no language, falling back to English.",
        },
    )
    hire_requires_offer = StrictBool(
        metadata={"description": "A move to a hired stage needs an accepted offer (on by default)."}
    )
    offer_self_approval = StrictBool(
        metadata={"description": "Whoever made an offer may approve it themselves (off by default)."}
    )


class LogoIn(ma.Schema):
    logo = Upload(
        required=True,
        metadata={"description": f"PNG or JPEG, up to {logos.LOGO_MAX_BYTES // 1024} KB; SVG is refused."},
    )


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
