"""Data retention (admins): the policy, who it would anonymise now and why, the runs; a candidate's privacy
actions on their profile (erase on request, legal hold, withdrawn consent)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.errors import DomainError, ValidationFailed
from app.extensions import db
from app.services import erasure, retention
from app.web.dashboard import bp
from app.web.dashboard.retention_forms import ConfirmForm, LegalHoldForm, RetentionPolicyForm
from app.web.formtools import flash_error, show_errors
from app.web.login import staff_required


def _page(form: RetentionPolicyForm, status: int = 200):
    policy = retention.get_policy(current_user)
    if not form.is_submitted():
        form.retention_days.data = policy.retention_days
        form.retention_hired_days.data = policy.retention_hired_days
    return render_template(
        "dashboard/retention.html",
        form=form,
        policy=policy,
        due=retention.preview_for(current_user),
        runs=retention.list_runs(current_user, limit=20),
        run_form=ConfirmForm(formdata=None),
    ), status


@bp.get("/privacy/retention")
@staff_required
def retention_page():
    return _page(RetentionPolicyForm(formdata=None))


@bp.post("/privacy/retention")
@staff_required
def save_retention():
    form = RetentionPolicyForm()
    if form.validate_on_submit():
        try:
            retention.set_policy(
                current_user,
                retention_days=form.retention_days.data,
                retention_hired_days=form.retention_hired_days.data,
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            flash("The retention policy is saved. Check below who it makes due before the next run.", "success")
            return redirect(url_for("dashboard.retention_page"))
    return _page(form, 422)


@bp.post("/privacy/retention/run")
@staff_required
def run_retention():
    if ConfirmForm().validate_on_submit():
        record = retention.run_for(current_user)
        flash(f"{record.count} candidate(s) anonymised.", "success")
    return redirect(url_for("dashboard.retention_page"))


def _back(candidate_id: int):
    return redirect(url_for("dashboard.candidate_profile", candidate_id=candidate_id))


@bp.post("/candidates/<int:candidate_id>/erase")
@staff_required
def erase_candidate(candidate_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            done = erasure.erase(current_user, candidate_id)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            flash_error(error)
        else:
            db.session.commit()
            flash(f"Erased: {done.applications} application(s) emptied, {done.files} file(s) deleted.", "success")
    return _back(candidate_id)


@bp.post("/candidates/<int:candidate_id>/legal-hold")
@staff_required
def hold_candidate(candidate_id: int):
    form = LegalHoldForm()
    if form.validate_on_submit():
        try:
            erasure.set_legal_hold(current_user, candidate_id, form.reason.data)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            flash_error(error)
        else:
            flash("Legal hold placed: this candidate will not be erased until it is lifted.", "success")
    return _back(candidate_id)


@bp.post("/candidates/<int:candidate_id>/legal-hold/lift")
@staff_required
def lift_hold(candidate_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            erasure.lift_legal_hold(current_user, candidate_id)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            flash_error(error)
        else:
            flash("Legal hold lifted.", "success")
    return _back(candidate_id)


@bp.post("/candidates/<int:candidate_id>/consent-withdrawal")
@staff_required
def withdraw_consent(candidate_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            erasure.withdraw_consent(current_user, candidate_id)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            flash_error(error)
        else:
            flash("Consent withdrawal recorded: out of every pool, waiting emails cancelled.", "success")
    return _back(candidate_id)
