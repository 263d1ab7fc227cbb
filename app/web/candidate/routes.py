from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import Conflict
from app.services import applications, interviews, messages
from app.web import eeo_survey
from app.web.candidate import bp
from app.web.candidate.forms import WithdrawForm
from app.web.downloads import send_resume
from app.web.formtools import flash_error
from app.web.login import candidate_required


@bp.get("/applications", endpoint="applications")
@candidate_required
def applications_list():
    page = applications.list_applications(current_user, cursor=request.args.get("cursor"))
    next_url = url_for("candidate.applications", cursor=page.next_cursor) if page.next_cursor else None
    return render_template("candidate/applications.html", page=page, next_url=next_url)


@bp.get("/applications/<int:application_id>")
@candidate_required
def application(application_id: int):
    application = applications.get_application(current_user, application_id)
    return render_template(
        "candidate/application.html",
        application=application,
        history=applications.history_of(current_user, application),
        received=messages.received(application),
        interviews=interviews.upcoming_for_candidate(application),
        can_withdraw="withdrawn" in applications.allowed_moves(current_user, application),
        form=WithdrawForm(),
        eeo_survey=eeo_survey.survey_for(application),
        eeo_action=url_for("candidate.eeo", application_id=application.id),
    )


@bp.post("/applications/<int:application_id>/eeo")
@candidate_required
def eeo(application_id: int):
    """The voluntary survey: answered or skipped once (app/services/eeo.py)."""
    eeo_survey.handle(applications.get_application(current_user, application_id))
    return redirect(url_for("candidate.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/withdraw")
@candidate_required
def withdraw(application_id: int):
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            applications.move_stage(current_user, application_id, "withdrawn")
        except Conflict as error:
            flash_error(error)
        else:
            flash("Your application is withdrawn.", "info")
    return redirect(url_for("candidate.application", application_id=application_id))


@bp.get("/applications/<int:application_id>/resume")
@candidate_required
def resume(application_id: int):
    return send_resume(application_id)
