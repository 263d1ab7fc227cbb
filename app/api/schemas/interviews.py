"""Interviews on applications, job interview plans and the caller's calendar feed."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import PageArgs, StrictInt, Text, page_schema

TIME_NOTE = (
    "ISO 8601; without an offset it is read in `timezone` (e.g. `2027-03-01T14:30`), with one it is that instant."
)


class ScorecardGroup(ma.Schema):
    name = fields.String(required=True, metadata={"description": "The group's name, unique in the scorecard."})
    attributes = fields.List(
        fields.String(), required=True, metadata={"description": "1 to 30 one-line attributes interviewers rate."}
    )


class InterviewerOut(ma.Schema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)


class InterviewIn(ma.Schema):
    starts_at = Text(required=True, metadata={"description": TIME_NOTE})
    ends_at = Text(metadata={"description": f"{TIME_NOTE} Left out: the plan step's duration."})
    timezone = Text(required=True, metadata={"description": "IANA zone, e.g. `Europe/Paris`."})
    title = Text(metadata={"description": "Left out: the plan step's name."})
    kind_id = StrictInt(allow_none=True, metadata={"description": "A step of the job's interview plan."})
    interviewer_ids = fields.List(StrictInt(), metadata={"description": "Staff of the company (default: the step's)."})
    location = Text(allow_none=True)
    video_url = Text(allow_none=True)
    notes = Text(allow_none=True, metadata={"description": "For interviewers only: never shown to the candidate."})


class InterviewPatch(ma.Schema):
    starts_at = Text(metadata={"description": f"{TIME_NOTE} Without `ends_at` the length is kept."})
    ends_at = Text()
    timezone = Text()
    title = Text()
    interviewer_ids = fields.List(StrictInt())
    location = Text(allow_none=True)
    video_url = Text(allow_none=True)
    notes = Text(allow_none=True)
    version = StrictInt(metadata={"description": "The `version` you read: a changed one is a 409."})


class InterviewCancel(ma.Schema):
    reason = Text(allow_none=True, validate=validate.Length(max=2000), metadata={"description": "Sent to everyone."})


class InterviewOut(ma.Schema):
    id = fields.Integer(required=True)
    application_id = fields.Integer(required=True)
    kind_id = fields.Integer(required=True, allow_none=True)
    title = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("scheduled", "cancelled")))
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    timezone = fields.String(required=True)
    location = fields.String(required=True)
    video_url = fields.String(required=True)
    interviewers = fields.List(fields.Nested(InterviewerOut), required=True)
    organizer_id = fields.Integer(required=True, allow_none=True)
    scorecard = fields.List(fields.Nested(ScorecardGroup), required=True)
    uid = fields.String(required=True, metadata={"description": "The iCalendar UID, fixed for the interview."})
    sequence = fields.Integer(required=True, metadata={"description": "Raised with every invite sent."})
    version = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    cancelled_at = fields.DateTime(required=True, allow_none=True)
    notes = fields.String(metadata={"description": "The interviewers' notes (staff only; never in webhooks)."})


class InterviewListArgs(PageArgs):
    """`limit` and `cursor`: soonest first."""


InterviewPage = page_schema(InterviewOut, "InterviewPage")
InterviewList = ma.Schema.from_dict(
    {"items": fields.List(fields.Nested(InterviewOut), required=True)}, name="InterviewList"
)


class InterviewKindIn(ma.Schema):
    id = StrictInt(metadata={"description": "An existing step, kept and changed; left out: a new step."})
    name = Text(required=True)
    stage = Text(allow_none=True, metadata={"description": "A stage key of the job's pipeline."})
    duration_minutes = StrictInt(metadata={"description": "5 to 720; default 60."})
    location = Text(allow_none=True)
    video_url = Text(allow_none=True)
    default_interviewer_ids = fields.List(StrictInt())
    scorecard = fields.List(fields.Dict(), metadata={"description": "Groups `{name, attributes: [...]}`."})


class InterviewKindOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    position = fields.Integer(required=True)
    stage = fields.String(required=True, allow_none=True)
    duration_minutes = fields.Integer(required=True)
    location = fields.String(required=True)
    video_url = fields.String(required=True)
    default_interviewer_ids = fields.List(fields.Integer(), required=True)
    scorecard = fields.List(fields.Nested(ScorecardGroup), required=True)


class InterviewPlanIn(ma.Schema):
    steps = fields.List(fields.Nested(InterviewKindIn), required=True)


class InterviewPlanOut(ma.Schema):
    job_id = fields.Integer(required=True)
    steps = fields.List(fields.Nested(InterviewKindOut), required=True)


class CalendarFeedOut(ma.Schema):
    url = fields.String(required=True, metadata={"description": "The private feed URL: shown this once."})
