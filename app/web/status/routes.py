"""/status/<token>: the application's stage, its timeline (no staff notes or reasons), withdraw, an account.

The token is the only key: no session is needed, nothing else is reachable
through it, and the pages are never cached nor sent as a Referer elsewhere.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app import workflow
from app.errors import Conflict, Forbidden, ValidationFailed
from app.extensions import db
from app.services import applications, data_export, data_requests, interviews, messages, offers, status_links
from app.web import eeo_survey
from app.web.candidate.forms import OfferAnswerForm
from app.web.candidate.routes import ANSWERED, offer_context
from app.web.data_requests.forms import EraseForm, ExportForm
from app.web.formtools import flash_error, show_errors
from app.web.login import start_session
from app.web.status import bp
from app.web.status.forms import ClaimForm, LinkAccountForm, LinkWithdrawForm


@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page(token: str, application, account_form: LinkAccountForm | None = None, status: int = 200):
    signed_in = current_user.is_authenticated
    if account_form is None and not signed_in:
        account_form = LinkAccountForm(full_name=application.candidate.full_name)
    return render_template(
        "status/application.html",
        token=token,
        application=application,
        history=applications.history_of(None, application),
        received=messages.received(application),
        interviews=interviews.upcoming_for_candidate(application),
        can_withdraw="withdrawn"
        in workflow.for_job(application.job).allowed_moves(application.stage, "candidate", True),
        withdraw_form=LinkWithdrawForm(),
        account_form=account_form,
        claim_form=ClaimForm() if signed_in and current_user.is_candidate else None,
        **offer_context(application),
        export_form=ExportForm(),
        erase_form=EraseForm(),
        eeo_survey=eeo_survey.survey_for(application),
        eeo_action=url_for("status.eeo", token=token),
    ), status


@bp.get("/<token>")
def application(token: str):
    return _page(token, status_links.open_link(token))


@bp.post("/<token>/eeo")
def eeo(token: str):
    """The voluntary survey: answered or skipped once (app/services/eeo.py)."""
    eeo_survey.handle(status_links.open_link(token))
    return redirect(url_for("status.application", token=token))


@bp.post("/<token>/withdraw")
def withdraw(token: str):
    form = LinkWithdrawForm()
    if form.validate_on_submit():
        try:
            applications.withdraw_by_link(token)
        except Conflict as error:
            flash_error(error)
        else:
            flash("Your application is withdrawn.", "info")
    return redirect(url_for("status.application", token=token))


@bp.post("/<token>/offers/<int:offer_id>")
def answer_offer(token: str, offer_id: int):
    application = status_links.open_link(token)
    form = OfferAnswerForm()
    if form.validate_on_submit():
        try:
            offer = offers.respond(application, offer_id, accept=bool(form.accept.data))
        except Conflict as error:
            flash_error(error)
        else:
            flash(ANSWERED[offer.status], "success" if offer.status == "accepted" else "info")
    return redirect(url_for("status.application", token=token, _anchor="offer"))


@bp.post("/<token>/account")
def create_account(token: str):
    application = status_links.open_link(token)
    if current_user.is_authenticated:
        return redirect(url_for("status.application", token=token))
    form = LinkAccountForm()
    if form.validate_on_submit():
        try:
            user = status_links.create_account(token, full_name=form.full_name.data, password=form.password.data)
        except (ValidationFailed, Conflict) as error:
            show_errors(form, error)
            if "email" in (error.errors or {}):
                form.form_errors[:] = [
                    "An account already uses this email address: sign in, then open this link again to add it."
                ]
        else:
            start_session(user)
            flash("Your account is ready: it lists every application made with your email address.", "success")
            return redirect(url_for("candidate.applications"))
    return _page(token, application, form, 422)


@bp.post("/<token>/claim")
def claim(token: str):
    form = ClaimForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        try:
            status_links.claim(current_user, token)
        except Forbidden as error:
            flash_error(error)
            return redirect(url_for("status.application", token=token))
        flash("Your applications with this email address are now in your account.", "success")
        return redirect(url_for("candidate.applications"))
    return redirect(url_for("status.application", token=token))


@bp.post("/<token>/my-data")
def export(token: str):
    application = status_links.open_link(token)
    if ExportForm().validate_on_submit():
        row = data_requests.request_export(candidate=application.candidate)
        db.session.commit()
        data_export.start(current_app._get_current_object(), row.id)
        flash("We are preparing your data: a download link will reach you by email shortly.", "success")
    return redirect(url_for("status.application", token=token))


@bp.post("/<token>/erase")
def erase(token: str):
    application = status_links.open_link(token)
    if EraseForm().validate_on_submit():
        data_requests.request_erasure(candidate=application.candidate)
        db.session.commit()
        flash("Check your email: follow the link in it within 24 hours to confirm the erasure.", "info")
    return redirect(url_for("status.application", token=token))
