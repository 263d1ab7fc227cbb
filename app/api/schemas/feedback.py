"""Interview feedback (scorecards), an application's feedback summary, and a job's comparison."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import PageArgs, StrictInt, Text, UserRef
from app.models.feedback import RECOMMENDATIONS

RATINGS_NOTE = (
    'Every attribute of the interview\'s scorecard, keyed "<group>/<attribute>" (e.g. "Skills/Python"), '
    "to 1 (strong no) .. 4 (strong yes), or null for no opinion. An attribute not on the scorecard is a 422."
)


class FeedbackIn(ma.Schema):
    ratings = fields.Dict(
        keys=fields.String(validate=validate.Length(max=300)),
        values=fields.Raw(allow_none=True),
        load_default=dict,
        metadata={"description": RATINGS_NOTE},
    )
    recommendation = fields.String(required=True, validate=validate.OneOf(RECOMMENDATIONS))
    notes = Text(load_default="", validate=validate.Length(max=10_000), metadata={"description": "For the team."})


class FeedbackAmendIn(FeedbackIn):
    version = StrictInt(
        load_default=None,
        allow_none=True,
        metadata={"description": "The version being amended: a 409 if it has changed since."},
    )


class FeedbackOut(ma.Schema):
    id = fields.Integer(required=True)
    interview_id = fields.Integer(required=True)
    interview_title = fields.String(required=True)
    interviewer = fields.Nested(UserRef, required=True)
    application_id = fields.Integer(required=True)
    ratings = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True), required=True)
    recommendation = fields.String(required=True, validate=validate.OneOf(RECOMMENDATIONS))
    notes = fields.String(required=True)
    submitted_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    version = fields.Integer(required=True)


VISIBLE_NOTE = (
    "False while the caller interviews on this application and still owes feedback on one of its "
    "interviews: then only their own feedback is listed, and neither the spread nor the averages."
)


class InterviewFeedbackOut(ma.Schema):
    interview_id = fields.Integer(required=True)
    visible = fields.Boolean(required=True, metadata={"description": VISIBLE_NOTE})
    expected = fields.Integer(required=True, metadata={"description": "The interview's interviewers."})
    submitted = fields.Integer(required=True)
    items = fields.List(fields.Nested(FeedbackOut), required=True)
    own = fields.Nested(FeedbackOut, required=True, allow_none=True)


class AttributeAverageOut(ma.Schema):
    key = fields.String(required=True)
    average = fields.Float(required=True, allow_none=True)
    rated = fields.Integer(required=True)
    no_opinion = fields.Integer(required=True)


class InterviewSummaryOut(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    starts_at = fields.DateTime(required=True, allow_none=True)
    expected = fields.Integer(required=True)
    submitted = fields.Integer(required=True)


class ApplicationFeedbackOut(ma.Schema):
    application_id = fields.Integer(required=True)
    visible = fields.Boolean(required=True, metadata={"description": VISIBLE_NOTE})
    expected = fields.Integer(required=True, metadata={"description": "Interviewers of the interviews not cancelled."})
    submitted = fields.Integer(required=True)
    pending_own = fields.List(fields.Integer(), required=True, metadata={"description": "Interviews you owe."})
    recommendations = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, allow_none=True)
    averages = fields.List(fields.Nested(AttributeAverageOut), required=True, allow_none=True)
    interviews = fields.List(fields.Nested(InterviewSummaryOut), required=True)
    items = fields.List(fields.Nested(FeedbackOut), required=True)
    own = fields.List(fields.Nested(FeedbackOut), required=True)


class ComparisonArgs(PageArgs):
    """`limit` and `cursor`: newest application first."""


class CandidateScoresOut(ma.Schema):
    application_id = fields.Integer(required=True)
    name = fields.String(required=True)
    stage = fields.String(required=True)
    feedback = fields.Integer(required=True)
    recommendations = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, allow_none=True)
    averages = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True), required=True, allow_none=True)


class ComparisonOut(ma.Schema):
    job_id = fields.Integer(required=True)
    job_title = fields.String(required=True)
    attributes = fields.List(fields.String(), required=True)
    items = fields.List(fields.Nested(CandidateScoresOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
