"""Hiring analytics for the company's staff (app/services/analytics.py)."""

from __future__ import annotations

import marshmallow as ma

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, Blueprint
from app.api.schemas.reports import Durations, FunnelOut, OverviewOut, ReportArgs, SourcesOut, TimeInStageOut
from app.services import analytics

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1/reports", tag="Reports", description="Hiring analytics")


def _filters(args: dict) -> analytics.ReportFilters:
    return analytics.parse_filters(
        {
            "job_id": args.get("job_id"),
            "from": args.get("date_from"),
            "to": args.get("date_to"),
            "source": args.get("source"),
            "department": args.get("department"),
        }
    )


def _report(path: str, schema, summary: str):
    def decorate(view):
        view.__doc__ = summary
        for decorator in (
            blp.doc(security=BEARER),
            blp.alt_response(422, response="UNPROCESSABLE_ENTITY"),
            blp.alt_response(404, response="NOT_FOUND"),
            blp.response(200, schema),
            blp.arguments(ReportArgs, location="query", unknown=ma.RAISE),
            jwt_required(),
            blp.get(path),
        ):
            view = decorator(view)
        return view

    return decorate


@_report("/funnel", FunnelOut, "Applications reaching each category and the conversion between them (staff).")
def funnel(args):
    return analytics.funnel(caller(), _filters(args))


@_report("/time-in-stage", TimeInStageOut, "Median and 75th percentile days spent in each category (staff).")
def time_in_stage(args):
    return analytics.time_in_stage(caller(), _filters(args))


@_report("/time-to-hire", Durations, "Median and 75th percentile days from applying to hired (staff).")
def time_to_hire(args):
    return analytics.time_to_hire(caller(), _filters(args))


@_report("/sources", SourcesOut, "Applications, interviews, offers and hires per source (staff).")
def sources(args):
    return analytics.sources(caller(), _filters(args))


@_report("/overview", OverviewOut, "Offer acceptance, pipeline velocity, first response and open jobs (staff).")
def overview(args):
    return analytics.overview(caller(), _filters(args))
