"""Offers, their approvers and the offer letter template."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import PageArgs, StrictInt, Text, page_schema
from app.models.offers import OFFER_STATUSES
from app.services.offer_letters import BODY_MAX, TERMS_MAX

AMOUNT = {
    "type": "string",
    "example": "85000.00",
    "description": "More than 0, with at most the currency's decimals: a decimal string (exact) or a JSON number.",
}


class OfferIn(ma.Schema):
    salary_amount = fields.Raw(required=True, metadata=AMOUNT)
    currency = Text(required=True, validate=validate.Length(max=10), metadata={"example": "EUR",
                    "description": "An ISO 4217 code."})  # fmt: skip
    start_date = fields.Date(required=True, metadata={"example": "2027-01-15"})
    terms = Text(validate=validate.Length(max=TERMS_MAX), metadata={"description": "Other terms, as text."})


class OfferPatch(ma.Schema):
    """Only the fields sent change; changing a submitted or approved offer sends it back to approval."""

    salary_amount = fields.Raw(metadata=AMOUNT)
    currency = Text(validate=validate.Length(max=10))
    start_date = fields.Date()
    terms = Text(validate=validate.Length(max=TERMS_MAX))
    version = StrictInt(metadata={"description": "The version you read: a changed one is a 409."})


class OfferActionIn(ma.Schema):
    note = Text(validate=validate.Length(max=2000), metadata={"description": "Kept in the offer's history."})
    version = StrictInt(metadata={"description": "The version you read: a changed one is a 409."})


class OfferEventOut(ma.Schema):
    id = fields.Integer(required=True)
    from_status = fields.String(required=True, allow_none=True)
    to_status = fields.String(required=True)
    by = fields.String(required=True, allow_none=True, metadata={"description": "None: the candidate."})
    note = fields.String(required=True, allow_none=True)
    at = fields.DateTime(required=True)


class OfferOut(ma.Schema):
    id = fields.Integer(required=True)
    application_id = fields.Integer(required=True)
    job_id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(OFFER_STATUSES))
    salary_amount = fields.String(required=True, metadata={"description": "Exact, with the currency's decimals."})
    currency = fields.String(required=True)
    start_date = fields.Date(required=True)
    terms = fields.String(required=True)
    created_by_id = fields.Integer(required=True, allow_none=True)
    approved_by_id = fields.Integer(required=True, allow_none=True)
    approved_at = fields.DateTime(required=True, allow_none=True)
    sent_at = fields.DateTime(required=True, allow_none=True)
    responded_at = fields.DateTime(required=True, allow_none=True)
    version = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    history = fields.List(fields.Nested(OfferEventOut), metadata={"description": "On the single offer only."})


class OfferListArgs(PageArgs):
    """`limit` and `cursor`: newest first."""


OfferPage = page_schema(OfferOut, "OfferPage")


class ApproverOut(ma.Schema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)
    role = fields.String(required=True)


class ApproversIn(ma.Schema):
    user_ids = fields.List(StrictInt(), required=True, metadata={"description": "Active members of your company."})


class ApproversOut(ma.Schema):
    approvers = fields.List(fields.Nested(ApproverOut), required=True)


class LetterFieldOut(ma.Schema):
    name = fields.String(required=True)
    description = fields.String(required=True)


class LetterTemplateIn(ma.Schema):
    body = Text(required=True, validate=validate.Length(max=BODY_MAX), metadata={
        "description": "HTML with merge fields ({{ candidate.full_name }}), rendered in Jinja's sandbox."})  # fmt: skip


class LetterTemplateOut(ma.Schema):
    body = fields.String(required=True)
    custom = fields.Boolean(required=True, metadata={"description": "False: the built-in letter."})
    updated_at = fields.DateTime(required=True, allow_none=True)
    merge_fields = fields.List(fields.Nested(LetterFieldOut), required=True)
