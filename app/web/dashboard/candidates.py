"""Staff add people to a job themselves; status links of an application."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from app.errors import Conflict, ValidationFailed
from app.services import applying, reports, status_links
from app.services.access import EDITORS, require_role
from app.services.candidates import CandidateDetails
from app.services.resumes import ResumeUpload
from app.web.dashboard import bp
from app.web.dashboard.candidate_forms import AddCandidateForm, StatusLinkForm
from app.web.formtools import flash_error, show_errors
from app.web.login import staff_required


@bp.route("/jobs/<int:job_id>/candidates/new", methods=["GET", "POST"])
@staff_required
def add_candidate(job_id: int):
    job = reports.company_job(current_user, job_id)
    require_role(current_user, *EDITORS, action="add candidates")
    form = AddCandidateForm()
    if form.validate_on_submit():
        upload = form.resume.data if isinstance(form.resume.data, FileStorage) and form.resume.data.filename else None
        try:
            applying.add_candidate(
                current_user,
                job.id,
                details=CandidateDetails(
                    full_name=form.full_name.data,
                    email=form.email.data or None,
                    phone=form.phone.data,
                    links=form.links(),
                ),
                source=form.source.data,
                referrer=form.referrer.data,
                note=form.note.data,
                resume=ResumeUpload(upload.filename or "resume", upload.read()) if upload else None,
            )
        except (ValidationFailed, Conflict) as error:
            show_errors(form, error, rename={"links.linkedin": "linkedin", "links.github": "github",
                                            "links.portfolio": "portfolio"})  # fmt: skip
            if form.resume.data and not form.resume.errors:
                form.resume.errors = ["Choose the file again: browsers do not keep it."]
        else:
            flash(f"The candidate is added to {job.title}.", "success")
            return redirect(url_for("dashboard.job", job_id=job.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("dashboard/add_candidate.html", job=job, form=form), status


@bp.post("/applications/<int:application_id>/status-link/revoke")
@staff_required
def revoke_status_link(application_id: int):
    if StatusLinkForm().validate_on_submit():
        try:
            status_links.revoke(current_user, application_id)
        except Conflict as error:
            flash_error(error)
        else:
            flash("The status link no longer works.", "success")
    return redirect(url_for("dashboard.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/status-link")
@staff_required
def reissue_status_link(application_id: int):
    if StatusLinkForm().validate_on_submit():
        try:
            status_links.reissue(current_user, application_id)
        except Conflict as error:
            flash_error(error)
        else:
            flash("A new status link is on its way to the person; the old one no longer works.", "success")
    return redirect(url_for("dashboard.application", application_id=application_id))
