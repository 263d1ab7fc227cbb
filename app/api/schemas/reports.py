"""Hiring analytics: the filters every report takes and what each answers."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from app.models.candidates import SOURCES

DATE = {"format": "date", "description": "A day (YYYY-MM-DD, UTC): applications created on or after it."}


class ReportArgs(ma.Schema):
    """Kept as text here: app/services/analytics.parse_filters checks them once for both front doors."""

    class Meta:
        unknown = ma.RAISE  # a misspelt filter is an error, not a silently wider report

    job_id = fields.String(metadata={"description": "One job of the company."})
    date_from = fields.String(data_key="from", metadata=DATE)
    date_to = fields.String(data_key="to", metadata={**DATE, "description": "A day: created on or before it."})
    source = fields.String(metadata={"enum": list(SOURCES)})
    department = fields.String(metadata={"description": "The jobs' department, exactly as written on them."})


class FunnelStage(ma.Schema):
    category = fields.String(required=True)
    label = fields.String(required=True)
    reached = fields.Integer(
        required=True, metadata={"description": "Applications whose furthest category is this or later."}
    )
    conversion = fields.Float(allow_none=True, metadata={"description": "reached / the previous category's reached."})


class FunnelOut(ma.Schema):
    applications = fields.Integer(required=True)
    stages = fields.List(fields.Nested(FunnelStage), required=True)
    rejected = fields.Integer(required=True)
    withdrawn = fields.Integer(required=True)


class Durations(ma.Schema):
    count = fields.Integer(required=True)
    median_days = fields.Float(allow_none=True)
    p75_days = fields.Float(allow_none=True)


class StageDurations(Durations):
    category = fields.String(required=True)
    label = fields.String(required=True)


class TimeInStageOut(ma.Schema):
    stages = fields.List(fields.Nested(StageDurations), required=True)


class SourceRow(ma.Schema):
    source = fields.String(required=True)
    applications = fields.Integer(required=True)
    reached_interview = fields.Integer(required=True)
    offers = fields.Integer(required=True)
    hires = fields.Integer(required=True)
    interview_rate = fields.Float(allow_none=True)
    hire_rate = fields.Float(allow_none=True)


class SourcesOut(ma.Schema):
    sources = fields.List(fields.Nested(SourceRow), required=True)


class OpenJob(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    days_open = fields.Float(required=True, metadata={"description": "Since it was last opened."})


class OverviewOut(ma.Schema):
    offers = fields.Integer(required=True)
    hires = fields.Integer(required=True)
    offers_decided = fields.Integer(required=True, metadata={"description": "Hired, or ended after an offer."})
    offer_acceptance = fields.Float(allow_none=True)
    moves = fields.Integer(required=True)
    velocity_per_week = fields.Float(required=True)
    velocity_from = fields.Date(required=True)
    velocity_to = fields.Date(required=True)
    first_response = fields.Nested(Durations, required=True)
    open_jobs = fields.Integer(required=True)
    jobs = fields.List(fields.Nested(OpenJob), required=True, metadata={"description": "The 20 open longest."})
