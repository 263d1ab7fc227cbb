"""Bulk actions on applications."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import MAX_ID, StrictInt, Text
from app.services.bulk import ACTIONS
from app.workflow import KEY_PATTERN

IDS_DOC = "The applications, by id (at most `BULK_MAX`, 500 by default, each once)."


class BulkItemIn(ma.Schema):
    id = StrictInt(required=True, validate=validate.Range(1, MAX_ID))
    version = StrictInt(
        required=True,
        validate=validate.Range(1, MAX_ID),
        metadata={"description": "The version you read; if it changed meanwhile this one is reported `stale`."},
    )


class BulkIn(ma.Schema):
    action = fields.String(
        required=True,
        validate=validate.OneOf(ACTIONS),
        metadata={
            "description": "`move` to the stage `to`, `reject` with a reason, add `note` as a staff note, "
            "or `email` the candidates (`subject`, `body`); `add_tag` / `remove_tag` on the applications' candidates."
        },
    )
    ids = fields.List(StrictInt(validate=validate.Range(1, MAX_ID)), metadata={"description": IDS_DOC})
    applications = fields.List(
        fields.Nested(BulkItemIn),
        metadata={"description": f"Instead of `ids`: each with the version you read. {IDS_DOC}"},
    )
    to = fields.String(
        validate=validate.Regexp(KEY_PATTERN, error="Not a stage key."),
        metadata={"description": "`move`: the key of a stage of the applications' job pipelines."},
    )
    reason = Text(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "`reject`: this text, a `reason_id`, or both, are required. Never sent to anyone."},
    )
    reason_id = StrictInt(
        allow_none=True,
        validate=validate.Range(1, MAX_ID),
        metadata={"description": "`reject`: one of the company's rejection reasons (`GET /rejection-reasons`)."},
    )
    note = Text(
        allow_none=True,
        validate=validate.Length(max=10000),
        metadata={"description": "`note`: the note (required). Moves: a private note on each history row."},
    )

    subject = Text(
        allow_none=True,
        validate=validate.Length(max=300),
        metadata={"description": "`email`: the subject; merge fields (`{{ job.title }}`...) are filled per candidate."},
    )
    body = Text(
        allow_none=True,
        validate=validate.Length(max=20_000),
        metadata={"description": "`email`: the text, with merge fields as in email templates."},
    )
    send_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "`email`: send at this time (within 90 days); left out: now."}
    )
    tag = Text(
        allow_none=True,
        validate=validate.Length(max=50),
        metadata={"description": "`add_tag` / `remove_tag`: the tag's name (any case). Adding an unknown name "
                  "creates the tag (recruiters and admins)."},
    )  # fmt: skip

    @ma.validates_schema
    def _one_list(self, data, **kwargs):
        if ("ids" in data) == ("applications" in data):
            raise ma.ValidationError("Give either `ids` or `applications`.", field_name="ids")


class BulkDoneOut(ma.Schema):
    id = fields.Integer(required=True)
    stage = fields.String(required=True, metadata={"description": "The stage key it stands in now."})
    version = fields.Integer(required=True)


class BulkFailedOut(ma.Schema):
    id = fields.Integer(required=True)
    code = fields.String(
        required=True,
        validate=validate.OneOf(
            ("not_found", "stale", "illegal", "invalid", "forbidden", "not_undoable", "no_email", "offer_required")
        ),
        metadata={
            "description": "`not_found` (no such application in your company), `stale` (its version changed), "
            "`illegal` (its job's pipeline has no such move; see `allowed`), `invalid` (`to` is not a stage of "
            "its job), `forbidden`, `not_undoable` (undo), `no_email` (the candidate has no address) or "
            "`offer_required` (a hire without an accepted offer, where the company requires one)."
        },
    )
    detail = fields.String(required=True)
    current_stage = fields.String(metadata={"description": "Where it stands (all but `not_found`)."})
    allowed = fields.List(fields.String(), metadata={"description": "`illegal`: the moves its stage allows."})
    version = fields.Integer(metadata={"description": "`stale`: its version now."})


class BulkOut(ma.Schema):
    batch_id = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "Names the moves made (for `POST /applications/bulk/{batch_id}/undo`); null for notes."
        },
    )
    succeeded = fields.List(fields.Nested(BulkDoneOut), required=True, metadata={"description": "In the order given."})
    failed = fields.List(fields.Nested(BulkFailedOut), required=True, metadata={"description": "In the order given."})
