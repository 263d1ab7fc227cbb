"""Possible duplicates, merge previews, merges and their undo."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import MAX_ID, Id, StrictInt, page_schema

PERSON = "`id`, `full_name`, `email`, `phone`, `location`, `links`."


class DuplicateOut(ma.Schema):
    id = fields.Integer(required=True)
    candidate_a = fields.Dict(required=True, metadata={"description": PERSON})
    candidate_b = fields.Dict(required=True, metadata={"description": PERSON})
    reasons = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Any of `email`, `phone`, `linkedin`, `name_and_resume`."},
    )
    status = fields.String(required=True, metadata={"description": "`open`, `merged` or `dismissed`."})
    found_at = fields.DateTime(required=True)


DuplicatePage = page_schema(DuplicateOut, "DuplicatePage")


class DuplicateList(ma.Schema):
    items = fields.List(fields.Nested(DuplicateOut), required=True)


class CandidateMergePreviewArgs(ma.Schema):
    other_id = Id(
        metadata={"description": "The record that would be merged into this one (required)."},
    )


class CandidateFieldConflictOut(ma.Schema):
    field = fields.String(required=True)
    keep_value = fields.Raw(allow_none=True, required=True)
    other_value = fields.Raw(allow_none=True, required=True)
    kept = fields.String(required=True, metadata={"description": "`keep` or `other`: whose value stays by default."})


class CandidateMergePreviewOut(ma.Schema):
    keep = fields.Dict(required=True, metadata={"description": PERSON})
    other = fields.Dict(required=True, metadata={"description": PERSON})
    conflicts = fields.List(fields.Nested(CandidateFieldConflictOut), required=True)
    applications_moving = fields.Integer(required=True)
    same_jobs = fields.List(fields.String(), required=True, metadata={"description": "Jobs both applied to."})
    notes = fields.List(fields.String(), required=True)


class CandidateMergeIn(ma.Schema):
    other_id = StrictInt(required=True, validate=validate.Range(1, MAX_ID))
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "Per field (`full_name`, `email`, `phone`, `location`, `links`): `keep` or `other`. "
            "Unnamed fields keep the kept record's value unless it has none."
        },
    )


class CandidateMergeOut(ma.Schema):
    id = fields.Integer(required=True)
    keep_id = fields.Integer(required=True)
    other_id = fields.Integer(required=True)
    moved = fields.Dict(
        required=True,
        metadata={
            "description": "Ids moved per table (`applications`, `resume_texts`, `tags`, `pool_members`), "
            "`fields` overwritten with their old and new values, `other`: the merged record's cleared values."
        },
    )
    merged_by_id = fields.Integer(allow_none=True, required=True)
    merged_at = fields.DateTime(required=True)
    undone_at = fields.DateTime(allow_none=True, required=True)
    undo_until = fields.DateTime(required=True)
