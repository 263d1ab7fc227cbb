"""Jobs in the dashboard: list, create, edit, open/close (each job's board: board.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.errors import ValidationFailed
from app.services import jobs, pipelines, reports
from app.services.access import EDITORS, require_role
from app.web.dashboard import bp
from app.web.dashboard.forms import JobForm, JobStatusForm
from app.web.formtools import flash_error, show_errors
from app.web.helpers import JOB_STATUS_LABELS
from app.web.login import staff_required


@bp.get("/jobs", endpoint="jobs")
@staff_required
def jobs_list():
    company_jobs = jobs.list_company_jobs(current_user)
    return render_template(
        "dashboard/jobs.html",
        jobs=company_jobs,
        counts=reports.stage_counts(current_user),
        can_edit=current_user.role in EDITORS,
    )


@bp.route("/jobs/new", methods=["GET", "POST"])
@staff_required
def new_job():
    require_role(current_user, *EDITORS, action="create jobs")
    form = JobForm()
    if form.validate_on_submit():
        try:
            job = jobs.create_job(current_user, **form.service_fields())
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            flash(f"{job.title} is saved as {JOB_STATUS_LABELS[job.status].lower()}.", "success")
            return redirect(url_for("dashboard.job", job_id=job.id))
    form.offer_templates(pipelines.list_templates(current_user))
    return render_template("dashboard/job_form.html", form=form, job=None), 422 if form.errors else 200


@bp.route("/jobs/<int:job_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_job(job_id: int):
    job = reports.company_job(current_user, job_id)
    require_role(current_user, *EDITORS, action="change jobs")
    form = JobForm(obj=job)
    del form.status  # the status has its own buttons
    del form.stage_template_id  # the pipeline has its own page
    if form.validate_on_submit():
        try:
            jobs.update_job(current_user, job.id, **form.service_fields(current_closes_at=job.closes_at))
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            flash("The job is saved.", "success")
            return redirect(url_for("dashboard.job", job_id=job.id))
    return render_template("dashboard/job_form.html", form=form, job=job), 422 if form.errors else 200


@bp.post("/jobs/<int:job_id>/status")
@staff_required
def job_status(job_id: int):
    job = reports.company_job(current_user, job_id)
    form = JobStatusForm()
    if form.validate_on_submit():
        try:
            jobs.set_job_status(current_user, job.id, form.status.data)
        except ValidationFailed as error:
            flash_error(error)
        else:
            messages = {
                "open": "is open and listed on the job board",
                "closed": "is closed",
                "draft": "is back to draft",
            }
            flash(f"{job.title} {messages[job.status]}.", "success")
    return redirect(url_for("dashboard.job", job_id=job.id))
