"""The candidate list and search: its query and its items."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import Id, PageArgs, Text, page_schema
from app.models.candidates import SOURCES

Q = (
    'Words to search for in names, emails, phones, answers, notes and resume text. `"a phrase"`, '
    "`a or b`, `-word` to exclude. With it, results come by relevance; without, newest first."
)


class CandidateFilterArgs(ma.Schema):
    q = Text(validate=validate.Length(max=200), metadata={"description": Q})
    job_id = Id(metadata={"description": "Only people with an application to this job."})
    stage = fields.String(
        validate=validate.Length(max=40),
        metadata={"description": "A stage category (applied ... withdrawn); with job_id also a stage key."},
    )
    source = fields.String(validate=validate.OneOf(SOURCES))
    applied_from = fields.Date(metadata={"description": "Applied on or after this day (UTC)."})
    applied_to = fields.Date(metadata={"description": "Applied on or before this day (UTC)."})
    flagged = fields.Boolean(metadata={"description": "With (true) or without (false) a knockout flag."})
    has_resume = fields.Boolean(metadata={"description": "With (true) or without (false) a resume."})


class CandidateListArgs(CandidateFilterArgs, PageArgs):
    pass


class CandidateHitOut(ma.Schema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    source = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    snippet_html = fields.String(
        allow_none=True,
        metadata={"description": "Where the words matched, HTML-escaped, matches in `<mark>`; null without `q`."},
    )
    rank = fields.Float(allow_none=True, metadata={"description": "Relevance (higher first); null without `q`."})


CandidatePage = page_schema(CandidateHitOut, "CandidatePage")
