"""Candidate profiles, tags and talent pools."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.applications import LinksIn
from app.api.schemas.common import MAX_ID, PageArgs, StrictInt, Text, page_schema
from app.models.candidates import STAFF_SOURCES


class TagOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    colour = fields.String(allow_none=True, required=True)


class TagList(ma.Schema):
    tags = fields.List(fields.Nested(TagOut), required=True)


class TagIn(ma.Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=50))
    colour = Text(allow_none=True, metadata={"description": "Optional, like `#1a7f37`."})


class TagPatch(ma.Schema):
    name = Text(validate=validate.Length(min=1, max=50))
    colour = Text(allow_none=True)


class TagMergeIn(ma.Schema):
    into = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The id of the company's tag to keep; it must be another tag."},
    )


class TagNameIn(ma.Schema):
    name = Text(
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "Any case. An unknown name creates the tag (recruiters and admins)."},
    )


class TagNameArgs(ma.Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=50))


class PoolRef(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class ProfileApplication(ma.Schema):
    id = fields.Integer(required=True)
    job = fields.Dict(required=True, metadata={"description": "`id` and `title`."})
    stage = fields.String(required=True)
    stage_category = fields.String(required=True)
    source = fields.String(required=True)
    applied_at = fields.DateTime(required=True)
    stage_entered_at = fields.DateTime(required=True)
    resume = fields.Dict(allow_none=True, required=True, metadata={"description": "`filename` and `url`."})
    merged_from_id = fields.Integer(
        allow_none=True,
        required=True,
        metadata={
            "description": "The record merged into this one that holds this application (both had applied to the "
            "job, so the merge left it there); null for the candidate's own."
        },
    )


class ProfileHistory(ma.Schema):
    id = fields.Integer(required=True)
    application_id = fields.Integer(required=True)
    job_title = fields.String(required=True)
    from_stage = fields.String(allow_none=True, required=True)
    to_stage = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class CandidateDetailsOut(ma.Schema):
    """The person's record: what `candidate.*` webhook events carry as `data`."""

    id = fields.Integer(required=True)
    full_name = fields.String(required=True)
    email = fields.String(allow_none=True, required=True)
    phone = fields.String(allow_none=True, required=True)
    location = fields.String(allow_none=True, required=True)
    links = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    source = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "Send it back with a PATCH."})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class CandidateOut(CandidateDetailsOut):
    tags = fields.List(fields.Nested(TagOut), required=True)
    pools = fields.List(fields.Nested(PoolRef), required=True)
    applications = fields.List(fields.Nested(ProfileApplication))
    history = fields.List(fields.Nested(ProfileHistory), metadata={"description": "Newest first, every job."})
    warnings = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "After a PATCH: what was accepted as typed (a phone without a country code)."},
    )


class CandidatePatch(ma.Schema):
    full_name = Text(validate=validate.Length(min=1, max=200))
    email = Text(allow_none=True, validate=validate.Length(max=254))
    phone = Text(
        allow_none=True,
        validate=validate.Length(max=50),
        metadata={"description": "With + and a country code it is stored as E.164; without, as typed (a warning)."},
    )
    location = Text(allow_none=True, validate=validate.Length(max=200))
    links = fields.Nested(LinksIn)
    source = fields.String(validate=validate.OneOf(STAFF_SOURCES))
    version = StrictInt(
        validate=validate.Range(1, MAX_ID),
        metadata={"description": "The version you read; a changed one is a 409 and nothing is saved."},
    )


class PoolOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    members = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)


class PoolIn(ma.Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    description = Text(validate=validate.Length(max=2000))


class PoolPatch(ma.Schema):
    name = Text(validate=validate.Length(min=1, max=100))
    description = Text(validate=validate.Length(max=2000))


class PoolMemberOut(ma.Schema):
    candidate = fields.Dict(required=True, metadata={"description": "`id`, `full_name`, `email`."})
    added_by_id = fields.Integer(allow_none=True, required=True)
    added_at = fields.DateTime(required=True)


class MembersIn(ma.Schema):
    candidate_ids = fields.List(
        StrictInt(validate=validate.Range(1, MAX_ID)),
        required=True,
        validate=validate.Length(min=1, max=500),
    )


class MembersOut(ma.Schema):
    done = fields.List(fields.Integer(), required=True, metadata={"description": "Added (or removed)."})
    unchanged = fields.List(fields.Integer(), required=True, metadata={"description": "Members already (or not)."})
    not_found = fields.List(fields.Integer(), required=True)


class PoolApplyIn(ma.Schema):
    job_id = StrictInt(required=True, validate=validate.Range(1, MAX_ID))


PoolPage = page_schema(PoolOut, "PoolPage")
PoolMemberPage = page_schema(PoolMemberOut, "PoolMemberPage")
PoolListArgs = PageArgs
