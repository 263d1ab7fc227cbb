from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import Conflict
from app.extensions import db
from app.services import applications, data_export, data_requests, interviews, messages, offer_letters, offers
from app.web import eeo_survey
from app.web.candidate import bp
from app.web.candidate.forms import OfferAnswerForm, WithdrawForm
from app.web.data_requests.forms import EraseForm, ExportForm
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
        **offer_context(application),
        eeo_survey=eeo_survey.survey_for(application),
        eeo_action=url_for("candidate.eeo", application_id=application.id),
    )


def offer_context(application) -> dict:
    """The offer the person was sent (one SELECT), its letter as a page, the answer form."""
    sent = offers.sent_offer(application)
    return {
        "sent_offer": sent,
        "offer_letter": offer_letters.document(sent.letter_html or "") if sent is not None else None,
        "offer_form": OfferAnswerForm(),
    }


@bp.post("/applications/<int:application_id>/offers/<int:offer_id>")
@candidate_required
def answer_offer(application_id: int, offer_id: int):
    form = OfferAnswerForm()
    if form.validate_on_submit():
        try:
            offer = offers.respond_as(current_user, application_id, offer_id, accept=bool(form.accept.data))
        except Conflict as error:
            flash_error(error)
        else:
            flash(ANSWERED[offer.status], "success" if offer.status == "accepted" else "info")
    return redirect(url_for("candidate.application", application_id=application_id, _anchor="offer"))


ANSWERED = {
    "accepted": "You accepted the offer. The team has been told.",
    "declined": "You declined the offer. The team has been told.",
}


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


@bp.get("/privacy")
@candidate_required
def privacy():
    return render_template("candidate/privacy.html", export_form=ExportForm(), erase_form=EraseForm())


@bp.post("/privacy/export")
@candidate_required
def export():
    if ExportForm().validate_on_submit():
        row = data_requests.request_export(user=current_user)
        db.session.commit()
        data_export.start(current_app._get_current_object(), row.id)
        flash("We are preparing your data: a download link will reach you by email shortly.", "success")
    return redirect(url_for("candidate.privacy"))


@bp.post("/privacy/erase")
@candidate_required
def erase():
    if EraseForm().validate_on_submit():
        data_requests.request_erasure(user=current_user)
        db.session.commit()
        flash("Check your email: follow the link in it within 24 hours to confirm the erasure.", "info")
    return redirect(url_for("candidate.privacy"))
