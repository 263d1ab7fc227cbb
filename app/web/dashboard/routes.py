"""The dashboard home: the company's jobs with counts per stage, and recent activity."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from app.models import JobStatus
from app.services import jobs, reports
from app.web.dashboard import bp
from app.web.login import staff_required
from app.workflow import ACTIVE_STAGES


@bp.get("/")
@staff_required
def home():
    company_jobs = jobs.list_company_jobs(current_user)
    counts = reports.stage_counts(current_user)
    totals: dict[str, int] = {}
    for per_stage in counts.values():
        for stage, count in per_stage.items():
            totals[stage] = totals.get(stage, 0) + count
    return render_template(
        "dashboard/home.html",
        jobs=[job for job in company_jobs if job.status != JobStatus.CLOSED],
        closed_count=sum(1 for job in company_jobs if job.status == JobStatus.CLOSED),
        open_count=sum(1 for job in company_jobs if job.status == JobStatus.OPEN),
        counts=counts,
        totals=totals,
        in_progress=sum(totals.get(stage, 0) for stage in ACTIVE_STAGES),
        activity=reports.recent_activity(current_user, limit=12),
    )
