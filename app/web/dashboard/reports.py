"""Hiring analytics (staff): the reports page with its charts, and every table as CSV."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from app.core.csv_export import csv_response
from app.errors import ValidationFailed
from app.models import JobStatus
from app.models.candidates import SOURCES
from app.services import analytics
from app.services import reports as read_models
from app.web.dashboard import bp
from app.web.login import staff_required

# name: (CSV header, where its rows are in the summary, the keys of each row in header order)
SOURCE_KEYS = ("source", "applications", "reached_interview", "offers", "hires", "interview_rate", "hire_rate")
TABLES = {
    "funnel": (("category", "reached", "conversion"), ("funnel", "stages"), ("label", "reached", "conversion")),
    "time-in-stage": (
        ("category", "stays", "median_days", "p75_days"),
        ("time_in_stage", "stages"),
        ("label", "count", "median_days", "p75_days"),
    ),
    "sources": (SOURCE_KEYS, ("sources", "sources"), SOURCE_KEYS),
    "open-jobs": (("job_id", "title", "days_open"), ("overview", "jobs"), ("id", "title", "days_open")),
}


def _bars(rows: list[dict], value_key: str) -> list[dict]:
    """Each row with its bar's width as a share of the largest value (0-100)."""
    top = max((row[value_key] or 0 for row in rows), default=0)
    return [{**row, "width": round(100 * (row[value_key] or 0) / top, 1) if top else 0} for row in rows]


def _filters():
    try:
        return analytics.parse_filters(request.args.to_dict()), {}
    except ValidationFailed as error:
        return None, error.errors


@bp.get("/reports")
@staff_required
def reports_page():
    filters, errors = _filters()
    summary = analytics.summary(current_user, filters) if filters is not None else None
    jobs = read_models.home_jobs(current_user)
    return render_template(
        "dashboard/reports.html",
        summary=summary,
        funnel_bars=_bars(summary["funnel"]["stages"], "reached") if summary else [],
        stage_bars=_bars(summary["time_in_stage"]["stages"], "median_days") if summary else [],
        errors=errors,
        args=request.args,
        query=filters.as_query() if filters else {},
        jobs=jobs,
        sources=SOURCES,
        open_status=JobStatus.OPEN.value,
    ), (200 if summary is not None else 422)


@bp.get("/reports/<name>.csv")
@staff_required
def report_csv(name: str):
    if name not in TABLES:
        abort(404)
    filters, errors = _filters()
    if filters is None:
        abort(422, description="; ".join(f"{field}: {' '.join(m)}" for field, m in errors.items()))
    header, (section, key), keys = TABLES[name]
    rows = analytics.summary(current_user, filters)[section][key]
    return csv_response(f"{name}.csv", header, ([row[k] for k in keys] for row in rows))
