"""Equal-opportunity questions and the aggregate report (never an individual's answers)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields


class EeoQuestion(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    key = fields.String(required=True)
    label = fields.String(required=True)
    options = fields.List(fields.String(), required=True, metadata={"description": '"Prefer not to say" is added.'})


class EeoQuestionsIn(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    questions = fields.List(fields.Nested(EeoQuestion), required=True)


class EeoQuestionsOut(ma.Schema):
    questions = fields.List(fields.Nested(EeoQuestion), required=True)


class EeoReportArgs(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    job_id = fields.Integer(metadata={"description": "One job of the company."})
    date_from = fields.String(data_key="from", metadata={"description": "A day (YYYY-MM-DD): applied on or after."})
    date_to = fields.String(data_key="to", metadata={"description": "A day (YYYY-MM-DD): applied on or before."})


CATEGORY_MAP = {"description": "Per stage category (screening, interview, offer, hired); null: not shown."}


class EeoGroupOut(ma.Schema):
    answer = fields.String(required=True)
    counts = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        required=True,
        metadata={"description": 'Applicants who reached each category; "<5" when under 5 (suppressed).'},
    )
    rates = fields.Dict(
        keys=fields.String(), values=fields.Float(allow_none=True), required=True, metadata=CATEGORY_MAP
    )
    ratios = fields.Dict(
        keys=fields.String(), values=fields.Float(allow_none=True), required=True,
        metadata={"description": "The rate over the highest group's rate (four-fifths rule); null: not computable."},
    )  # fmt: skip
    flagged = fields.List(fields.String(), required=True, metadata={"description": "Categories with a ratio < 0.8."})


class EeoQuestionReportOut(ma.Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    groups = fields.List(fields.Nested(EeoGroupOut), required=True)


class EeoReportOut(ma.Schema):
    questions = fields.List(fields.Nested(EeoQuestionReportOut), required=True)
