"""The dashboard home: the company's jobs with counts per stage, and recent activity."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from app.models import JobStatus
from app.services import reports
from app.web.dashboard import bp
from app.web.login import staff_required
from app.workflow import ACTIVE_STAGES


@bp.get("/")
@staff_required
def home():
    recent_jobs = reports.home_jobs(current_user)
    by_status = reports.job_status_counts(current_user)
    totals = reports.stage_totals(current_user)
    listed = by_status.get(JobStatus.OPEN, 0) + by_status.get(JobStatus.DRAFT, 0)
    return render_template(
        "dashboard/home.html",
        jobs=recent_jobs,
        more_jobs=listed - len(recent_jobs),
        closed_count=by_status.get(JobStatus.CLOSED, 0),
        open_count=by_status.get(JobStatus.OPEN, 0),
        counts=reports.stage_counts(current_user, [job.id for job in recent_jobs]),
        totals=totals,
        in_progress=sum(totals.get(stage, 0) for stage in ACTIVE_STAGES),
        activity=reports.recent_activity(current_user, limit=12),
    )
