"""Retention policy, its preview and runs; erasure, legal holds and withdrawn consent."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import StrictInt, Text


class RetentionPolicyIn(ma.Schema):
    retention_days = StrictInt(
        required=True,
        allow_none=True,
        metadata={"description": "Days after a candidate's last application ended (null: off; at least 1)."},
    )
    retention_hired_days = StrictInt(
        required=True,
        allow_none=True,
        metadata={"description": "Days after a hired candidate's hire (null: off; at least 1)."},
    )


class RetentionPolicyOut(ma.Schema):
    retention_days = fields.Integer(allow_none=True, required=True)
    retention_hired_days = fields.Integer(allow_none=True, required=True)


class RetentionDueOut(ma.Schema):
    candidate_id = fields.Integer(required=True)
    full_name = fields.String(required=True)
    rule = fields.String(required=True, metadata={"description": "`ended` or `hired`."})
    ended_at = fields.DateTime(required=True)
    why = fields.String(required=True)


class RetentionPreviewOut(ma.Schema):
    policy = fields.Nested(RetentionPolicyOut, required=True)
    due = fields.List(fields.Nested(RetentionDueOut), required=True)


class RetentionRunOut(ma.Schema):
    id = fields.Integer(required=True)
    trigger = fields.String(required=True)
    actor_id = fields.Integer(allow_none=True, required=True)
    policy = fields.Dict(required=True)
    count = fields.Integer(required=True)
    anonymised = fields.List(fields.Dict(), required=True)
    started_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True, required=True)


class RetentionRunList(ma.Schema):
    runs = fields.List(fields.Nested(RetentionRunOut), required=True)


class CandidateErasedOut(ma.Schema):
    candidate_id = fields.Integer(required=True)
    applications = fields.Integer(required=True)
    files = fields.Integer(required=True)


class LegalHoldIn(ma.Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=500))


class CandidatePrivacyOut(ma.Schema):
    candidate_id = fields.Integer(required=True)
    anonymised_at = fields.DateTime(allow_none=True, required=True)
    legal_hold_at = fields.DateTime(allow_none=True, required=True)
    legal_hold_reason = fields.String(allow_none=True, required=True)
    consent_withdrawn_at = fields.DateTime(allow_none=True, required=True)
