"""Jobs."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import (
    CompanyRef,
    Id,
    PageArgs,
    StrictBool,
    StrictInt,
    Text,
    page_schema,
    updated_after_field,
)
from app.models.jobs import DEPARTMENT_MAX, EMPLOYMENT_TYPES, HEADCOUNT_MAX, JOB_STATUSES

SALARY_MAX = 2_000_000_000  # fits the column


class JobPatch(ma.Schema):
    """Every field optional; only those sent change."""

    title = Text(validate=validate.Length(max=200))
    description = Text(validate=validate.Length(max=20000))
    location = Text(validate=validate.Length(max=200))
    remote = StrictBool()
    employment_type = fields.String(validate=validate.OneOf(EMPLOYMENT_TYPES))
    salary_min = StrictInt(allow_none=True, validate=validate.Range(0, SALARY_MAX))
    salary_max = StrictInt(allow_none=True, validate=validate.Range(0, SALARY_MAX))
    salary_currency = Text(allow_none=True, validate=validate.Length(max=3), metadata={"example": "EUR"})
    salary_visible = StrictBool(metadata={"description": "Show the salary on public pages, feeds and search data."})
    department = Text(validate=validate.Length(max=DEPARTMENT_MAX), metadata={"example": "Engineering"})
    headcount = StrictInt(validate=validate.Range(1, HEADCOUNT_MAX), metadata={"description": "Openings to fill."})
    closes_at = fields.AwareDateTime(
        allow_none=True,
        metadata={
            "description": "The job closes itself at this time (with a timezone; in the future when set).",
            "example": "2027-01-31T17:00:00Z",
        },
    )
    status = fields.String(validate=validate.OneOf(JOB_STATUSES))


class JobIn(JobPatch):
    """A new job in the caller's company (a draft unless `status` says otherwise)."""

    title = Text(required=True, validate=validate.Length(max=200))
    stage_template_id = StrictInt(
        validate=validate.Range(1, 2_147_483_647),
        metadata={"description": "Copy the pipeline from this stage template (default: the company's default one)."},
    )
    pipeline = fields.List(
        fields.Dict(),
        metadata={"description": "Or give the job's stages whole, as in `PUT /jobs/{id}/pipeline`."},
    )
    pipeline_allow_skip = StrictBool()


class JobOut(ma.Schema):
    id = fields.Integer(required=True)
    company = fields.Nested(CompanyRef, required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    location = fields.String(required=True)
    remote = fields.Boolean(required=True)
    employment_type = fields.String(required=True, validate=validate.OneOf(EMPLOYMENT_TYPES))
    salary_min = fields.Integer(required=True, allow_none=True)
    salary_max = fields.Integer(required=True, allow_none=True)
    salary_currency = fields.String(required=True, allow_none=True)
    salary_visible = fields.Boolean(
        required=True,
        metadata={"description": "When false, callers outside the company get null salary fields."},
    )
    department = fields.String(required=True)
    headcount = fields.Integer(required=True)
    closes_at = fields.DateTime(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(JOB_STATUSES))
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    opened_at = fields.DateTime(required=True, allow_none=True)
    closed_at = fields.DateTime(required=True, allow_none=True)


JobPage = page_schema(JobOut, "JobPage")


class JobListArgs(PageArgs):
    updated_after = updated_after_field()
    q = Text(validate=validate.Length(max=200), metadata={"description": "Words in the title or description."})
    company_id = Id()
    location = Text(validate=validate.Length(max=200))
    remote = fields.Boolean()
    employment_type = fields.String(validate=validate.OneOf(EMPLOYMENT_TYPES))
    status = fields.String(
        validate=validate.OneOf(JOB_STATUSES),
        metadata={"description": "Staff only: their own company's jobs in this status."},
    )
